"""Ordinary, calm support traffic must not read as anger; genuinely furious messages still must."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.sentiment.offline import OfflineAnalyzer
from agent.sentiment.reading import SentimentReading
from agent.sentiment.training.data import OWN_DATA_PATH

CALM_PATH = Path(OWN_DATA_PATH).parent / "calm_traffic.jsonl"
# Measured 0 (frustration) and 1 (score) of 161 at training time; one or two misreadings of
# unseen calm messages are tolerated, a pattern of them is not.
MAX_SHARE_FRUSTRATED = 0.02  # frustration >= 0.75, the policy's medium threshold
MAX_SHARE_VERY_NEGATIVE = 0.02  # score <= -0.6, the sustained-negative rule's threshold
# Signals that hand a conversation over on their own or call the customer angry.
ALARMS = {"sarcasm_suspected", "threat_to_cancel", "legal_threat", "chargeback_threat"}
ALARMS |= {"safety_concern", "all_caps", "profanity"}
# Of the 90 hand-labelled "high" frustration rows of the own set, 43 (0.48) reach 0.75; most of
# the rest are requests for a person, which the policy's explicit-request rule hands over anyway.
MIN_SHARE_HIGH_FRUSTRATED = 0.45


@pytest.fixture(scope="module")
def analyzer(offline_analyzer: OfflineAnalyzer) -> OfflineAnalyzer:
    """The shipped reader as a server runs it (with sentence vectors)."""
    return offline_analyzer


@pytest.fixture(scope="module")
def calm(analyzer: OfflineAnalyzer) -> list[tuple[dict[str, object], SentimentReading]]:
    rows = [json.loads(line) for line in CALM_PATH.read_text(encoding="utf-8").splitlines()]
    return [(row, analyzer.analyze(row["text"], context=row.get("context"))) for row in rows]


def test_calm_set_is_large_varied_and_well_formed(
    calm: list[tuple[dict[str, object], SentimentReading]],
) -> None:
    assert len(calm) >= 150
    assert len({row["id"] for row, _ in calm}) == len(calm)
    kinds = {row["kind"] for row, _ in calm}
    assert {"order_status", "cancel_refund_return", "person_request", "thanks"} <= kinds
    assert sum(1 for row, _ in calm if row.get("context")) >= 15


def test_almost_no_calm_message_crosses_the_frustration_threshold(
    calm: list[tuple[dict[str, object], SentimentReading]],
) -> None:
    frustrated = [row["text"] for row, reading in calm if reading.frustration >= 0.75]
    assert len(frustrated) <= MAX_SHARE_FRUSTRATED * len(calm), frustrated


def test_almost_no_calm_message_reads_very_negative(
    calm: list[tuple[dict[str, object], SentimentReading]],
) -> None:
    negative = [row["text"] for row, reading in calm if reading.score <= -0.6]
    assert len(negative) <= MAX_SHARE_VERY_NEGATIVE * len(calm), negative


def test_no_calm_message_raises_an_alarm_signal(
    calm: list[tuple[dict[str, object], SentimentReading]],
) -> None:
    alarmed = {row["text"]: ALARMS & set(r.signals) for row, r in calm if ALARMS & set(r.signals)}
    assert alarmed == {}


def test_thanks_after_a_calm_exchange_is_positive(analyzer: OfflineAnalyzer) -> None:
    reading = analyzer.analyze(
        "perfect, thank you!",
        context=[
            "hi, how do I reset my password?",
            "ok thanks. and how long does a refund take to reach my card?",
        ],
    )
    assert "sarcasm_suspected" not in reading.signals
    assert reading.label == "positive"
    assert reading.frustration < 0.2


def test_thanks_after_a_real_complaint_is_still_suspected(analyzer: OfflineAnalyzer) -> None:
    reading = analyzer.analyze("Perfect.", context=["my refund is still not here after 3 weeks"])
    assert "sarcasm_suspected" in reading.signals
    assert reading.label == "negative"


def test_order_status_question_is_neutral_but_a_late_order_is_negative(
    analyzer: OfflineAnalyzer,
) -> None:
    question = analyzer.analyze("where is my order")
    late = analyzer.analyze("where is my order??? it's been 3 weeks")
    assert question.label == "neutral"
    assert question.score > -0.5  # a mild concern at most
    assert question.frustration < 0.35
    assert late.label == "negative"
    assert late.frustration > question.frustration + 0.3


def test_plain_cancellation_request_is_a_request_not_a_threat(analyzer: OfflineAnalyzer) -> None:
    request = analyzer.analyze("I want to cancel my subscription")
    threat = analyzer.analyze("Fix this by Friday or I'm cancelling my subscription")
    assert "cancellation_request" in request.signals
    assert "threat_to_cancel" not in request.signals
    assert request.label == "neutral"
    assert request.frustration < 0.35
    assert "threat_to_cancel" in threat.signals
    assert threat.label == "negative"


def test_polite_request_for_a_person_is_low_to_moderate(analyzer: OfflineAnalyzer) -> None:
    polite = analyzer.analyze("I'd like to talk to a human agent please.")
    angry = analyzer.analyze("this bot is useless, I've asked twice, get me a human")
    assert "explicit_human_request" in polite.signals
    assert polite.frustration < 0.5
    assert polite.score > -0.6
    assert angry.frustration >= 0.75


@pytest.mark.parametrize(
    ("text", "shouting"),
    [
        ("#AmericanAir NEEDS TO FIX THIS", True),
        ("#AA123", False),
        ("LOL", False),
        ("LOL OMG it came already", False),
        ("please send it ASAP", False),
        ("my order code is ABC-1234 and the other is XYZ-2210", False),
    ],
)
def test_all_caps_means_shouting_not_codes(
    analyzer: OfflineAnalyzer, text: str, shouting: bool
) -> None:
    assert ("all_caps" in analyzer.analyze(text).signals) is shouting


@pytest.mark.parametrize(
    ("text", "danger"),
    [
        ("burning through my minutes", False),
        ("my battery is burning through fast", False),
        ("my inbox is exploding with your emails", False),
        ("the battery is burning hot and smells", True),
        ("the phone exploded on the charger", True),
    ],
)
def test_figurative_language_is_not_a_safety_concern(
    analyzer: OfflineAnalyzer, text: str, danger: bool
) -> None:
    assert ("safety_concern" in analyzer.analyze(text).signals) is danger


def test_genuinely_furious_rows_keep_high_frustration(analyzer: OfflineAnalyzer) -> None:
    rows = [json.loads(line) for line in OWN_DATA_PATH.read_text(encoding="utf-8").splitlines()]
    furious = [r["text"] for r in rows if r["frustration"] == "high"]
    calm = [r["text"] for r in rows if r["frustration"] == "none"]
    assert len(furious) >= 80
    high = [r.frustration for r in analyzer.analyze_batch(furious)]
    low = [r.frustration for r in analyzer.analyze_batch(calm)]
    assert sum(f >= 0.75 for f in high) / len(high) >= MIN_SHARE_HIGH_FRUSTRATED
    assert sum(f >= 0.75 for f in low) / len(low) <= 0.02
