"""`tideline sentiment`: one message, a JSONL batch (atomic, line-numbered errors) and training."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from agent.sentiment.offline import OfflineAnalyzer
from agent.sentiment.training.data import OWN_DATA_PATH
from server.commands import sentiment
from server.commands.jsonl import CommandError


def run(argv: Sequence[str]) -> int:
    """The command as `tideline` runs it: its own sub-parser, CommandError turned into status 2."""
    parser = argparse.ArgumentParser(prog="tideline")
    sentiment.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["sentiment", *argv])
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"tideline: {exc}", file=__import__("sys").stderr)
        return 2


def test_one_message_human_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["This is ridiculous, let me talk to a human NOW"]) == 0
    out = capsys.readouterr().out
    assert "negative" in out and "explicit_human_request" in out


def test_one_message_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--json", "Thanks, that fixed it!"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["label"] == "positive" and data["analyzer"] == "offline"


def test_batch_adds_a_sentiment_to_every_line_and_keeps_other_fields(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": 1, "text": "how do I reset my password?"},
        {"id": 2, "text": "WHERE IS MY REFUND"},
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    target = tmp_path / "out" / "result.jsonl"
    assert run(["--input", str(source), "--output", str(target), "--no-progress"]) == 0
    out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in out] == [1, 2]
    assert set(out[0]["sentiment"]) == {
        "score",
        "label",
        "frustration",
        "urgency",
        "confidence",
        "signals",
    }
    assert out[0]["sentiment"]["label"] == "neutral"
    assert (
        out[1]["sentiment"]["label"] == "negative" and "all_caps" in out[1]["sentiment"]["signals"]
    )


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"txt": "hi"}', "missing field 'text'"),
        ('{"text": 5}', "string"),
    ],
)
def test_malformed_line_stops_with_its_number_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad_line: str, message: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "fine"}\n' + bad_line + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    assert run(["--input", str(source), "--output", str(target), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tideline: ") and ":2:" in err and message in err and "\n" not in err
    assert list(tmp_path.iterdir()) == [source]


def test_missing_input_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(["--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o.jsonl")]) == 2
    )
    assert "no such file" in capsys.readouterr().err


def test_training_on_a_small_file_gives_a_loadable_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [json.loads(line) for line in OWN_DATA_PATH.read_text(encoding="utf-8").splitlines()]
    labelled = tmp_path / "tickets.jsonl"
    labelled.write_text(
        "\n".join(json.dumps({"text": r["text"], "label": r["label"]}) for r in rows[::2]),
        encoding="utf-8",
    )
    model_path = tmp_path / "models" / "ours.npz"
    assert run(["train", "--input", str(labelled), "--output", str(model_path)]) == 0
    assert "held-out macro-recall" in capsys.readouterr().out
    ours = OfflineAnalyzer.load(model_path)
    assert ours.analyze("Thanks so much, all sorted!").label == "positive"
    assert ours.analyze("The replacement arrived broken, again.").label == "negative"


def test_training_refuses_a_bad_label_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "tickets.jsonl"
    labelled.write_text('{"text": "ok", "label": "neutral"}\n{"text": "meh", "label": "angry"}\n')
    model_path = tmp_path / "m.npz"
    assert run(["train", "--input", str(labelled), "--output", str(model_path)]) == 2
    assert ":2:" in capsys.readouterr().err
    assert not model_path.exists()


def test_a_damaged_model_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a model")
    assert run(["--model", str(broken), "hello"]) == 2
    assert "not a Tideline sentiment model" in capsys.readouterr().err
