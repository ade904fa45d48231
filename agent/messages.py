"""Validation of customer messages before they reach the graph: clear errors, nothing silently lost."""

from __future__ import annotations

import unicodedata

MAX_MESSAGE_CHARS = 8_000


_VALIDATED = object()  # only ``clean_customer_message`` holds it, so only it makes a CustomerText


class CustomerText(str):
    """A customer message that passed ``clean_customer_message``: cleaned, normalised, in bounds.

    Made only by that function, once, where the text enters (the socket, the terminal, an eval);
    everything after it takes this type and trusts it instead of cleaning again.
    """

    __slots__ = ()

    def __new__(cls, text: str, *, _validated: object = None) -> CustomerText:
        if _validated is not _VALIDATED:
            raise TypeError("a CustomerText is made only by clean_customer_message()")
        return super().__new__(cls, text)

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        # Copies and pickles are plain text: only the validator vouches for a CustomerText.
        return (str, (str(self),))


class InvalidMessage(ValueError):
    """A customer message the bot cannot take; ``code`` is stable for the wire protocol."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def clean_customer_message(text: object, *, max_chars: int = MAX_MESSAGE_CHARS) -> CustomerText:
    """Drop control characters (keeping newlines and tabs), normalise, and refuse empty or huge text.

    A too-long message is refused rather than cut: cutting would drop what the customer wrote
    without telling them.
    """
    if not isinstance(text, str):
        raise InvalidMessage("invalid_message", "A message must be text.")
    cleaned = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    cleaned = unicodedata.normalize("NFC", cleaned).strip()
    if not cleaned:
        raise InvalidMessage("empty_message", "The message is empty.")
    if len(cleaned) > max_chars:
        raise InvalidMessage(
            "message_too_long",
            f"The message is {len(cleaned):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it or split it into several messages.",
        )
    return CustomerText(cleaned, _validated=_VALIDATED)
