"""What to search for when a message leans on the conversation: a follow-up to the last answer ("I
already tried that", "that didn't work") continues the same problem, and a short question about
"it" ("How can I see where it is?") is about what the customer just said."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from knowledge.text import content_terms

_FOLLOW_UP = re.compile(
    r"\b(?:(?:i(?:'ve| have)?|we(?:'ve| have)?) (?:already |just )?(?:tried|done|did) (?:that|this|it"
    r"|those|these|all (?:that|of (?:that|those|them)))"
    r"|(?:that|this|it|those|these)(?: also| still)? (?:didn't|did not|doesn't|does not|won't"
    r"|hasn't|has not|haven't) (?:work|help|fix|change|do anything|solve)"
    r"|(?:still|it's still|it is still) (?:not working|doesn't work|does not work|the same"
    r"|broken|happening)"
    r"|no (?:luck|joy|change|difference)|didn't (?:work|help)|not working still"
    r"|tried (?:that|this|it|those|everything)(?: already| twice| again)?)\b",
    re.IGNORECASE,
)
_MAX_WORDS = 16  # a longer message says something new and is searched on its own
_REFERS_BACK = re.compile(r"\b(?:it|its|it's|that|this|they|them|those|one)\b", re.IGNORECASE)
_FEW_TOPIC_WORDS = 2


def is_follow_up(message: str) -> bool:
    """True for a short message saying the last answer did not solve it."""
    text = message.replace("\u2019", "'")
    return len(text.split()) <= _MAX_WORDS and bool(_FOLLOW_UP.search(text))


def question_followed_up(message: str, transcript: Sequence[dict[str, Any]]) -> str | None:
    """The customer question whose answer ``message`` follows up, when it is a follow-up to an
    answered question; else None."""
    if not is_follow_up(message):
        return None
    answered = False
    for entry in reversed(transcript):
        if entry.get("role") == "bot" and entry.get("citations"):
            answered = True
        elif entry.get("role") == "customer" and answered and not is_follow_up(entry["text"]):
            return str(entry["text"])
    return None


def search_text_in_context(message: str, transcript: Sequence[dict[str, Any]]) -> str:
    """The text to search for ``message``: the question it follows up, or the customer's previous
    message and this one together when this one is a short question about "it"; else itself."""
    followed = question_followed_up(message, transcript)
    if followed is not None:
        return followed
    if not _REFERS_BACK.search(message) or len(content_terms(message)) > _FEW_TOPIC_WORDS:
        return message
    for entry in reversed(transcript):
        if entry.get("role") == "customer":
            return f"{entry['text']} {message}"
    return message
