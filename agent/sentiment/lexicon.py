"""The polarity of a message by a general sentiment lexicon (VADER), as two model features.

A few thousand training tweets cannot teach the everyday vocabulary of feeling ("gutted", "meh",
"thrilled"); a curated lexicon of about 7,500 words and emoticons can. The model reads its verdict
as evidence beside the words and the support cues, which correct it where support language
misleads a lexicon ("outstanding for 14 days", "great, another delay").
"""

from __future__ import annotations

from functools import cache
from typing import Protocol


class _PolarityScorer(Protocol):
    def polarity_scores(self, text: str) -> dict[str, float]: ...


@cache
def _scorer() -> _PolarityScorer:
    # Built once per process: loading the lexicon file takes ~50 ms, scoring a message ~30 µs.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    scorer: _PolarityScorer = SentimentIntensityAnalyzer()
    return scorer


def lexicon_polarity(text: str) -> tuple[float, float]:
    """``(positive, negative)`` strengths in 0..1: the lexicon's compound score split by sign."""
    compound = _scorer().polarity_scores(text)["compound"]
    return max(compound, 0.0), max(-compound, 0.0)
