"""What kind of fact a question asks for (a time, an amount, steps, a contact) and what a sentence offers."""

from __future__ import annotations

import re
from functools import lru_cache

_NUMBER_WORDS = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|thirty)"
_UNITS_OF_TIME = r"(?:second|sec|minute|min|hour|hr|day|night|week|month|year)s?"
# What a sentence offers, by the kind of question it answers.
_OFFERS: dict[str, re.Pattern[str]] = {
    "time": re.compile(
        rf"\b\d+(?:\.\d+)?(?:\s*(?:-|\u2013|to)\s*\d+)?[\s-]*(?:[a-z]+ )?"
        rf"{_UNITS_OF_TIME}\b|\b{_NUMBER_WORDS}[\s-]+(?:business |working )?{_UNITS_OF_TIME}\b"
        r"|\b(?:same|next) (?:business |working )?day\b|\bimmediately\b|\binstantly\b"
        r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
        r"|\b\d{1,2}(?::\d\d)?\s?(?:am|pm)\b|\bday \d+\b",
        re.IGNORECASE,
    ),
    "money": re.compile(
        r"[$\u00a3\u20ac\u00a5]\s?\d|\b\d+(?:\.\d+)?\s?(?:%|percent\b)"
        r"|\b(?:usd|eur|gbp|dollars|pounds|euros)\b|\bfree\b|\bno (?:extra )?(?:fee|charge|cost)s?\b"
        r"|\bin full\b|\bdifference\b|\bprorat",
        re.IGNORECASE,
    ),
    "steps": re.compile(
        r"\w \> \w|^\d+[.)]\s|\n\d+[.)]\s|\b(?:choose|tap|select|click|press) \w"
        r"|^(?:go to|open|enter|hold|sign in|use|check|restart|turn|add|visit|update|reset|change)\b",
        re.IGNORECASE | re.MULTILINE,
    ),
    "contact": re.compile(
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bhttps?://|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:example|com|org|net|io)\b"
        r"|\+?\d[\d ().-]{7,}\d|\bcontact us\b|\bchat\b",
        re.IGNORECASE,
    ),
}
_ASKS: dict[str, re.Pattern[str]] = {
    "time": re.compile(
        r"\bhow (?:long|soon|quickly|fast|often|late|early)\b|\bhow many "
        rf"{_UNITS_OF_TIME}\b|\bwhen\b|\bwhat time\b|\bdeadline\b|\bexpir|\bwindow\b|\bstill\b"
        rf"|\b(?:\d+|{_NUMBER_WORDS}) (?:business |working )?{_UNITS_OF_TIME}\b|\blast\b|\byet\b",
        re.IGNORECASE,
    ),
    "money": re.compile(
        r"\bhow much\b|\bcost|\bprice|\bfees?\b|\bpay\b|\bpaid\b|\bcharg|\bexpensive\b"
        r"|\bcheap|\bmoney\b|\bbill|\bdiscount|\bdeal\b",
        re.IGNORECASE,
    ),
    "steps": re.compile(
        r"\bhow (?:do|can|should|would|to)\b|\bwhere\b|\bwhat (?:do|should) (?:i|we)\b|\bsteps?\b"
        r"|\bcan (?:i|we)\b|\bset ?up\b|\bchange\b|\bcancel|\bdelete\b|\bfind\b",
        re.IGNORECASE,
    ),
    "contact": re.compile(
        r"\bcontact|\be-?mail (?:address|you|support|us)\b|\breach (?:you|support|someone)\b"
        r"|\breport|\bphone number|\bcall (?:you|support)\b|\bwho (?:do|can|should)\b|\bsend\b"
        r"|\bforward|\bdown\b|\boutage|\bstatus\b",
        re.IGNORECASE,
    ),
}


def asked_kinds(question: str) -> frozenset[str]:
    """What kind of fact the question wants: a time, an amount, steps, a contact."""
    return frozenset(kind for kind, pattern in _ASKS.items() if pattern.search(question))


@lru_cache(maxsize=16384)
def offered_kinds(text: str) -> frozenset[str]:
    return frozenset(kind for kind, pattern in _OFFERS.items() if pattern.search(text))
