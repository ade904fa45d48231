"""A finished conversation as the satisfaction model reads it: its arc and its closing judgement.

Built from the sentiment readings of the customer's messages (oldest first) and the conversation
risk of the last turn, so the live server (readings from the records) and ``quality train`` (a
transcript read by the analyzer) measure a conversation the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from agent.risk.features import Trajectory
from agent.risk.model import RiskModel
from agent.sentiment.reading import SentimentReading
from agent.sentiment.signals import Signal
from agent.sentiment.trend import summarize

# The policy's default trend settings (agent/policy/default_policy.yaml), as the live turn uses them.
TREND_WINDOW, SLOPE_THRESHOLD = 4, 0.1
# An arc moves this much (on the -1..1 score) before it counts as better or worse.
ARC_STEP = 0.2


class ArcShape(StrEnum):
    """How the customer left compared with how they arrived."""

    IMPROVED = "improved"
    STEADY = "steady"
    WORSENED = "worsened"
    SILENT = "silent"  # no customer message was read


@dataclass(frozen=True)
class ConversationArc:
    """Entry -> exit of one conversation and what the risk made of its whole trajectory."""

    entry: float  # first customer message's score, -1..1
    exit: float  # last customer message's score
    peak_frustration: float  # 0..1
    negativity: float  # mean of max(0, -score) over the customer's messages
    risk: float  # conversation risk after the last customer message (agent/risk)
    thanked: bool  # the last customer message thanks us
    turns: int  # customer messages read
    escalated: bool = False  # handed to a person at least once
    resolved: bool | None = None  # the agent's outcome label, when there is one

    @property
    def arc(self) -> float:
        return round(self.exit - self.entry, 4)

    @property
    def shape(self) -> ArcShape:
        if self.turns == 0:
            return ArcShape.SILENT
        if self.arc >= ARC_STEP:
            return ArcShape.IMPROVED
        if self.arc <= -ARC_STEP:
            return ArcShape.WORSENED
        return ArcShape.STEADY


def measure_arc(
    readings: Sequence[SentimentReading],
    risk_model: RiskModel,
    *,
    escalated: bool = False,
    resolved: bool | None = None,
) -> ConversationArc:
    """The arc of a conversation from its customer readings, oldest first (none: a silent one)."""
    if not readings:
        return ConversationArc(0.0, 0.0, 0.0, 0.0, 0.0, False, 0, escalated, resolved)
    summary = summarize(readings, window=TREND_WINDOW, slope_threshold=SLOPE_THRESHOLD)
    last = readings[-1]
    risk = risk_model.assess(Trajectory.of(last, summary)).risk
    return ConversationArc(
        entry=round(readings[0].score, 4),
        exit=round(last.score, 4),
        peak_frustration=round(max(r.frustration for r in readings), 4),
        negativity=round(sum(max(0.0, -r.score) for r in readings) / len(readings), 4),
        risk=risk,
        thanked=Signal.GRATITUDE in last.signals,
        turns=len(readings),
        escalated=escalated,
        resolved=resolved,
    )
