"""Named cues of support language (a request for a person, repeat contact, threats ...), by rules.

Each cue is a small set of patterns plus guards against the usual false alarms: negation ("I don't
need a human"), narrative about the past ("the agent said ..."), quoted text (email quotes starting
with ``>`` and words in quotation marks are someone else's or an earlier message), acronyms written
in capitals, and brand names ("Fire TV"). The cues feed the trained model as features and the
frustration and urgency formulas directly, so each must be cheap: compiled patterns, one pass each.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.sentiment.cues.complaints import ELAPSED_TIME, HUMAN_REQUEST, REPEAT_CONTACT
from agent.sentiment.cues.matching import WISH_NEGATION, any_match, own_words, words
from agent.sentiment.cues.threats import (
    CANCELLATION_REQUEST,
    CHARGEBACK,
    LEGAL_THREAT,
    NOT_SAFETY,
    SAFETY,
    THREAT_TO_CANCEL,
)
from agent.sentiment.cues.voice import (
    EXASPERATION,
    GRATITUDE,
    HEDGED,
    NOT_GRATITUDE,
    PROFANITY,
    all_caps,
    sarcasm,
)
from agent.sentiment.signals import Signal

__all__ = ["detect", "own_words", "words"]


def detect(text: str, context: Sequence[str] | None = None) -> tuple[str, ...]:
    """Names of the cues that fire on ``text``, in a fixed order."""
    original = own_words(text)
    own = original.lower()
    found: list[Signal] = []
    if any_match(HUMAN_REQUEST, own, negatable=True, negation=WISH_NEGATION):
        found.append(Signal.EXPLICIT_HUMAN_REQUEST)
    if any_match(REPEAT_CONTACT, own, negatable=False):
        found.append(Signal.REPEAT_CONTACT)
    if any_match(ELAPSED_TIME, own):
        found.append(Signal.ELAPSED_TIME_COMPLAINT)
    if all_caps(original):
        found.append(Signal.ALL_CAPS)
    if any_match(PROFANITY, own):
        found.append(Signal.PROFANITY)
    if sarcasm(own, context):
        found.append(Signal.SARCASM_SUSPECTED)
    if any_match(THREAT_TO_CANCEL, own, negatable=True, negation=WISH_NEGATION):
        found.append(Signal.THREAT_TO_CANCEL)

    if any_match(CHARGEBACK, own, negatable=True):
        found.append(Signal.CHARGEBACK_THREAT)
    if any_match(LEGAL_THREAT, own):
        found.append(Signal.LEGAL_THREAT)
    if any_match(SAFETY, NOT_SAFETY.sub(" ", own), negatable=True):
        found.append(Signal.SAFETY_CONCERN)
    if any_match(HEDGED, own):
        found.append(Signal.HEDGED_DISSATISFACTION)
    if any_match(EXASPERATION, own, negatable=True):
        found.append(Signal.EXASPERATION)
    if any_match(GRATITUDE, NOT_GRATITUDE.sub(" ", own)) and Signal.SARCASM_SUSPECTED not in found:
        found.append(Signal.GRATITUDE)
    if Signal.THREAT_TO_CANCEL not in found and any_match(
        CANCELLATION_REQUEST, own, negatable=True, negation=WISH_NEGATION
    ):
        found.append(Signal.CANCELLATION_REQUEST)
    return tuple(found)
