"""Conversation-level maths: least-squares trend over a window, runs, peak and arc."""

from __future__ import annotations

import pytest

from agent.sentiment.reading import Label, SentimentReading
from agent.sentiment.trend import least_squares_slope, summarize


def reading(score: float, frustration: float = 0.0) -> SentimentReading:
    label: Label = "negative" if score < -0.05 else "positive" if score > 0.05 else "neutral"
    return SentimentReading(
        score=score, label=label, frustration=frustration, urgency=0.0, confidence=1.0
    )


def test_slope_is_the_least_squares_fit() -> None:
    assert least_squares_slope([0.0, 1.0, 2.0, 3.0]) == pytest.approx(1.0)
    assert least_squares_slope([1.0, 0.0, 1.0, 0.0]) == pytest.approx(-0.2)
    assert least_squares_slope([0.5]) == 0.0


def test_steady_decline_over_the_window_is_declining() -> None:
    summary = summarize([reading(s) for s in (0.2, 0.0, -0.2, -0.4)])
    assert summary.trend == "declining"
    assert summary.slope == pytest.approx(-0.2)


def test_one_bad_last_message_after_a_rise_is_not_a_decline() -> None:
    # The last two points fall, but the fit over the window does not: a two-point rule would say
    # "declining" here.
    summary = summarize([reading(s) for s in (-0.6, -0.2, 0.4, 0.2)])
    assert summary.trend == "improving"


def test_only_the_last_window_counts() -> None:
    early_fall = [reading(s) for s in (0.8, 0.4, 0.0, -0.4)]
    flat_after = [reading(-0.4)] * 4
    assert summarize(early_fall + flat_after, window=4).trend == "stable"
    assert summarize(early_fall + flat_after, window=8).trend == "declining"


def test_threshold_sets_what_counts_as_a_trend() -> None:
    readings = [reading(s) for s in (0.0, -0.05, -0.1, -0.15)]  # slope -0.05
    assert summarize(readings, slope_threshold=0.1).trend == "stable"
    assert summarize(readings, slope_threshold=0.05).trend == "declining"


def test_short_conversations() -> None:
    assert summarize([]).turns == 0
    one = summarize([reading(-0.9, 0.8)])
    assert one.trend == "stable" and one.consecutive_negative == 1 and one.peak_frustration == 0.8
    # Two readings: the difference must clear twice the threshold.
    assert summarize([reading(0.0), reading(-0.15)]).trend == "stable"
    assert summarize([reading(0.0), reading(-0.5)]).trend == "declining"
    assert summarize([reading(0.1), reading(0.0), reading(-0.3)]).trend == "declining"


def test_runs_peak_arc_and_series() -> None:
    readings = [
        reading(0.3, 0.1),
        reading(-0.4, 0.9),
        reading(0.1, 0.2),
        reading(-0.5, 0.6),
        reading(-0.7, 0.7),
    ]
    summary = summarize(readings)
    assert summary.consecutive_negative == 2
    assert summary.peak_frustration == 0.9
    assert summary.entry_score == 0.3 and summary.latest_score == -0.7
    assert summary.arc == pytest.approx(-1.0)
    assert summary.turns == 5
    assert summary.scores == [0.3, -0.4, 0.1, -0.5, -0.7]
    assert summary.frustrations == [0.1, 0.9, 0.2, 0.6, 0.7]


def test_customer_who_leaves_happier_has_a_positive_arc() -> None:
    summary = summarize([reading(-0.8), reading(-0.3), reading(0.6)])
    assert summary.arc > 0 and summary.consecutive_negative == 0


def test_bad_window_is_refused() -> None:
    with pytest.raises(ValueError):
        summarize([reading(0.0)], window=1)
