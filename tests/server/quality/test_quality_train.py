"""`tideline quality train --input` on the rated conversations, as a support lead runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agent.quality.model import load_satisfaction_model
from server.cli import main

RATED = Path(__file__).parents[3] / "evals" / "data" / "rated_conversations.jsonl"


def test_train_on_the_rated_conversations_beats_the_mean_and_writes_a_usable_model(
    tmp_path: Path, sample_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model.json"
    args = ["quality", "train", "--input", str(RATED), "--output", str(out)]
    assert main([*args, "--data-dir", str(sample_data_dir)]) == 0
    said = capsys.readouterr().out
    found = re.search(r"MAE ([\d.]+) stars \(predicting the mean: ([\d.]+)\)", said)
    assert found, said
    assert float(found[1]) < float(found[2])
    model = load_satisfaction_model(out)
    assert model.info["held_out"]["rated"] >= 40


def test_a_bad_rating_is_one_line_error_with_its_line_number_and_no_model(
    tmp_path: Path, sample_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [json.loads(line) for line in RATED.read_text(encoding="utf-8").splitlines()][:14]
    rows[6]["rating"] = 7
    src = tmp_path / "rated.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "model.json"
    code = main(
        [
            "quality",
            "train",
            "--input",
            str(src),
            "--output",
            str(out),
            "--data-dir",
            str(sample_data_dir),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err == f"tideline: {src}:7: rating: expected a whole number from 1 to 5"
    assert not out.exists()
