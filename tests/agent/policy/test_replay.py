"""`tideline replay` and the replay functions, on small transcripts through the offline analyzer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.policy.escalation import load_policy
from agent.replay import InvalidTranscript, replay_conversation
from agent.sentiment.offline import OfflineAnalyzer
from server.cli import main

CALM = {
    "conversation_id": "calm",
    "turns": [
        {"speaker": "customer", "text": "hi, how do I reset my password?"},
        {"speaker": "bot", "text": "Open Settings, then Security, then Reset password."},
        {"speaker": "customer", "text": "ok that worked, thanks"},
    ],
}
ASKS_FOR_PERSON = {
    "conversation_id": "asks",
    "channel": "web",
    "turns": [
        {"speaker": "customer", "text": "Can I speak to a real person please?"},
        {"speaker": "bot", "text": "I'm bringing in a colleague."},
        {"speaker": "customer", "text": "HELLO?? Is anyone there? This is ridiculous!"},
        {"speaker": "agent", "text": "Hi, Sam here. Let me look."},
        {"speaker": "customer", "text": "This is useless, I want a refund NOW, I'm furious"},
    ],
}
UNANSWERABLE = {
    "conversation_id": "kb-gap",
    "turns": [
        {"speaker": "customer", "text": "Do you sell garden furniture?"},
        {"speaker": "bot", "text": "I couldn't find that in our help centre.", "grounded": False},
        {"speaker": "customer", "text": "What about patio heaters then?"},
        {"speaker": "bot", "text": "I couldn't find that either.", "grounded": False},
    ],
}


@pytest.fixture(scope="module")
def analyzer() -> OfflineAnalyzer:
    return OfflineAnalyzer.load()


def test_calm_conversation_is_not_escalated(analyzer: OfflineAnalyzer) -> None:
    out = replay_conversation(CALM, analyzer=analyzer, policy=load_policy(None))
    assert out["escalated"] is False and out["escalation_turn"] is None
    assert out["max_risk"] < 0.3
    assert "decision" not in out["turns"][1]  # bot turns are not judged
    for index in (0, 2):
        turn = out["turns"][index]
        assert set(turn["sentiment"]) >= {"score", "label", "frustration", "urgency", "signals"}
        assert set(turn["decision"]) >= {"escalate", "rule", "severity", "risk", "reason"}


def test_request_for_a_person_escalates_once_then_raises_priority_then_defers_to_the_agent(
    analyzer: OfflineAnalyzer,
) -> None:
    out = replay_conversation(ASKS_FOR_PERSON, analyzer=analyzer, policy=load_policy(None))
    assert out["channel"] == "web"  # fields of the input are kept
    assert out["escalated"] and out["escalation_turn"] == 0
    first, waiting, with_agent = (out["turns"][i]["decision"] for i in (0, 2, 4))
    assert first["rule"] == "explicit_request" and first["escalate"]
    assert first["reason"].startswith("Customer asked for a person: 'Can I speak")
    assert not waiting["escalate"] and waiting["raise_priority"] and waiting["owner"] == "queued"
    assert not with_agent["escalate"] and not with_agent["raise_priority"]
    assert with_agent["owner"] == "human"
    assert with_agent["risk"] > 0.5  # still scored while a person owns it
    assert out["max_risk"] == max(out["turns"][i]["decision"]["risk"] for i in (0, 2, 4))


def test_bot_cannot_help_only_when_the_transcript_says_the_answer_was_not_grounded(
    analyzer: OfflineAnalyzer,
) -> None:
    policy = load_policy(None)
    marked = replay_conversation(UNANSWERABLE, analyzer=analyzer, policy=policy)
    assert marked["escalation_turn"] == 2
    assert marked["turns"][2]["decision"]["rule"] == "bot_cannot_help"
    unmarked = {
        "conversation_id": "no-marks",
        "turns": [{k: v for k, v in t.items() if k != "grounded"} for t in UNANSWERABLE["turns"]],
    }
    assert not replay_conversation(unmarked, analyzer=analyzer, policy=policy)["escalated"]


@pytest.mark.parametrize(
    ("conv", "message"),
    [
        ({"turns": []}, "missing field 'conversation_id'"),
        ({"conversation_id": "x", "turns": "hello"}, "turns: expected a list"),
        (
            {"conversation_id": "x", "turns": [{"speaker": "robot", "text": "hi"}]},
            "turns[0].speaker: expected one of customer, agent, bot, got 'robot'",
        ),
        ({"conversation_id": "x", "turns": [{"speaker": "customer"}]}, "turns[0].text"),
    ],
)
def test_malformed_conversations_are_refused_with_the_field(
    analyzer: OfflineAnalyzer, conv: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidTranscript) as caught:
        replay_conversation(conv, analyzer=analyzer, policy=load_policy(None))
    assert message in str(caught.value)


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
        encoding="utf-8",
    )
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_replay_command_writes_one_line_per_conversation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "conv.jsonl", [CALM, "", ASKS_FOR_PERSON, UNANSWERABLE])
    output = tmp_path / "out" / "replayed.jsonl"
    assert main(["replay", "--input", str(source), "--output", str(output)]) == 0
    rows = read_jsonl(output)
    assert [r["conversation_id"] for r in rows] == ["calm", "asks", "kb-gap"]
    assert [r["escalated"] for r in rows] == [False, True, True]
    assert all(r["policy_version"] == "tideline-default@2" for r in rows)
    assert "3 conversations" in capsys.readouterr().out


def test_a_malformed_line_stops_the_replay_with_its_line_number_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(
        tmp_path / "conv.jsonl",
        [CALM, {"conversation_id": "bad", "turns": [{"speaker": "robot", "text": "x"}]}],
    )
    output = tmp_path / "out.jsonl"
    output.write_text("earlier results\n", encoding="utf-8")
    assert main(["replay", "--input", str(source), "--output", str(output)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert f"{source}:2: turns[0].speaker" in err
    assert output.read_text(encoding="utf-8") == "earlier results\n"  # nothing lost
    assert list(tmp_path.glob("*.part")) == []

    broken_json = write_jsonl(tmp_path / "broken.jsonl", [CALM, "{not json"])
    assert main(["replay", "--input", str(broken_json), "--output", str(tmp_path / "b.jsonl")]) == 2
    assert "broken.jsonl:2: invalid JSON" in capsys.readouterr().err
    assert not (tmp_path / "b.jsonl").exists()


def test_a_bad_policy_file_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "conv.jsonl", [CALM])
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: x\nrules:\n  frustration: {threshold: 2}\n")
    args = ["replay", "--input", str(source), "--output", str(tmp_path / "o.jsonl")]
    assert main([*args, "--policy", str(policy)]) == 2
    assert "rules.frustration.threshold: must be between 0 and 1" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_compare_reports_which_conversations_a_stricter_policy_would_hand_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    annoyed = {
        "conversation_id": "annoyed",
        "turns": [
            {"speaker": "customer", "text": "My parcel is late again and nobody told me why."}
        ],
    }
    source = write_jsonl(tmp_path / "conv.jsonl", [CALM, annoyed])
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        "version: 2\nname: strict\nrules:\n  frustration: {threshold: 0.2}\n", encoding="utf-8"
    )
    output = tmp_path / "out.jsonl"
    code = main(
        ["replay", "--input", str(source), "--output", str(output), "--compare", str(strict)]
    )
    assert code == 0
    report = capsys.readouterr().out
    assert "tideline-default@2 vs strict@2" in report
    assert "escalated under tideline-default@2: 0/2" in report
    assert "escalated under strict@2: 1/2" in report
    assert "only under strict@2: 1  annoyed" in report
    # The output file holds the main policy's judgement.
    assert [r["escalated"] for r in read_jsonl(output)] == [False, False]
