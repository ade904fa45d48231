"""The conversation risk: a trajectory, not one message; the reasons it records; refitting it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.policy.config import PolicyError
from agent.policy.escalation import EscalationPolicy, load_policy
from agent.replay import replay_conversation
from agent.risk.fit import auroc
from agent.risk.model import RiskModelError, load_risk_model
from agent.sentiment.offline import OfflineAnalyzer

ROOT = Path(__file__).parents[3]
LABELLED = ROOT / "evals" / "data" / "labelled_conversations.jsonl"


@pytest.fixture(scope="module")
def analyzer() -> OfflineAnalyzer:
    return OfflineAnalyzer.load()


@pytest.fixture(scope="module")
def policy() -> EscalationPolicy:
    return load_policy(None)


def customer(*lines: str) -> dict[str, object]:
    return {
        "conversation_id": "c",
        "turns": [{"speaker": "customer", "text": line} for line in lines],
    }


def test_the_shipped_model_ranks_held_out_conversations_that_end_badly_higher(
    analyzer: OfflineAnalyzer, policy: EscalationPolicy
) -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    held = [r for r in rows if r["split"] == "held_out"]
    assert len(rows) >= 200 and len(held) >= 60
    bad, good = [], []
    for row in held:
        out = replay_conversation(row, analyzer=analyzer, policy=policy)
        (bad if row["outcome"] == "bad" else good).append(out["max_risk"])
    assert auroc(bad, good) >= 0.9
    # Calm conversations are rarely handed over.
    assert sum(r >= 0.8 for r in good) / len(good) <= 0.1


def test_a_lone_angry_message_weighs_less_than_a_run_of_them(
    analyzer: OfflineAnalyzer, policy: EscalationPolicy
) -> None:
    spike = replay_conversation(
        customer(
            "How do I export my projects to CSV?",
            "ugh, seriously?? this is so annoying",
            "ok never mind, how do I do it then?",
            "Perfect, that worked. Thanks!",
        ),
        analyzer=analyzer,
        policy=policy,
    )
    run = replay_conversation(
        customer(
            "The app crashes every time I open a shared file.",
            "I cleared the cache already, same crash.",
            "My whole team has been blocked all morning.",
            "Useless. We're evaluating other tools this week.",
        ),
        analyzer=analyzer,
        policy=policy,
    )
    assert not spike["escalated"]
    assert run["escalated"]
    assert run["max_risk"] > spike["max_risk"] + 0.3
    # Thanks at the end brings the risk down: the conversation ended well.
    risks = [t["decision"]["risk"] for t in spike["turns"]]
    assert risks[-1] < max(risks)


def test_the_decision_record_says_in_plain_words_what_moved_the_risk(
    analyzer: OfflineAnalyzer, policy: EscalationPolicy
) -> None:
    from agent.policy.decision import PolicyInput
    from agent.sentiment.trend import summarize

    texts = [
        "My card was declined at the supermarket but I have money in the account.",
        "I did reset the password, it still says my details are wrong.",
        "Again, where is the payment I sent on Monday?",
    ]
    readings = [analyzer.analyze(t) for t in texts]
    decision = policy.evaluate(
        PolicyInput(
            reading=readings[-1],
            conversation=summarize(readings),
            retrieval_confidence=0.0,
            answerable=False,
            ungrounded_streak=2,
            turn=3,
            message=texts[-1],
        )
    )
    factors = [e for e in decision.evidence if e.measure.startswith("because ")]
    assert factors, decision.evidence
    assert any("no answer in the help centre 2 times in a row" in e.measure for e in factors)
    assert all(e.rule == "conversation_risk" and "log-odds" in e.comparison for e in factors)


def test_the_risk_rule_waits_for_a_second_message(policy: EscalationPolicy) -> None:
    from dataclasses import replace

    from tests.agent.policy.test_policy_rules import conversation, decide, reading

    angry = reading(-0.8, 0.55)
    first = decide(policy, angry, conversation([-0.8]), ungrounded_streak=2, turn=1)
    assert first.risk >= 0.8
    assert "conversation_risk" not in first.fired_rules
    later = decide(
        policy,
        angry,
        replace(conversation([-0.8, -0.8]), consecutive_negative=2),
        ungrounded_streak=2,
        turn=2,
    )
    assert "conversation_risk" in later.fired_rules


def test_old_hand_set_risk_weights_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("version: 1\nname: old\nrisk:\n  bias: -4.0\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"risk: bias: the risk is a fitted model now"):
        load_policy(path)


def test_a_policy_names_its_own_risk_model_file(tmp_path: Path) -> None:
    shipped = load_risk_model(None)
    custom = tmp_path / "team_risk.json"
    data = shipped.to_dict()
    data["bias"] = data["bias"] + 2.0  # a team whose conversations go wrong more often
    custom.write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "p.yaml").write_text(
        "version: 1\nname: team\nrisk:\n  model: team_risk.json\n", encoding="utf-8"
    )
    policy = load_policy(tmp_path / "p.yaml")
    assert policy.risk_model.bias == pytest.approx(shipped.bias + 2.0)

    (tmp_path / "bad.yaml").write_text(
        "version: 1\nname: team\nrisk:\n  model: missing.json\n", encoding="utf-8"
    )
    with pytest.raises(PolicyError, match="risk.model: .*cannot read the risk model"):
        load_policy(tmp_path / "bad.yaml")
    custom.write_text(json.dumps({"format": 1, "features": ["x"]}), encoding="utf-8")
    with pytest.raises(RiskModelError, match="refit it"):
        load_risk_model(custom)


def test_refit_is_one_command_and_its_model_loads(tmp_path: Path) -> None:
    rows = LABELLED.read_text(encoding="utf-8").splitlines()
    small = tmp_path / "small.jsonl"
    # Two domains, so the L2 strength can be chosen by leaving one out; one held-out domain.
    keep = [r for r in rows if json.loads(r)["domain"] in ("banking", "retail", "hotel")]
    small.write_text("\n".join(keep) + "\n", encoding="utf-8")
    out = tmp_path / "risk.json"
    done = subprocess.run(
        [sys.executable, "-m", "agent.risk.refit", "--input", str(small), "--output", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    model = load_risk_model(out)
    assert model.info["conversations"] == 84 and model.info["held_out_conversations"] == 42
    assert model.info["held_out_auroc_max_risk"] > 0.8

    broken = tmp_path / "broken.jsonl"
    broken.write_text(keep[0] + "\n" + '{"conversation_id": "x", "turns": []}\n', encoding="utf-8")
    failed = subprocess.run(
        [sys.executable, "-m", "agent.risk.refit", "--input", str(broken), "--output", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert failed.returncode != 0
    assert f"{broken}:2: outcome" in failed.stderr
    assert load_risk_model(out).info["conversations"] == 84  # the old file is untouched
