"""What a support question is after (steps, a fix, a time, a price, a rule, a status) and what an
article offers, read from plain English cues that hold across help centres."""

from __future__ import annotations

import re
from functools import lru_cache

INTENTS = ("howto", "problem", "time", "cost", "policy", "status")

_QUESTION: dict[str, re.Pattern[str]] = {
    "howto": re.compile(
        r"\bhow (?:do|can|should|would|to)\b|\bwhere (?:do|can|should) (?:i|we|you)\b"
        r"|\b(?:steps?|instructions?|set ?up|guide)\b|^(?:i (?:want|need|would like|'d like) to"
        r"|(?:please )?(?:cancel|reset|change|update|delete|remove|add|connect|pair|download|export"
        r"|return|send|track|turn|set|switch|stop|close|pause|upgrade|downgrade|move|install))\b",
        re.IGNORECASE,
    ),
    "problem": re.compile(
        r"n['\u2019]?t\b|\b(?:not|never|no longer|nothing|nobody)\b|\b(?:fail|error|broke|stuck"
        r"|offline|wrong|missing|lost|stolen|damaged|declin|locked|blocked|hack|stopp?ed"
        r"|disappear|crash|issue|problem|trouble|twice|unexpected|recogni[sz]e|keeps?|still"
        r"|dead|died|dies|faulty|late|bounced|frozen|freez|slow|drain)",
        re.IGNORECASE,
    ),
    "time": re.compile(
        r"\bhow (?:long|soon|quickly|fast)\b|\bwhen (?:will|do|does|can|is|are|should)\b"
        r"|\bhow many (?:days|weeks|hours|minutes|months)\b|\bby when\b|\bdeadline\b|\bhours\b",
        re.IGNORECASE,
    ),
    "cost": re.compile(
        r"\bhow much\b|\b(?:price|prices|cost|costs|fee|fees|pricing|discount|cheap|expensive"
        r"|vat|tax|compensation|credit)\b",
        re.IGNORECASE,
    ),
    "policy": re.compile(
        r"\b(?:can|may|could) (?:i|we) (?:get|have|still|keep|use)\b|\bdo you\b|\bis (?:there|it)\b"
        r"|\bwhat happens\b|\bwill (?:i|my|you|it)\b|\b(?:allowed|eligible|covered|policy|rules?"
        r"|rights?|warranty|guarantee)\b|\bam i\b",
        re.IGNORECASE,
    ),
    # Where something of the customer's is, or how far it has got: "where's my order", "has it
    # shipped yet", "when will my parcel arrive", "any update on my refund".
    "status": re.compile(
        r"\bwhere(?:'s| is| are) (?:my|the|our)\b|\b(?:track|tracking|status|progress)\b"
        r"|\b(?:is|are) (?:\w+ )?(?:down|up|working)\b|\bwhere (?:my|the|our) (?:\w+ ){1,2}(?:is|are)\b"
        r"|\b(?:has|have|did|was|were|is|are) (?:my|the|our|it|they) (?:\w+ )?(?:been )?"
        r"(?:shipped|sent|dispatched|posted|processed|approved|left)\b"
        r"|\bwhen (?:will|does|do|is|are|should) (?:my|the|our|it|they) (?:\w+ )?(?:be )?"
        r"(?:arrive|come|get here|ship|be delivered|delivered|turn up|show up)\b"
        r"|\bon (?:its|their|the) way\b|\bany (?:news|update|updates)\b|\b(?:shipped|sent) yet\b",
        re.IGNORECASE,
    ),
}

# Verbs a task article's title opens with ("Reset your password", "Track your order").
_TASK_VERB_TEXT = """add apply book buy cancel change check claim close configure connect contact
    create delete
    disable download downgrade edit enable export find fix get install invite link log make manage
    move order pair pause pay print recover redeem remove renew replace report request reset
    restore return schedule send set share sign start stop switch talk track transfer turn unlock
    update upgrade use verify"""
_TASK_VERBS = frozenset(_TASK_VERB_TEXT.split())
_ARTICLE: dict[str, re.Pattern[str]] = {
    "problem": re.compile(
        r"^(?:my|i)\b|n['\u2019]t\b|\b(?:not|wrong|fails?|failed|lost|stolen|damaged|locked"
        r"|offline|missing|unexpected|troubleshoot\w*|problems?|issues?|errors?|stuck|suspicious"
        r"|declined|fake)\b",
        re.IGNORECASE,
    ),
    "time": re.compile(r"\bhow long\b|\b(?:times?|timelines?|when|hours|how quickly)\b", re.I),
    "cost": re.compile(
        r"\b(?:prices?|costs?|fees?|pricing|discounts?|credits?|tax|vat|charges?|proration)\b",
        re.IGNORECASE,
    ),
    "policy": re.compile(
        r"\b(?:policy|rights?|terms|covers?|warranty|what happens|rules|eligib\w*|which)\b", re.I
    ),
    "status": re.compile(r"\b(?:track\w*|status|progress)\b", re.IGNORECASE),
}
_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=4096)
def question_intents(question: str) -> frozenset[str]:
    """The kinds of answer the question asks for; empty when no cue is present."""
    text = " ".join(question.split())
    return frozenset(name for name, pattern in _QUESTION.items() if pattern.search(text))


def ranking_intents(question: str) -> frozenset[str]:
    """What the question asks for, for ranking: a question that reports a problem ("tracking says
    delivered but nothing came") wants the problem article even when it mentions the status."""
    wanted = question_intents(question)
    return wanted - {"status"} if "problem" in wanted else wanted


def asks_status_only(question: str) -> bool:
    """The question asks where something is or how far it got, and reports no problem ("where is
    my parcel?"): a problem article about the same thing ("Lost parcels") answers another ask."""
    wanted = question_intents(question)
    return "status" in wanted and "problem" not in wanted


def article_intents(title: str) -> frozenset[str]:
    """The kinds of answer an article gives, from its title (help-centre titles say it plainly)."""
    found = {name for name, pattern in _ARTICLE.items() if pattern.search(title)}
    first = _WORD.findall(title.lower())[:3]
    if first and (first[0] in _TASK_VERBS or first[:2] == ["how", "to"]):
        found.add("howto")
    # Many help centres title articles as the customer's question.
    if first[:2] in (["how", "do"], ["how", "can"]) and "long" not in first:
        found.add("howto")
    if first[:1] == ["why"]:
        found.add("problem")
    if first[:1] in (["can"], ["do"], ["does"], ["is"], ["are"], ["will"]):
        found.add("policy")
    return frozenset(found)
