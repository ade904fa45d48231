"""What of a customer's message to search for: the request, without the social words around it.

Customers open and close with greetings and thanks ("Thanks! And how long does a refund take?",
"Hi there, quick question: ..."). Those words match nothing in a help centre, but they dilute the
dense embedding and the BM25 scores enough to push a plain question below the answerable
threshold. Only the search text changes; the message itself (for sentiment, the transcript and
the reply) is untouched.
"""

from __future__ import annotations

import re

_PUNCT = r"[\s,.!;:~\-–—]*"
_GREETING = (
    r"(?:hi|hello|hey|hiya|howdy|greetings|good\s+(?:morning|afternoon|evening|day))"
    r"(?:\s+(?:there|team|all|everyone|folks|guys|again))?"
)
_THANKS = (
    r"(?:(?:ok(?:ay)?|great|perfect|cool|awesome|brilliant|nice|lovely|got\s+it|that\s+helps?)"
    + _PUNCT
    + r")?(?:thanks|thank\s+you|thx|ty|cheers|many\s+thanks)"
    r"(?:\s+(?:so|very)\s+much|\s+a\s+lot|\s+for\s+(?:that|this|the\s+help|your\s+help))?"
)
_FILLER = (
    r"(?:and|also|so|ok(?:ay)?|one\s+more\s+(?:thing|question)|another\s+question|"
    r"quick\s+question|a\s+question)"
)
_LEADING = re.compile(rf"^(?:{_GREETING}|{_THANKS}|{_FILLER})\b{_PUNCT}", re.IGNORECASE)
_TRAILING = re.compile(rf"{_PUNCT}\b(?:{_THANKS}(?:\s+in\s+advance)?){_PUNCT}$", re.IGNORECASE)
_MIN_WORDS = 2


def search_text(message: str) -> str:
    """The message with leading greetings, thanks and fillers and trailing thanks removed; the
    message unchanged when too little would be left to search for."""
    text = message.strip()
    while True:
        stripped = _LEADING.sub("", text, count=1).strip()
        if stripped == text:
            break
        text = stripped
    text = _TRAILING.sub("", text).strip()
    return text if len(text.split()) >= _MIN_WORDS else message.strip()
