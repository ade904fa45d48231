"""Chooses how a reply should sound from this message's reading and the conversation's course."""

from __future__ import annotations

from agent.policy.decision import Tone
from agent.sentiment.reading import ConversationSentiment, SentimentReading
from agent.sentiment.signals import Signal

# Stock phrases that read as a brush-off to an upset customer; no reply may contain them
# (compare in lower case). Responders and evals check replies against this list.
BOILERPLATE_PHRASES: tuple[str, ...] = (
    "we value your business",
    "we value your custom",
    "your business is important to us",
    "your call is important to us",
    "sorry for any inconvenience",
    "apologize for any inconvenience",
    "apologise for any inconvenience",
    "apologize for the inconvenience",
    "apologise for the inconvenience",
    "sorry for the inconvenience",
    "we appreciate your patience",
    "thank you for your patience",
    "i understand your frustration",
    "rest assured",
)

NEUTRAL = Tone(
    id="neutral",
    instruction="Answer calmly and concisely: the answer first, in plain words, with no filler.",
)
POSITIVE = Tone(
    id="positive",
    instruction="Be warm and brief: give the answer and match the customer's good mood without "
    "gushing or adding extra offers.",
)
FRUSTRATED_INSTRUCTION = (
    "Acknowledge the customer's specific problem once, in one short sentence, then give a concrete "
    "next step they can take now. Do not apologise again after that and never use stock phrases "
    "such as 'we value your business'."
)
URGENT = Tone(
    id="urgent",
    instruction="Lead with the action: the first sentence says what to do right now, then the "
    "details. No preamble, no apology before the action.",
)

# Cues that mean the customer is upset even when the overall score is mild
# ("please advise, this has been outstanding for 14 business days").
_UPSET_SIGNALS = frozenset(
    {
        Signal.PROFANITY,
        Signal.ALL_CAPS,
        Signal.ELAPSED_TIME_COMPLAINT,
        Signal.REPEAT_CONTACT,
        Signal.THREAT_TO_CANCEL,
        Signal.CHARGEBACK_THREAT,
        Signal.LEGAL_THREAT,
    }
)
_URGENT_SIGNALS = frozenset({Signal.SAFETY_CONCERN})

URGENT_AT = 0.8  # urgency at or above which the reply leads with the action
FRUSTRATED_AT = 0.5  # frustration at or above which the problem is acknowledged
POSITIVE_AT = 0.3  # score at or above which (with a positive label) the reply is warm


def acknowledgement_for(reading: SentimentReading) -> str:
    """One line naming what went wrong, chosen by the cue that fired; used once per conversation."""
    signals = set(reading.signals)
    if Signal.REPEAT_CONTACT in signals:
        return "I'm sorry you've had to come back to us about this again."
    if Signal.ELAPSED_TIME_COMPLAINT in signals:
        return "I'm sorry this has taken so long; let's get it moving now."
    if Signal.CHARGEBACK_THREAT in signals:
        return "I'm sorry about the trouble with this charge."
    return "I'm sorry this isn't working the way it should."


def select_tone(reading: SentimentReading, conversation: ConversationSentiment) -> Tone:
    """The tone for the reply to this message: urgent, frustrated, positive or neutral."""
    signals = set(reading.signals)
    if signals & _URGENT_SIGNALS or reading.urgency >= URGENT_AT:
        return URGENT
    negative_run = reading.label == "negative" and conversation.consecutive_negative >= 2
    if reading.frustration >= FRUSTRATED_AT or signals & _UPSET_SIGNALS or negative_run:
        return Tone(
            id="frustrated",
            instruction=FRUSTRATED_INSTRUCTION,
            acknowledge=acknowledgement_for(reading),
        )
    if (
        reading.label == "positive" and reading.score >= POSITIVE_AT
    ) or Signal.GRATITUDE in signals:
        return POSITIVE
    return NEUTRAL


def contains_boilerplate(text: str) -> str | None:
    """The first boilerplate phrase ``text`` contains, or None."""
    lowered = text.lower().replace("’", "'")
    return next((phrase for phrase in BOILERPLATE_PHRASES if phrase in lowered), None)
