"""Replays past transcripts through sentiment and the escalation policy, without writing replies.

Each customer turn gets its reading and decision record; each conversation gets whether and where
the policy would have handed it to a person. Retrieval is not run: the bot-cannot-help rule sees an
ungrounded turn only when the transcript says so (``"grounded": false`` on the customer turn or on
the bot turn that answered it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from agent.policy.decision import CustomerHistory, EscalationDecision, PolicyInput
from agent.policy.escalation import EscalationPolicy
from agent.sentiment.reading import SentimentAnalyzer, SentimentReading
from agent.sentiment.trend import summarize

SPEAKERS = ("customer", "agent", "bot")
CONTEXT_MESSAGES = 4  # earlier customer messages the analyzer sees, as in the live turn


class InvalidTranscript(ValueError):
    """A conversation that cannot be replayed; ``line`` is set when it came from a file."""

    def __init__(self, detail: str, *, line: int | None = None) -> None:
        super().__init__(detail if line is None else f"line {line}: {detail}")
        self.detail = detail
        self.line = line


@dataclass(frozen=True)
class ReplayedConversation:
    """One input line replayed under the main policy and, for a what-if, under another."""

    line: int
    result: dict[str, Any]
    other: dict[str, Any] | None = None


def validate_conversation(conv: Any) -> None:
    """Raise InvalidTranscript naming the first field that is missing or malformed."""
    if not isinstance(conv, dict):
        raise InvalidTranscript("expected a JSON object")
    cid = conv.get("conversation_id")
    if cid is None:
        raise InvalidTranscript("missing field 'conversation_id'")
    if not isinstance(cid, str | int) or isinstance(cid, bool):
        raise InvalidTranscript("conversation_id: expected a string")
    turns = conv.get("turns")
    if not isinstance(turns, list):
        raise InvalidTranscript("turns: expected a list of {speaker, text}")
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise InvalidTranscript(f"turns[{index}]: expected an object with speaker and text")
        if turn.get("speaker") not in SPEAKERS:
            raise InvalidTranscript(
                f"turns[{index}].speaker: expected one of {', '.join(SPEAKERS)}, "
                f"got {turn.get('speaker')!r}"
            )
        if not isinstance(turn.get("text"), str):
            raise InvalidTranscript(f"turns[{index}].text: expected a string")
        if "grounded" in turn and not isinstance(turn["grounded"], bool):
            raise InvalidTranscript(f"turns[{index}].grounded: expected true or false")
    history = conv.get("customer_history")
    if history is not None:
        if not isinstance(history, dict) or set(history) - {
            "recent_conversations",
            "worsening_arc",
        }:
            raise InvalidTranscript(
                "customer_history: expected {recent_conversations, worsening_arc}"
            )
        count = history.get("recent_conversations", 0)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise InvalidTranscript("customer_history.recent_conversations: expected a count")
        if not isinstance(history.get("worsening_arc", False), bool):
            raise InvalidTranscript("customer_history.worsening_arc: expected true or false")


def read_conversation(
    conv: dict[str, Any], analyzer: SentimentAnalyzer
) -> list[SentimentReading | None]:
    """The reading of each customer turn (None for agent and bot turns), in turn order."""
    readings: list[SentimentReading | None] = []
    earlier: list[str] = []
    for turn in conv["turns"]:
        if turn["speaker"] != "customer":
            readings.append(None)
            continue
        readings.append(analyzer.analyze(turn["text"], context=earlier[-CONTEXT_MESSAGES:]))
        earlier.append(turn["text"])
    return readings


def answer_grounded(turns: list[dict[str, Any]], index: int) -> bool | None:
    """Whether customer turn ``index`` got a grounded answer, when the transcript says so."""
    if "grounded" in turns[index]:
        return bool(turns[index]["grounded"])
    for turn in turns[index + 1 :]:
        if turn["speaker"] == "customer":
            break
        if turn["speaker"] == "bot" and "grounded" in turn:
            return bool(turn["grounded"])
    return None


def _decision_summary(decision: EscalationDecision, owner: str) -> dict[str, Any]:
    return {
        "escalate": decision.escalate,
        "rule": decision.rule,
        "severity": decision.severity,
        "risk": decision.risk,
        "reason": decision.reason,
        "raise_priority": decision.raise_priority,
        "fired_rules": list(decision.fired_rules),
        "tone": decision.tone,
        "owner": owner,
    }


def replay_conversation(
    conv: dict[str, Any],
    *,
    analyzer: SentimentAnalyzer | None = None,
    policy: EscalationPolicy,
    readings: list[SentimentReading | None] | None = None,
) -> dict[str, Any]:
    """``conv`` with each customer turn's sentiment and decision, and the conversation's outcome.

    Pass ``readings`` (from :func:`read_conversation`) to judge the same transcript under several
    policies without reading it twice.
    """
    validate_conversation(conv)
    if readings is None:
        if analyzer is None:
            raise ValueError("replay_conversation needs an analyzer or precomputed readings")
        readings = read_conversation(conv, analyzer)
    history_data = conv.get("customer_history")
    history = CustomerHistory(**history_data) if history_data else None

    turns_in: list[dict[str, Any]] = conv["turns"]
    turns_out: list[dict[str, Any]] = []
    so_far: list[SentimentReading] = []
    owner = "bot"
    streak = 0
    escalation_turn: int | None = None
    max_risk = 0.0
    customer_turn = 0
    for index, turn in enumerate(turns_in):
        out = dict(turn)
        turns_out.append(out)
        if turn["speaker"] == "agent" and owner in ("bot", "queued"):
            owner = "human"  # a person answered: later triggers are theirs to handle
        reading = readings[index]
        if turn["speaker"] != "customer" or reading is None:
            continue
        customer_turn += 1
        so_far.append(reading)
        grounded = answer_grounded(turns_in, index)
        # Like the live turn, the streak counts only turns the bot had to answer.
        streak = streak + 1 if (owner == "bot" and grounded is False) else 0
        decision = policy.evaluate(
            PolicyInput(
                reading=reading,
                conversation=summarize(
                    so_far,
                    window=policy.trend_window,
                    slope_threshold=policy.trend_slope_threshold,
                ),
                retrieval_confidence=0.0 if grounded is False else 1.0,
                answerable=grounded is not False,
                ungrounded_streak=streak,
                owner=owner,
                turn=customer_turn,
                customer_history=history,
                message=turn["text"],
            )
        )
        out["sentiment"] = reading.to_dict()
        out["decision"] = _decision_summary(decision, owner)
        max_risk = max(max_risk, decision.risk)
        if decision.escalate and escalation_turn is None:
            escalation_turn = index
            owner = "queued"

    result = dict(conv)
    result["turns"] = turns_out
    result["escalated"] = escalation_turn is not None
    result["escalation_turn"] = escalation_turn
    result["max_risk"] = round(max_risk, 4)
    result["policy_version"] = policy.version
    return result


def replay_file(
    conversations: Iterable[tuple[int, dict[str, Any]]],
    *,
    analyzer: SentimentAnalyzer,
    policy: EscalationPolicy,
    compare: EscalationPolicy | None = None,
) -> Iterator[ReplayedConversation]:
    """Replay ``(line_number, conversation)`` pairs one at a time, reading each transcript once.

    Raises InvalidTranscript with the line number at the first malformed conversation.
    """
    for line, conv in conversations:
        try:
            validate_conversation(conv)
        except InvalidTranscript as exc:
            raise InvalidTranscript(exc.detail, line=line) from None
        readings = read_conversation(conv, analyzer)
        result = replay_conversation(conv, policy=policy, readings=readings)
        other = (
            replay_conversation(conv, policy=compare, readings=readings)
            if compare is not None
            else None
        )
        yield ReplayedConversation(line=line, result=result, other=other)


@dataclass
class PolicyComparison:
    """What changes when the same transcripts are judged by another policy."""

    total: int = 0
    escalated_main: int = 0
    escalated_other: int = 0
    only_main: list[str] = field(default_factory=list)
    only_other: list[str] = field(default_factory=list)
    earlier_under_other: list[str] = field(default_factory=list)
    later_under_other: list[str] = field(default_factory=list)

    def add(self, main: dict[str, Any], other: dict[str, Any]) -> None:
        cid = str(main["conversation_id"])
        self.total += 1
        self.escalated_main += bool(main["escalated"])
        self.escalated_other += bool(other["escalated"])
        a, b = main["escalation_turn"], other["escalation_turn"]
        if a is not None and b is None:
            self.only_main.append(cid)
        elif a is None and b is not None:
            self.only_other.append(cid)
        elif a is not None and b is not None and a != b:
            (self.earlier_under_other if b < a else self.later_under_other).append(cid)
