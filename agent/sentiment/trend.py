"""A conversation's trajectory from its readings: least-squares trend, runs, peak and arc."""

from __future__ import annotations

from collections.abc import Sequence

from agent.sentiment.reading import ConversationSentiment, SentimentReading, Trend


def least_squares_slope(values: Sequence[float]) -> float:
    """Slope of the best straight line through ``values`` at x = 0, 1, 2 ...; 0 below two."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    variance = sum((x - mean_x) ** 2 for x in range(n))
    return covariance / variance


def classify_trend(slope: float, threshold: float) -> Trend:
    if slope <= -threshold:
        return "declining"
    if slope >= threshold:
        return "improving"
    return "stable"


def summarize(
    readings: Sequence[SentimentReading], *, window: int = 4, slope_threshold: float = 0.1
) -> ConversationSentiment:
    """Recompute the conversation-level view from every reading so far, oldest first.

    The slope is fitted over the last ``window`` readings. With only two readings the slope is
    their difference, which one noisy message can swing, so it must clear twice the threshold to
    count as a trend; one reading has no trend.
    """
    if window < 2:
        raise ValueError("window must be at least 2 readings")
    if slope_threshold <= 0:
        raise ValueError("slope_threshold must be positive")
    if not readings:
        return ConversationSentiment()
    scores = [r.score for r in readings]
    frustrations = [r.frustration for r in readings]
    recent = scores[-window:]
    slope = least_squares_slope(recent)
    threshold = slope_threshold * (2 if len(recent) == 2 else 1)
    trend = classify_trend(slope, threshold) if len(recent) >= 2 else "stable"
    run = 0
    for reading in reversed(readings):
        if reading.label != "negative":
            break
        run += 1
    return ConversationSentiment(
        trend=trend,
        slope=round(slope, 4),
        consecutive_negative=run,
        peak_frustration=max(frustrations),
        entry_score=scores[0],
        latest_score=scores[-1],
        arc=round(scores[-1] - scores[0], 4),
        turns=len(readings),
        scores=scores,
        frustrations=frustrations,
        signals=[list(r.signals) for r in readings],
    )


# Weight of the newest reading in the conversation's accumulated level (an exponentially
# weighted mean): 0.5 halves a lone spike and lets a sustained run reach its full level.
LEVEL_WEIGHT = 0.5


def accumulated_level(history: list[float], current: float) -> float:
    """Exponentially weighted level of a measure over the conversation, ending with ``current``.

    ``history`` holds the conversation's readings, oldest first, the current one last (as the
    sentiment node builds it); an empty history is a conversation seen one message at a time.
    """
    earlier = history[:-1]
    if not earlier:
        return current
    level = earlier[0]
    for value in earlier[1:]:
        level = LEVEL_WEIGHT * value + (1 - LEVEL_WEIGHT) * level
    return LEVEL_WEIGHT * current + (1 - LEVEL_WEIGHT) * level
