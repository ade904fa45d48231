"""The named cues an analyzer reports (one enum) and the one table of what each means to the policy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Signal(StrEnum):
    """A cue that fired on a customer message; str-valued, so records and the wire keep the names."""

    EXPLICIT_HUMAN_REQUEST = "explicit_human_request"
    REPEAT_CONTACT = "repeat_contact"
    ELAPSED_TIME_COMPLAINT = "elapsed_time_complaint"
    ALL_CAPS = "all_caps"
    PROFANITY = "profanity"
    SARCASM_SUSPECTED = "sarcasm_suspected"
    THREAT_TO_CANCEL = "threat_to_cancel"
    CHARGEBACK_THREAT = "chargeback_threat"
    LEGAL_THREAT = "legal_threat"
    SAFETY_CONCERN = "safety_concern"
    HEDGED_DISSATISFACTION = "hedged_dissatisfaction"
    GRATITUDE = "gratitude"
    CANCELLATION_REQUEST = "cancellation_request"
    EXASPERATION = "exasperation"


@dataclass(frozen=True)
class SignalInfo:
    """What a signal means: its words for an agent, its weight as trouble, whether it stands alone."""

    description: str
    # How much the signal counts as trouble in the conversation risk's cue evidence (0..1); the
    # fitted risk model scales the sum (agent/risk/), so this orders the cues, it is not a log-odds.
    weight: float
    # A cue that makes a message negative in its own right. When none of these fired, a negative
    # reading that carries sarcasm_suspected rests on the sarcasm guess alone (docs/policy.md).
    counts_alone: bool


SIGNALS: dict[Signal, SignalInfo] = {
    Signal.EXPLICIT_HUMAN_REQUEST: SignalInfo("asked for a person", 1.0, True),
    Signal.REPEAT_CONTACT: SignalInfo("has contacted us about this before", 0.5, True),
    Signal.ELAPSED_TIME_COMPLAINT: SignalInfo("has been waiting a long time", 0.5, True),
    Signal.ALL_CAPS: SignalInfo("is shouting (capitals)", 0.4, True),
    Signal.PROFANITY: SignalInfo("is swearing", 0.6, True),
    Signal.SARCASM_SUSPECTED: SignalInfo("sounds sarcastic", 0.3, False),
    Signal.THREAT_TO_CANCEL: SignalInfo("threatens to cancel or leave", 0.8, True),
    Signal.CHARGEBACK_THREAT: SignalInfo("threatens a chargeback or a bank dispute", 1.0, True),
    Signal.LEGAL_THREAT: SignalInfo("mentions legal action", 1.0, True),
    Signal.SAFETY_CONCERN: SignalInfo("reports a safety concern", 0.8, True),
    Signal.HEDGED_DISSATISFACTION: SignalInfo("is politely dissatisfied", 0.3, False),
    Signal.GRATITUDE: SignalInfo("thanks us", 0.0, False),
    Signal.CANCELLATION_REQUEST: SignalInfo("asks how to cancel something", 0.0, False),
    Signal.EXASPERATION: SignalInfo("is exasperated", 0.5, True),
}

KNOWN_SIGNALS: tuple[str, ...] = tuple(s.value for s in Signal)


def cue_weight(signals: tuple[str, ...] | list[str]) -> float:
    """One message's cue evidence: the signals' weights combined as independent evidence (0..1)."""
    calm = 1.0
    for name in set(signals):
        if name in KNOWN_SIGNALS:
            calm *= 1.0 - SIGNALS[Signal(name)].weight
    return 1.0 - calm


def describe(signal: str) -> str:
    """The signal in plain words for an agent ('asked for a person'); unknown names pass through."""
    return SIGNALS[Signal(signal)].description if signal in KNOWN_SIGNALS else signal
