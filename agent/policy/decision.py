"""What the policy reads on each turn and the decision record it returns (docs/policy.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from agent.sentiment.reading import ConversationSentiment, SentimentReading

Severity = Literal["none", "low", "medium", "high", "critical"]
SEVERITY_ORDER: tuple[Severity, ...] = ("none", "low", "medium", "high", "critical")


def severity_rank(severity: Severity) -> int:
    return SEVERITY_ORDER.index(severity)


@dataclass(frozen=True)
class CustomerHistory:
    """A known customer's recent contacts, for the repeat-contact rule."""

    recent_conversations: int = 0  # conversations in the look-back window, this one included
    worsening_arc: bool = False  # their recent conversations ended worse than they began


@dataclass(frozen=True)
class PolicyInput:
    """Everything one turn's decision may look at. Pure values: no I/O behind them."""

    reading: SentimentReading
    conversation: ConversationSentiment
    retrieval_confidence: float
    answerable: bool
    ungrounded_streak: (
        int  # consecutive customer turns without a grounded answer, this one included
    )
    owner: str = "bot"  # bot | queued | human | closed
    turn: int = 1  # 1-based index of this customer turn
    customer_history: CustomerHistory | None = None
    message: str | None = None  # the customer's words, quoted in the reason when useful


@dataclass(frozen=True)
class Evidence:
    """One comparison the policy made: a value against a threshold."""

    rule: str
    measure: str  # e.g. "frustration"
    value: float | int | str | bool
    threshold: float | int | str | bool | None
    comparison: str  # ">=", "<=", "==", "in"
    fired: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EscalationDecision:
    """The decision record written on every customer turn, escalated or not."""

    escalate: bool
    rule: str | None  # id of the deciding rule (highest severity that fired), None when none fired
    severity: Severity
    risk: float  # continuous in [0, 1]
    reason: str  # one plain sentence for the agent and the audit log
    policy_version: str
    tone: str  # tone id, e.g. "neutral", "frustrated"
    tone_instruction: str
    fired_rules: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    raise_priority: bool = False  # a trigger while already queued: raise priority, no new ticket

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fired_rules"] = list(self.fired_rules)
        data["evidence"] = [e.to_dict() for e in self.evidence]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EscalationDecision:
        values = dict(data)
        values["fired_rules"] = tuple(values.get("fired_rules", ()))
        values["evidence"] = tuple(Evidence(**e) for e in values.get("evidence", ()))
        return cls(**values)


@dataclass(frozen=True)
class Tone:
    """How the reply should sound; applied by both responders."""

    id: str
    instruction: str
    acknowledge: str | None = (
        None  # a one-line acknowledgement the grounded responder may open with
    )
    extras: dict[str, Any] = field(default_factory=dict)
