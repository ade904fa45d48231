"""`tideline outreach scan` over a JSONL of customer histories, as a user runs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session

from server.cli import main
from server.records.db import init_db, make_engine
from server.settings import ServerSettings
from tests.agent.outreach.helpers import NOW, blunt_but_loyal, polite_and_cooling
from tests.server.proactive.proactive_support import store_history


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


def test_without_input_it_files_the_records_customers_once_and_exports_the_log(
    tmp_path: Path, sample_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The session's MiniLM graph, so the command does not build it again.
    shutil.copytree(sample_data_dir / "models", tmp_path / "models")
    engine = make_engine(ServerSettings(data_dir=tmp_path).records_url)
    init_db(engine)
    with Session(engine) as session:
        store_history(session, polite_and_cooling(), customer_id="cooling")
        store_history(session, blunt_but_loyal(), customer_id="blunt")
    engine.dispose()
    scan = ["outreach", "scan", "--now", NOW.isoformat(), "--data-dir", str(tmp_path)]
    assert main([*scan, "--no-progress"]) == 0
    assert "1 of 2 customers flagged; 1 new on the outreach desk" in capsys.readouterr().out
    assert main([*scan, "--no-progress"]) == 0
    assert "1 of 2 customers flagged; 0 new on the outreach desk" in capsys.readouterr().out

    log = tmp_path / "log.jsonl"
    assert main(["outreach", "export", "--output", str(log), "--data-dir", str(tmp_path)]) == 0
    (row,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert (row["customer_id"], row["action"]["status"]) == ("cooling", "open")
    assert [e["kind"] for e in row["log"]] == ["flagged"] and row["draft"]["body"]
    capsys.readouterr()
    assert main(["outreach", "report", "--data-dir", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["flags"] == 1 and report["no_outreach"]["customers"] == 1


def test_records_scan_refuses_an_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outreach", "scan", "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "--output goes with --input" in capsys.readouterr().err


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


def test_serve_refuses_a_broken_outreach_policy_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: x\nrules:\n  - name: a\n    action: phone_them\n")
    monkeypatch.setenv("TIDELINE_OUTREACH_POLICY_PATH", str(policy))
    assert main(["serve", "--data-dir", str(tmp_path), "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "policy.yaml" in err and "action" in err and "Traceback" not in err
