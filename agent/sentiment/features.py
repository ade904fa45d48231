"""Turns a message into the sparse features the linear model reads, at training and inference alike.

Hashed word, word-bigram and character n-gram features (with the words after a negation marked, so
"not good" and "good" differ) go into ``2**HASH_BITS`` buckets; a few dense columns follow them: the
cue indicators and the shape of the message (question, exclamations, ticket numbers, length,
whether it looks like English at all). A stable hash (CRC-32) keeps a trained model valid across
processes, unlike Python's salted ``hash``.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from agent.sentiment.cues import words
from agent.sentiment.lexicon import lexicon_polarity
from agent.sentiment.reading import KNOWN_SIGNALS

HASH_BITS = 17
HASH_SIZE = 1 << HASH_BITS
# Long inputs are read from their start and end: that is where greetings, demands and sign-offs sit,
# and it keeps a 100 KB paste from costing more than a normal message.
MAX_CHARS = 4000

SHAPE_FEATURES = (
    "question",
    "exclamation",
    "repeated_punctuation",
    "reference_number",
    "very_short",
    "long",
    "mostly_foreign",
    "lexicon_positive",
    "lexicon_negative",
)
DENSE_FEATURES = tuple(f"cue:{name}" for name in KNOWN_SIGNALS) + tuple(
    f"shape:{name}" for name in SHAPE_FEATURES
)
N_FEATURES = HASH_SIZE + len(DENSE_FEATURES)

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|#|\d+|[!?]")
_NEGATORS = words(
    """
    not no never nothing nobody none neither nor cannot can't won't don't doesn't didn't
    isn't aren't wasn't weren't haven't hasn't hadn't shouldn't wouldn't couldn't without
    """
)
_SCOPE_END = re.compile(r"[.,;:!?\n]")
_REFERENCE = re.compile(r"(?:#\s?\d{3,}|\b[A-Z]{1,4}-?\d{3,}\b|\b\d{5,}\b)")
# The commonest English words: a message with almost none of them is probably in another
# language, where the English-trained weights should speak softly.
_ENGLISH = words(
    """
    the a an and or but to of in on for with at by from is are was were be been am i you we
    it my your our this that these there here not no yes can could would will should do does
    did have has had how what when where why who which please thanks thank hi hello me us
    they them so if just still get got order account help any some all up out about again
    now today
    """
)


# Cues whose indicator the model does not see: a request for a person is made calmly as often as
# in anger, and an indicator learnt mostly from angry examples would call every request negative.
# The words around it ("please", "this is ridiculous") tell the two apart.
_WORDS_DECIDE = frozenset({"explicit_human_request", "cancellation_request"})


@dataclass(frozen=True)
class MessageFeatures:
    """One message as the model sees it: distinct hashed buckets plus the dense values."""

    buckets: list[int]
    dense: list[float]


def normalise(text: str) -> str:
    """Cut very long text to its ends and replace URLs and @handles by placeholders."""
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS // 2] + "\n" + text[-MAX_CHARS // 2 :]
    return _MENTION.sub(" @user ", _URL.sub(" http ", text))


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; words after a negation (up to punctuation) carry a ``~`` prefix."""
    out: list[str] = []
    for clause in _SCOPE_END.split(text.lower().replace("’", "'")):
        negated = False
        for token in _TOKEN.findall(clause):
            if token.isdigit():
                out.append("<num>")
                continue
            out.append("~" + token if negated else token)
            if token in _NEGATORS or token.endswith("n't"):
                negated = True
    return out


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8", "surrogatepass")) & (HASH_SIZE - 1)


def featurize(text: str, signals: Sequence[str]) -> MessageFeatures:
    """The features of one message, given the cues already detected on it."""
    clean = normalise(text)
    words = tokens(clean)
    names: set[str] = set()
    for word in words:
        names.add("w" + word)
    for first, second in zip(words, words[1:], strict=False):
        names.add("b" + first + " " + second)
    for word in {w.lstrip("~") for w in words if len(w) > 2}:
        padded = f"<{word}>"
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                names.add("c" + padded[i : i + n])
    buckets = sorted({_bucket(name) for name in names})

    plain = [w.lstrip("~") for w in words if w[0].isalpha() or w[0] == "~"]
    english = sum(1 for w in plain if w in _ENGLISH)
    shape = {
        "question": "?" in clean,
        "exclamation": "!" in clean,
        "repeated_punctuation": "!!" in clean or "??" in clean or "?!" in clean,
        "reference_number": _REFERENCE.search(clean) is not None,
        "very_short": len(plain) <= 3,
        "long": len(plain) > 40,
        "mostly_foreign": len(plain) >= 3 and english / len(plain) < 0.15,
    }
    lexicon_positive, lexicon_negative = lexicon_polarity(clean)
    present = set(signals) - _WORDS_DECIDE
    dense = [1.0 if name in present else 0.0 for name in KNOWN_SIGNALS]
    dense += [1.0 if shape[name] else 0.0 for name in SHAPE_FEATURES[:-2]]
    dense += [lexicon_positive, lexicon_negative]
    return MessageFeatures(buckets=buckets, dense=dense)


def hashed_weight(n_buckets: int) -> float:
    """Each hashed bucket's value: the binary vector scaled to unit length."""
    return 1.0 / math.sqrt(n_buckets) if n_buckets else 0.0


def looks_foreign(features: MessageFeatures) -> bool:
    return features.dense[len(KNOWN_SIGNALS) + SHAPE_FEATURES.index("mostly_foreign")] > 0
