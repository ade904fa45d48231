"""The conversation evals end to end: the CLI writes every report, the suite holds its gates, and
calibration proposes a policy. Real Chroma (the session's sample help centre), real graph."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from agent.dependencies import TurnDependencies
from agent.handoff import InMemoryHandoffQueue
from agent.policy.config import PolicyConfig
from agent.policy.escalation import load_policy
from agent.responders.grounded import GroundedResponder
from agent.sentiment.offline import OfflineAnalyzer
from evals.gates import check_gates, load_gates
from evals.runner import ScenarioRunner
from evals.scenarios import SCENARIO_DIR, load_scenarios
from evals.summary import summarize_runs
from knowledge import KnowledgeBase
from server.cli import main

SMALL = ["faq-password-reset", "explicit-turn-1", "decline-camera-offline"]


def data_dir_of(kb: KnowledgeBase) -> str:
    # The CLI opens the same on-disk store the session fixture already filled: no second ingest.
    return str(Path(kb.client.get_settings().persist_directory).parent)


def test_eval_command_writes_every_report(
    sample_kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report"
    paths = [str(SCENARIO_DIR / f"{name}.yaml") for name in SMALL]
    status = main(
        [
            "eval",
            *paths,
            "--data-dir",
            data_dir_of(sample_kb),
            "--report",
            str(report),
            "--no-gates",
            "--no-progress",
            "--save-baseline",
            str(tmp_path / "b.json"),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "escalation precision / recall / F1" in out
    summary = json.loads((report / "summary.json").read_text())
    assert summary["conversations"] == 3
    assert summary["escalation"]["must_recall"] == 1.0  # "Can I speak to a real person please?"
    lines = (report / "conversations.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["scenario_id"] for line in lines) == sorted(SMALL)
    suite = ET.parse(report / "junit.xml").getroot()
    assert suite.get("tests") == "3"
    page = (report / "report.html").read_text()
    assert page.count("<svg") == 3 and "Confusion matrix" in page
    assert "expected handoff" in page  # the decline scenario's expected window is drawn
    baseline = json.loads((tmp_path / "b.json").read_text())
    assert set(baseline["passed"]) == set(SMALL)


def test_eval_command_fails_on_a_crossed_gate_and_names_it(
    sample_kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gates = tmp_path / "gates.yaml"
    gates.write_text(
        "gates:\n  escalation.false_escalation_rate: {max: 0.0}\n"
        "  retrieval.hit_at_k: {min: 1.01}\n"
    )
    status = main(
        [
            "eval",
            str(SCENARIO_DIR / "faq-password-reset.yaml"),
            "--data-dir",
            data_dir_of(sample_kb),
            "--gates",
            str(gates),
            "--no-progress",
        ]
    )
    out = capsys.readouterr().out
    assert status == 1
    assert "CROSSED retrieval.hit_at_k" in out
    assert "CROSSED escalation.false_escalation_rate" not in out


def test_eval_command_refuses_bad_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntags: [faq]\nweight: 1\npersona: p\nturns: [hi]\nexpect: {}\n")
    assert main(["eval", str(bad), "--data-dir", str(tmp_path)]) == 2
    assert "bad.yaml: expect.escalation: required" in capsys.readouterr().err


@pytest.mark.slow
def test_full_suite_holds_the_gates(
    sample_kb: KnowledgeBase, offline_analyzer: OfflineAnalyzer
) -> None:
    deps = TurnDependencies(
        analyzer=offline_analyzer,
        retriever=sample_kb,
        policy=load_policy(None),
        responder=GroundedResponder(),
        queue=InMemoryHandoffQueue(),
    )
    scenarios = load_scenarios()
    runs = ScenarioRunner(deps, workers=2).run(scenarios)
    summary = summarize_runs(scenarios, runs)
    crossed = [
        f"{g.metric} = {g.value} (gate {g.bound})"
        for g in check_gates(summary, load_gates())
        if not g.passed
    ]
    assert not crossed, crossed
    assert summary["errors"] == 0


def test_calibrate_proposes_a_valid_policy_and_plots_the_tradeoff(
    sample_kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "labelled.jsonl"
    rows = [
        {
            "conversation_id": "p1",
            "should_escalate": True,
            "turns": [
                {"speaker": "customer", "text": "my thermostat is broken again"},
                {"speaker": "bot", "text": "Try the calibration steps."},
                {
                    "speaker": "customer",
                    "text": "I did that twice already and it's still freezing, this is hopeless",
                },
            ],
        },
        {
            "conversation_id": "p2",
            "should_escalate": False,
            "weight": 8,
            "turns": [{"speaker": "customer", "text": "what time do your agents start on Monday?"}],
        },
    ]
    labelled.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out_policy, plot = tmp_path / "proposed.yaml", tmp_path / "tradeoff.svg"
    paths = [str(SCENARIO_DIR / f"{name}.yaml") for name in SMALL]
    status = main(
        [
            "eval",
            "calibrate",
            *paths,
            "--labelled",
            str(labelled),
            "--output",
            str(out_policy),
            "--plot",
            str(plot),
            "--data-dir",
            data_dir_of(sample_kb),
            "--no-progress",
        ]
    )
    assert status == 0
    assert "policies swept over 5 conversations" in capsys.readouterr().out
    proposed = PolicyConfig.model_validate(yaml.safe_load(out_policy.read_text()), strict=False)
    assert str(proposed.version).endswith("-calibrated")
    assert plot.read_text().startswith("<svg") and "proposed" in plot.read_text()


def test_calibrate_refuses_unlabelled_conversations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sample_kb: KnowledgeBase
) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(json.dumps({"conversation_id": "x", "turns": []}) + "\n")
    status = main(
        [
            "eval",
            "calibrate",
            str(SCENARIO_DIR / "explicit-turn-1.yaml"),
            "--labelled",
            str(labelled),
            "--output",
            str(tmp_path / "p.yaml"),
            "--data-dir",
            data_dir_of(sample_kb),
            "--no-progress",
        ]
    )
    assert status == 2
    assert "labelled.jsonl:1: should_escalate: expected true or false" in capsys.readouterr().err
    assert not (tmp_path / "p.yaml").exists()


def test_calibrate_uses_the_outcomes_agents_labelled_in_the_console(
    sample_kb: KnowledgeBase,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlmodel import Session

    from agent.handoff import HandoffPackage
    from server.records.agents import create_agent
    from server.records.conversations import create_conversation
    from server.records.db import init_db, make_engine
    from server.records.handoff_moves import claim_handoff
    from server.records.handoffs import label_handoff
    from server.records.queue import SqlHandoffQueue

    records = f"sqlite:///{tmp_path / 'desk.db'}"
    engine = make_engine(records)
    init_db(engine)
    verdicts = {
        "I asked for a refund three times and nobody answers, this is a disgrace": True,
        "could someone tell me the opening hours please": False,
    }
    with Session(engine) as session:
        agent, _ = create_agent(session=session, name="labeller")
    for text, warranted in verdicts.items():
        with Session(engine) as session:
            conversation = create_conversation(session=session)
        ticket = SqlHandoffQueue(engine).enqueue(
            HandoffPackage(
                conversation_id=conversation.id,
                rule="frustration",
                severity="medium",
                risk=0.8,
                rationale="test",
                summary="test",
                transcript=[
                    {"role": "customer", "text": text},
                    {"role": "system", "text": "I'm bringing in a member of our team."},
                ],
                sentiment_series=[],
                decisions=[],
                cited_doc_ids=[],
            )
        )
        with Session(engine) as session:
            claim_handoff(session=session, handoff_id=ticket.handoff_id, agent_id=agent.id)
            label_handoff(
                session=session,
                handoff_id=ticket.handoff_id,
                agent_id=agent.id,
                warranted=warranted,
            )
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", records)
    status = main(
        [
            "eval",
            "calibrate",
            *[str(SCENARIO_DIR / f"{name}.yaml") for name in SMALL],
            "--from-desk",
            "--output",
            str(tmp_path / "proposed.yaml"),
            "--data-dir",
            data_dir_of(sample_kb),
            "--no-progress",
        ]
    )
    assert status == 0
    captured = capsys.readouterr()
    assert "2 handoffs labelled by agents" in captured.err
    assert f"policies swept over {len(SMALL) + 2} conversations" in captured.out
