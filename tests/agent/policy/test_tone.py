"""Tone selection on plain values, and the boilerplate list replies are checked against."""

from __future__ import annotations

import pytest

from agent.policy.tone import BOILERPLATE_PHRASES, contains_boilerplate, select_tone
from agent.sentiment.reading import ConversationSentiment, SentimentReading


def reading(
    score: float, frustration: float, *, signals: tuple[str, ...] = (), urgency: float = 0.1
) -> SentimentReading:
    label = "negative" if score <= -0.2 else "positive" if score >= 0.2 else "neutral"
    return SentimentReading(score, label, frustration, urgency, 0.8, signals)  # type: ignore[arg-type]


CALM = ConversationSentiment(scores=[0.0], turns=1)


@pytest.mark.parametrize(
    ("r", "conversation", "tone"),
    [
        (reading(0.0, 0.05), CALM, "neutral"),
        (reading(0.7, 0.0), CALM, "positive"),
        (reading(0.1, 0.0, signals=("gratitude",)), CALM, "positive"),
        (reading(-0.5, 0.6), CALM, "frustrated"),
        # polite wording, but the elapsed-time complaint shows the customer is fed up
        (reading(0.1, 0.3, signals=("elapsed_time_complaint",)), CALM, "frustrated"),
        (
            reading(-0.3, 0.3),
            ConversationSentiment(consecutive_negative=3, scores=[-0.3, -0.3, -0.3], turns=3),
            "frustrated",
        ),
        (reading(-0.3, 0.4, signals=("safety_concern",)), CALM, "urgent"),
        (reading(-0.2, 0.2, urgency=0.9), CALM, "urgent"),
    ],
    ids=[
        "neutral",
        "positive",
        "thanks",
        "frustrated",
        "polite-but-fed-up",
        "run-of-negatives",
        "safety",
        "urgent",
    ],
)
def test_tone_follows_the_customer(
    r: SentimentReading, conversation: ConversationSentiment, tone: str
) -> None:
    assert select_tone(r, conversation).id == tone


def test_frustrated_tone_acknowledges_the_specific_problem_once_without_boilerplate() -> None:
    waited = select_tone(reading(-0.5, 0.7, signals=("elapsed_time_complaint",)), CALM)
    again = select_tone(reading(-0.5, 0.7, signals=("repeat_contact",)), CALM)
    assert waited.acknowledge and "long" in waited.acknowledge
    assert again.acknowledge and "again" in again.acknowledge
    for tone in (waited, again):
        assert "once" in tone.instruction
        assert contains_boilerplate(tone.acknowledge or "") is None
        assert contains_boilerplate(tone.instruction.replace("we value your business", "")) is None


def test_calm_tones_have_no_acknowledgement() -> None:
    assert select_tone(reading(0.0, 0.05), CALM).acknowledge is None
    assert select_tone(reading(0.7, 0.0), CALM).acknowledge is None


def test_boilerplate_is_detected_in_any_case() -> None:
    assert "we value your business" in BOILERPLATE_PHRASES
    assert contains_boilerplate("Thanks! We Value Your Business.") == "we value your business"
    assert contains_boilerplate("Sorry for any inconvenience caused.") is not None
    assert contains_boilerplate("Your refund was issued on Monday.") is None
