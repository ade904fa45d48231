"""`tideline quality train --input` on the rated conversations, as a support lead runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlmodel import Session

from agent.quality.model import load_satisfaction_model
from agent.risk.model import load_risk_model
from agent.sentiment.reading import SentimentReading
from server.cli import main
from server.quality.meter import QualityMeter
from server.records.conversations import create_conversation
from server.records.db import init_db, make_engine
from server.records.quality import rate_conversation
from server.records.readings import record_reading
from server.settings import ServerSettings

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


def test_train_from_the_records_fits_the_ratings_customers_gave(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    engine = make_engine(ServerSettings(data_dir=data_dir).records_url)
    init_db(engine)
    meter = QualityMeter(engine, lambda: 1000.0, load_risk_model(), load_satisfaction_model(), "x")
    with Session(engine) as session:
        for i in range(16):
            score = -0.9 + 0.12 * i  # from angry to pleased, rated 1 to 5 alike
            cid = create_conversation(session=session, now=10.0).id
            label = "negative" if score < -0.25 else "positive" if score > 0.25 else "neutral"
            reading = SentimentReading(score, label, max(0.0, -score), 0.1, 0.8)  # type: ignore[arg-type]
            record_reading(session=session, conversation_id=cid, reading=reading, now=10.0)
            meter.measure(cid, "customer")
            rating = min(5, max(1, round(3 + 2.2 * score)))
            rate_conversation(
                session=session, conversation_id=cid, score=rating, comment=None, now=11.0
            )
    engine.dispose()
    assert main(["quality", "train", "--data-dir", str(data_dir)]) == 0
    said = capsys.readouterr().out
    assert "fitted on 16 rated conversations from the records" in said
    model = load_satisfaction_model(data_dir / "satisfaction_model.json")
    assert model.info["trained_on"] == "the records"
