"""Words of support text as search and answer-writing see them: one tokenizer, stemmer and stopword list.

BM25, the reranker and the grounded responder all compare a question with help-centre text; when
they stemmed or dropped words differently, a sentence the search matched could look unrelated to the
responder ("cancelling" vs "cancel"). Everything that turns text into terms goes through here.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Digits and letters are separate words, so "5ghz" meets "5 GHz" and "2.4" stays one number.
WORD = re.compile(r"\d+(?:\.\d+)?|[a-z]+")
_HYPHENATED = re.compile(r"(?<=[a-z])-(?=[a-z])")
_APOSTROPHE = re.compile(r"(?<=[a-z])['\u2019](?=[a-z])")
# Initials of a run of capitalised words: "European Union" also answers to "EU".
_CAPITALISED_RUN = re.compile(r"\b(?:[A-Z][a-z]+\s+){1,3}[A-Z][a-z]+\b(?![\w-])")

# Function words that say nothing about which article answers. Particles that change a verb's
# meaning in support ("sign out", "set up", "turn off", "is it down") are kept as words; negations
# matter to intent (knowledge/intent.py reads the raw text) but name no topic, so they go.
_STOPWORD_TEXT = """a about again all also am an any both each few further more most once only other own
    same and are as at be been being but by can cannot could did do
    does doing dont for from get got had has have having he her here hers him his how i im if in
    into is it its just me my myself no nor not now of on or our please she should so some such
    than that the their them then there theres these they this those to too very was we were what
    when where which while who whom why will with would you your yours cant wont didnt doesnt
    isnt arent havent ive id youre"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Words of a chat message that carry no topic either ("hi, I need help to know ...").
_CHAT_TEXT = "hi hello hey thanks thank help need want know tell"
CHAT_WORDS = frozenset(_CHAT_TEXT.split())

# Irregular verb forms common in support messages, to the form their regular forms stem with.
_IRREGULAR_TEXT = """forgot:forget forgotten:forget paid:pay bought:buy sent:send broke:break
    broken:break stole:steal stolen:steal lost:lose took:take taken:take gave:give given:give
    made:make sold:sell told:tell found:find kept:keep held:hold chose:choose chosen:choose
    wrote:write written:write spent:spend went:go gone:go began:begin begun:begin shown:show
    froze:freeze frozen:freeze"""
_IRREGULAR = dict(pair.split(":") for pair in _IRREGULAR_TEXT.split())
_SUFFIXES = (("ation", ""), ("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_DOUBLED = re.compile(r"([bdfglmnprtz])\1$")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light suffix strip: "refunds"/"refund", "cancelling"/"cancel",
    "charged"/"charge", "takes"/"take" all meet; no library, no dictionary."""
    word = _IRREGULAR.get(word, word)
    if word.endswith("ss"):  # "address", "access": not a plural
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    if _DOUBLED.search(word) and len(word) > 3:
        word = word[:-1]  # "cancelled", "cancelling", "cancel" meet; so do "call" and "calling"
    # "take" and "takes", "charge" and "charged" meet once a final e goes.
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def words(text: str) -> list[str]:
    """Lower-cased words; "don't" is "dont", and "wi-fi" is both "wi", "fi" and "wifi"."""
    lowered = _APOSTROPHE.sub("", text.lower())
    found = WORD.findall(lowered)
    if "-" in lowered:
        found += [w for w in WORD.findall(_HYPHENATED.sub("", lowered)) if w not in found]
    return found


def tokenize(text: str) -> list[str]:
    """Stemmed content words in order, repeats kept (what BM25 counts)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


@lru_cache(maxsize=16384)
def content_terms(text: str) -> frozenset[str]:
    """The set of stemmed topic words of ``text``, with the initials of capitalised names."""
    terms = {stem(w) for w in words(text) if w not in STOPWORDS and w not in CHAT_WORDS}
    terms.update(
        "".join(w[0] for w in run.split()).lower() for run in _CAPITALISED_RUN.findall(text)
    )
    return frozenset(terms)


# Words customers and help centres use for the same thing ("parcel" vs "order", "money back" vs
# "refund", "install" vs "pair"): the reranker lets a title match through any of them. Support
# vocabulary only.
_SAME_THING = (
    "parcel package order delivery shipment",
    "cancel stop end terminate",
    "refund reimburse",
    "login signin account",
    "phone mobile",
    "invoice receipt bill",
    "email mail",
    "camera cam",
    "subscription plan membership",
    "setup install pair connect activate configure",
    "pay payment",
    "change update replace edit swap",
)
_GROUPS = [frozenset(stem(w) for w in line.split()) for line in _SAME_THING]
# Kinds of hardware a customer names where a help centre's title says "a device" (one way only: a
# question about "a device" is not about every camera).
_DEVICE_TEXT = """camera cam doorbell hub thermostat sensor plug bulb speaker router printer
    tablet watch tracker console headset scale lock alarm charger"""
_DEVICES = frozenset(stem(w) for w in _DEVICE_TEXT.split())
_DEVICE = stem("device")
# Words that stand for a kind of thing; a title that meets a question only through one of them
# ("Connect a device" for "does the hub work with X") is not about the question.
GENERIC_TERMS = frozenset({_DEVICE})
# Phrasings of a task that no single word carries: "get it going" is setting it up, "do you take
# Apple Pay" asks which payment methods are accepted, "put a new card on" replaces one.
_PHRASES = (
    (
        re.compile(
            r"\b(?:set(?:ting)?(?: (?:it|them|this|that|(?:the|my|a|an|our) \w+))?[ -]?up"
            r"|hook(?:ed|ing)? (?:\w+ )?up)\b",
            re.I,
        ),
        "setup",
    ),
    (
        re.compile(
            r"\bget(?:ting)? (?:(?:it|them|this|one) )?(?:started|going|working|running)\b", re.I
        ),
        "setup",
    ),
    (re.compile(r"\b(?:do|does|can|will) (?:you|they|we) (?:take|accept)\b", re.I), "accept"),
    (re.compile(r"\bpa(?:y|ying) (?:with|by|using|via|through)\b", re.I), "accept"),
    (
        re.compile(r"\b(?:put|add|use|get|got) (?:in |on )?(?:a |an |the |my )?new\b", re.I),
        "replace",
    ),
)


def with_synonyms(terms: frozenset[str]) -> frozenset[str]:
    """``terms`` and the words that mean the same thing in support."""
    out: set[str] = set()
    for term in terms:
        out |= same_as(term)
    return frozenset(out)


@lru_cache(maxsize=16384)
def same_as(term: str) -> frozenset[str]:
    """A stemmed term and the words a help-centre title may say instead ("parcel": "order")."""
    out = {term}
    for group in _GROUPS:
        if term in group:
            out |= group
    if term in _DEVICES:
        out.add(_DEVICE)
    return frozenset(out)


@lru_cache(maxsize=16384)
def phrase_terms(text: str) -> frozenset[str]:
    """The tasks a question's phrasing names where no single word does ("set up", "do you take"),
    as the stemmed word a help-centre title would use."""
    return frozenset(stem(term) for pattern, term in _PHRASES if pattern.search(text))
