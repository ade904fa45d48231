"""Shared matching of cues: lower-cased compiled patterns, guards against negation and quoted text."""

from __future__ import annotations

import re
from collections.abc import Sequence

# A negation shortly before a match cancels it ("I don't need to talk to a person").
NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no|not|never|without|nor|neither)\b|n't|n’t|\bno need\b|\bdon'?t need\b)"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|«[^»\n]{1,300}»")
_EMAIL_QUOTE_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)


# "Why can't I talk to a person?" is still a request, so "can't" does not negate a wish.
WISH_NEGATION = re.compile(
    r"(?:\b(?:don'?t|do not|doesn'?t|does not|no need to|not|never|without|no)\b|don’t)"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)


def words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated block, for long word lists."""
    return frozenset(text.split())


def negated(text: str, start: int, negation: re.Pattern[str] = NEGATION_BEFORE) -> bool:
    return negation.search(text[max(0, start - 40) : start]) is not None


def any_match(
    patterns: Sequence[re.Pattern[str]],
    text: str,
    *,
    negatable: bool = False,
    negation: re.Pattern[str] = NEGATION_BEFORE,
) -> bool:
    for pattern in patterns:
        for match in pattern.finditer(text):
            if negatable and negated(text, match.start(), negation):
                continue
            return True
    return False


def rx(*parts: str) -> list[re.Pattern[str]]:
    # Matched against lower-cased text: case-insensitive matching in ``re`` is several times slower.
    return [re.compile(p) for p in parts]


def own_words(text: str) -> str:
    """The customer's own words: email-quoted lines and text in quotation marks removed."""
    return _QUOTED.sub(" ", _EMAIL_QUOTE_LINE.sub(" ", text))
