"""A conversation's trajectory so far as the risk model's features, each with its plain words (pure).

Every feature lies in [0, 1] and is 0 for a calm conversation, so a feature's weight times its value
is how much it moved the risk away from a calm conversation's (the evidence shown to an agent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from agent.sentiment.reading import ConversationSentiment, SentimentReading
from agent.sentiment.signals import KNOWN_SIGNALS, SIGNALS, Signal, cue_weight, describe
from agent.sentiment.trend import accumulated_level

# A message counts as negative at or below this score (the offline reader's negative label sits
# about there); used for the count of negative messages.
NEGATIVE_AT = -0.25
# The decline feature reaches 1 at a score falling this much per message.
FULL_DECLINE = 0.3
RUN_CAP = 3
COUNT_CAP = 4
TURNS_CAP = 8
UNGROUNDED_CAP = 2  # the default policy hands over at two misses in a row

Direction = Literal["trouble", "relief", "either"]

# Cues that put the relationship itself at stake; they count once said, however calm the rest is.
THREATS = frozenset(
    {Signal.LEGAL_THREAT, Signal.CHARGEBACK_THREAT, Signal.SAFETY_CONCERN, Signal.THREAT_TO_CANCEL}
)
_OWN_FEATURE = THREATS | {Signal.EXPLICIT_HUMAN_REQUEST}


@dataclass(frozen=True)
class Trajectory:
    """What the risk reads: every customer reading so far (the current one last) and the context."""

    scores: list[float]
    frustrations: list[float]
    urgencies: list[float]
    signals: list[tuple[str, ...]]
    consecutive_negative: int
    slope: float
    ungrounded_streak: int = 0
    repeat_customer: bool = False

    @property
    def turns(self) -> int:
        return len(self.scores)

    @classmethod
    def of(
        cls,
        reading: SentimentReading,
        conversation: ConversationSentiment,
        *,
        ungrounded_streak: int = 0,
        repeat_customer: bool = False,
    ) -> Trajectory:
        """From one turn's policy input; the conversation's lists end with ``reading``.

        A conversation view built by hand may lack some history (tests, old checkpoints): an
        earlier message's missing frustration is taken as its negativity, its signals as none.
        """
        scores = list(conversation.scores) or [reading.score]
        scores[-1] = reading.score
        n = len(scores)
        frustrations = _fill(conversation.frustrations, n, [max(0.0, -s) for s in scores])
        frustrations[-1] = reading.frustration
        signals = [tuple(found) for found in conversation.signals][-n:]
        signals = [()] * (n - len(signals)) + signals
        signals[-1] = tuple(reading.signals)
        return cls(
            scores=scores,
            frustrations=[min(1.0, max(0.0, f)) for f in frustrations],
            # Urgency is kept for the current message only; earlier ones count as calm.
            urgencies=[0.0] * (n - 1) + [min(1.0, max(0.0, reading.urgency))],
            signals=signals,
            consecutive_negative=conversation.consecutive_negative,
            slope=conversation.slope,
            ungrounded_streak=ungrounded_streak,
            repeat_customer=repeat_customer,
        )


def _fill(values: list[float], n: int, fallback: list[float]) -> list[float]:
    values = list(values)[-n:]
    return fallback[: n - len(values)] + values


def _negativity(t: Trajectory) -> list[float]:
    return [max(0.0, -s) for s in t.scores]


def _level(values: list[float]) -> float:
    return accumulated_level(values, values[-1])


def _upset(found: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s for s in found if s not in _OWN_FEATURE)


def _threat(found: tuple[str, ...]) -> float:
    return cue_weight(tuple(s for s in found if s in THREATS))


def _cues_in(t: Trajectory, keep: frozenset[Signal] | None = None) -> str:
    seen = dict.fromkeys(
        s
        for found in t.signals
        for s in found
        if s in KNOWN_SIGNALS
        and SIGNALS[Signal(s)].weight
        and (s in keep if keep is not None else s not in _OWN_FEATURE)
    )
    return " and ".join(describe(s) for s in seen) or "showed signs of trouble"


@dataclass(frozen=True)
class Feature:
    """One input of the risk model: how it is measured and how it reads to an agent."""

    name: str
    measure: Callable[[Trajectory], float]
    words: Callable[[Trajectory], str]
    # The sign the fitted weight may take: trouble raises the risk, relief lowers it.
    direction: Direction = "trouble"


FEATURES: tuple[Feature, ...] = (
    Feature(
        "negativity_level",
        lambda t: _level(_negativity(t)),
        lambda t: f"negativity has built up over the conversation ({_level(_negativity(t)):.2f})",
    ),
    Feature(
        "frustration_level",
        lambda t: _level(t.frustrations),
        lambda t: f"frustration has built up over the conversation ({_level(t.frustrations):.2f})",
    ),
    Feature(
        "negativity_mean",
        # Shrunk towards calm by one imaginary calm message, so one message is never the mean.
        lambda t: sum(_negativity(t)) / (t.turns + 1),
        lambda t: "the conversation has been negative on the whole",
    ),
    Feature(
        "negative_messages",
        lambda t: min(sum(s <= NEGATIVE_AT for s in t.scores), COUNT_CAP) / COUNT_CAP,
        lambda t: f"{sum(s <= NEGATIVE_AT for s in t.scores)} of {t.turns} messages negative",
    ),
    Feature(
        "negative_run",
        lambda t: min(t.consecutive_negative, RUN_CAP) / RUN_CAP,
        lambda t: f"{t.consecutive_negative} negative messages in a row",
    ),
    Feature(
        "peak_frustration",
        lambda t: max(t.frustrations),
        lambda t: f"frustration peaked at {max(t.frustrations):.2f}",
    ),
    Feature(
        "decline",
        lambda t: min(1.0, max(0.0, -t.slope) / FULL_DECLINE),
        lambda t: f"the tone is getting worse ({t.slope:+.2f} a message)",
    ),
    Feature(
        "latest_negativity",
        lambda t: max(0.0, -t.scores[-1]),
        lambda t: f"the latest message is negative ({t.scores[-1]:+.2f})",
    ),
    Feature(
        "ungrounded",
        lambda t: min(t.ungrounded_streak, UNGROUNDED_CAP) / UNGROUNDED_CAP,
        lambda t: f"no answer in the help centre {t.ungrounded_streak} times in a row",
    ),
    Feature(
        "asked_for_person",
        lambda t: (
            1.0 if any(Signal.EXPLICIT_HUMAN_REQUEST in found for found in t.signals) else 0.0
        ),
        lambda t: "the customer asked for a person",
    ),
    Feature(
        "threatened",
        lambda t: max(_threat(found) for found in t.signals),
        lambda t: f"the customer {_cues_in(t, THREATS)}",
    ),
    Feature(
        "cue_level",
        lambda t: _level([cue_weight(_upset(found)) for found in t.signals]),
        lambda t: f"the customer {_cues_in(t)}",
    ),
    Feature(
        "urgency",
        lambda t: t.urgencies[-1],
        lambda t: f"the matter is urgent ({t.urgencies[-1]:.2f})",
    ),
    Feature(
        "repeat_customer",
        lambda t: 1.0 if t.repeat_customer else 0.0,
        lambda t: "a returning customer whose recent conversations ended worse",
    ),
    Feature(
        "turns",
        lambda t: min(t.turns - 1, TURNS_CAP) / TURNS_CAP,
        lambda t: f"{t.turns} customer messages so far",
        "either",
    ),
    Feature(
        "latest_positive",
        lambda t: max(0.0, t.scores[-1]),
        lambda t: f"the latest message is positive ({t.scores[-1]:+.2f})",
        "relief",
    ),
    Feature(
        "thanks",
        lambda t: 1.0 if Signal.GRATITUDE in t.signals[-1] else 0.0,
        lambda t: "the customer thanked us",
        "relief",
    ),
)

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def measure(trajectory: Trajectory) -> list[float]:
    """The trajectory's feature values, in the order of :data:`FEATURES`."""
    return [feature.measure(trajectory) for feature in FEATURES]
