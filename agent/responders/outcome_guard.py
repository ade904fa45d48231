"""The bot never tells a customer that a handoff, a refund or an approval happened: it cannot make
any of them happen, so such a sentence is untrue (a customer can even ask for it word for word).

Pure check, no I/O: both responders run their final text through ``unmade_outcome_claim``.
"""

from __future__ import annotations

import re


def _any(*choices: str) -> str:
    return "(?:" + "|".join(choices) + ")"


_PERSON = r"(?:human\s+|live\s+|real\s+|support\s+)?" + _any(
    "agent",
    "representative",
    "rep",
    "colleague",
    "specialist",
    "supervisor",
    "manager",
    "human",
    "person",
    r"member of (?:our|the) (?:support )?team",
)
_FINANCIAL = _any(
    "refund",
    "return",
    "credit",
    "compensation",
    "reimbursement",
    "chargeback",
    "exchange",
    "cancellation",
    "replacement",
    "request",
    "claim",
    "exception",
    "waiver",
    "discount",
)
_DONE = _any(
    "approved",
    "authori[sz]ed",
    "granted",
    "processed",
    "issued",
    "accepted",
    "confirmed",
    "completed",
    "sent",
    "paid",
    "waived",
    "initiated",
)
_ADVERBS = r"(?:now\s+|just\s+|already\s+|been\s+)*"
_ARRIVED = _any(
    "joined",
    "taken over",
    r"picked (?:this|it|you) up",
    "arrived",
    "here",
    "connected",
    "on the line",
    "with you",
    "assigned",
)

# Each pattern is a statement of fact in the past or present perfect, about this customer.
_CLAIMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "handoff",
        re.compile(
            rf"\b(?:an?|the|our|one of our)\s+{_PERSON}\s+(?:has|have|had|is|just)\s+"
            rf"{_ADVERBS}{_ARRIVED}",
            re.IGNORECASE,
        ),
    ),
    (
        "handoff",
        re.compile(
            rf"\b(?:i|we)(?:'ve|\s+have|\s+just)?\s+{_ADVERBS}"
            r"(?:transferred|connected|handed|escalated|passed|forwarded|put)\s+(?:you|this|your)",
            re.IGNORECASE,
        ),
    ),
    (
        "handoff",
        re.compile(
            rf"\byou(?:'re|\s+are)\s+(?:now\s+)?(?:connected|talking|chatting|speaking)\s+"
            rf"(?:to|with)\s+(?:an?|our|the)\s+{_PERSON}",
            re.IGNORECASE,
        ),
    ),
    (
        "approval",
        re.compile(
            rf"\byour\s+(?:\w+\s+){{0,2}}{_FINANCIAL}s?\s+(?:has|have|was|were|is|are)\s+"
            rf"{_ADVERBS}{_DONE}",
            re.IGNORECASE,
        ),
    ),
    (
        "approval",
        re.compile(
            rf"\b(?:i|we|they|(?:the|an?)\s+{_PERSON})(?:'ve|\s+have|\s+has)?\s+"
            rf"{_ADVERBS}{_DONE}\s+(?:your|a|the|this|an?)\s+(?:\w+\s+){{0,2}}{_FINANCIAL}",
            re.IGNORECASE,
        ),
    ),
)
# A sentence that describes how things work ("once your refund has been approved, ...") states
# a condition, not an outcome.
_CONDITION = re.compile(
    r"\b(?:once|when|whenever|if|after|until|before|as soon as|unless|can|will|would|may|might)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def unmade_outcome_claim(text: str) -> str | None:
    """The kind of outcome (``handoff`` or ``approval``) the text states as done, or None."""
    for sentence in _SENTENCE.split(text):
        for kind, pattern in _CLAIMS:
            match = pattern.search(sentence)
            if match is not None and not _CONDITION.search(sentence[: match.start()]):
                return kind
    return None


def without_unmade_outcomes(text: str) -> str:
    """The text with every sentence that states such an outcome removed."""
    kept = [part for part in _SENTENCE.split(text) if unmade_outcome_claim(part) is None]
    return " ".join(part.strip() for part in kept if part.strip())
