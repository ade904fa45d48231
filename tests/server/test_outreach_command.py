"""`tideline outreach scan` over a JSONL of customer histories, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli import main
from tests.agent.outreach.helpers import NOW, blunt_but_loyal, polite_and_cooling


def write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_scan_writes_every_line_back_with_outreach(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path / "in.jsonl", [blunt_but_loyal(), polite_and_cooling()])
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "outreach",
            "scan",
            "--input",
            str(src),
            "--output",
            str(out),
            "--now",
            NOW.isoformat(),
            "--no-progress",
        ]
    )
    assert code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["outreach"]["flagged"] for r in rows] == [False, True]
    assert rows[1]["outreach"]["draft"]["subject"]
    assert set(rows[0]["outreach"]) == {
        "flagged",
        "rule",
        "tier",
        "severity",
        "risk",
        "rationale",
        "evidence",
        "draft",
        "contact_by",
    }
    assert "1 of 2 customers flagged" in capsys.readouterr().out


def test_bad_line_is_one_line_error_with_its_number_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = polite_and_cooling()
    bad["conversations"][1]["started_at"] = "last tuesday"
    src = write(tmp_path / "in.jsonl", [blunt_but_loyal(), bad])
    out = tmp_path / "out.jsonl"
    assert (
        main(["outreach", "scan", "--input", str(src), "--output", str(out), "--no-progress"]) == 2
    )
    err = capsys.readouterr().err
    assert "in.jsonl:2: conversations[1].started_at" in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_without_input_says_record_scanning_is_not_available_yet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["outreach", "scan"]) == 2
    assert "not available yet" in capsys.readouterr().err


def test_bad_policy_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path / "in.jsonl", [blunt_but_loyal()])
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: x\nrules:\n  - name: a\n    action: phone_them\n")
    code = main(
        [
            "outreach",
            "scan",
            "--input",
            str(src),
            "--output",
            str(tmp_path / "o.jsonl"),
            "--policy",
            str(policy),
        ]
    )
    assert code == 2 and "policy.yaml: rules.0.action" in capsys.readouterr().err
