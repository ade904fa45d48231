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

__all__ = ["detect", "own_words", "words"]


def detect(text: str, context: Sequence[str] | None = None) -> tuple[str, ...]:
    """Names of the cues that fire on ``text``, in the order of ``reading.KNOWN_SIGNALS``."""
    original = own_words(text)
    own = original.lower()
    found: list[str] = []
    if any_match(HUMAN_REQUEST, own, negatable=True, negation=WISH_NEGATION):
        found.append("explicit_human_request")
    if any_match(REPEAT_CONTACT, own, negatable=False):
        found.append("repeat_contact")
    if any_match(ELAPSED_TIME, own):
        found.append("elapsed_time_complaint")
    if all_caps(original):
        found.append("all_caps")
    if any_match(PROFANITY, own):
        found.append("profanity")
    if sarcasm(own, context):
        found.append("sarcasm_suspected")
    if any_match(THREAT_TO_CANCEL, own, negatable=True, negation=WISH_NEGATION):
        found.append("threat_to_cancel")

    if any_match(CHARGEBACK, own, negatable=True):
        found.append("chargeback_threat")
    if any_match(LEGAL_THREAT, own):
        found.append("legal_threat")
    if any_match(SAFETY, NOT_SAFETY.sub(" ", own), negatable=True):
        found.append("safety_concern")
    if any_match(HEDGED, own):
        found.append("hedged_dissatisfaction")
    if any_match(EXASPERATION, own, negatable=True):
        found.append("exasperation")
    if any_match(GRATITUDE, NOT_GRATITUDE.sub(" ", own)) and "sarcasm_suspected" not in found:
        found.append("gratitude")
    if "threat_to_cancel" not in found and any_match(
        CANCELLATION_REQUEST, own, negatable=True, negation=WISH_NEGATION
    ):
        found.append("cancellation_request")
    return tuple(found)
