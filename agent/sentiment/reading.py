"""The sentiment values (docs/sentiment.md): a reading of one message and the trajectory of a conversation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from agent.sentiment.signals import KNOWN_SIGNALS

Label = Literal["negative", "neutral", "positive"]
Trend = Literal["improving", "stable", "declining"]

# Names of the cues an analyzer may report (agent/sentiment/signals.py holds the enum and its table).
# Analyzers may add others; these are the ones the policy and the tone selection know about.
__all__ = ["KNOWN_SIGNALS", "ConversationSentiment", "SentimentAnalyzer", "SentimentReading"]


@dataclass(frozen=True)
class SentimentReading:
    """The reading of one customer message."""

    score: float  # -1.0 very negative ... 1.0 very positive
    label: Label
    frustration: float  # 0..1
    urgency: float  # 0..1
    confidence: float  # 0..1
    signals: tuple[str, ...] = ()
    analyzer: str = "offline"
    fallback_reason: str | None = None  # set when the LLM analyzer failed and offline was used

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        # Plain strings (not Signal members): the checkpointer and the wire store them as text.
        data["signals"] = [str(s) for s in self.signals]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentimentReading:
        return cls(
            score=float(data["score"]),
            label=data["label"],
            frustration=float(data["frustration"]),
            urgency=float(data["urgency"]),
            confidence=float(data["confidence"]),
            signals=tuple(data.get("signals", ())),
            analyzer=data.get("analyzer", "offline"),
            fallback_reason=data.get("fallback_reason"),
        )


@dataclass(frozen=True)
class ConversationSentiment:
    """The conversation-level view, recomputed every customer turn from all readings so far."""

    trend: Trend = "stable"
    slope: float = 0.0  # least-squares slope of score per turn over the window
    consecutive_negative: int = 0  # trailing run of readings labelled negative
    peak_frustration: float = 0.0
    entry_score: float = 0.0  # first reading's score
    latest_score: float = 0.0
    arc: float = 0.0  # latest - entry: > 0 left better than arrived
    turns: int = 0
    scores: list[float] = field(default_factory=list)
    frustrations: list[float] = field(default_factory=list)
    signals: list[list[str]] = field(default_factory=list)  # each reading's signals, oldest first

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["signals"] = [[str(s) for s in found] for found in self.signals]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationSentiment:
        return cls(**data)


class SentimentAnalyzer(Protocol):
    """Reads one customer message. ``context`` holds earlier customer messages, oldest first."""

    name: str

    def analyze(self, text: str, context: list[str] | None = None) -> SentimentReading: ...
