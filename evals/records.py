"""The eval's records: each customer turn and each judged conversation, for runner, judge and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TurnRecord:
    """One customer turn as the eval saw it: what came in, what the bot read, decided and said."""

    turn: int
    message: str
    reading: dict[str, Any]
    trend: str
    decision: dict[str, Any]  # escalate, rule, severity, risk, tone, fired_rules, raise_priority
    retrieved: list[str]  # doc ids of the passages, best first
    retrieval_confidence: float
    answerable: bool
    reply: str | None
    citations: list[str]  # cited doc ids
    grounded: bool | None
    owner: str
    latency_ms: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ConversationRun:
    """One trial of one scenario: the turns, the handoff (if any) and the judged checks."""

    scenario_id: str
    trial: int
    turns: list[TurnRecord]
    escalated: bool
    escalation_turn: int | None
    escalation_rule: str | None
    handoff_summary: str | None
    handoff_rationale: str | None
    checks: list[dict[str, Any]] = field(default_factory=list)  # {check, passed, detail}
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c["passed"] for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario_id": self.scenario_id,
            "trial": self.trial,
            "passed": self.passed,
            "escalated": self.escalated,
            "escalation_turn": self.escalation_turn,
            "escalation_rule": self.escalation_rule,
            "handoff_summary": self.handoff_summary,
            "handoff_rationale": self.handoff_rationale,
            "checks": self.checks,
            "error": self.error,
            "turns": [t.to_dict() for t in self.turns],
        }
