"""Check-in drafts for a person to approve: the customer's own issues, the pattern, one next step."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

# A draft never names the customer's feelings nor leans on boilerplate (docs/outreach.md).
FEELING_WORDS = re.compile(
    r"\b(frustrat\w*|upset|angry|annoy\w*|disappoint\w*|unhappy|feel\w*|emotion\w*|stress\w*|"
    r"furious|mad|sad|sorry to hear you)\b",
    re.IGNORECASE,
)
BOILERPLATE = re.compile(r"value your business|valued customer|we appreciate your loyalty", re.I)
MONEY_WORDS = re.compile(
    r"\b(refund\w*|discount\w*|credit\w*|cheaper|price|pricing|compensat\w*)\b", re.I
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# Openers that say nothing about the issue: "Hi,", "Dear team,", "following up:", "we note that".
_OPENER = re.compile(
    r"^(?:(?:\w+\W+){0,3}?\w+[,:]\s+|(?:we|i) (?:note|wish to report) that\s+)", re.I
)


@dataclass(frozen=True)
class DraftFacts:
    """What the draft may rest on: nothing else reaches the model or the template."""

    customer_name: str | None
    issues: list[str]  # short phrases in the customer's own words, most recent first
    contacts: int
    days: int
    unresolved: int
    next_step: str
    raised_money: bool


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str
    author: str = "offline"  # "offline" or "model"
    fallback_reason: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {"subject": self.subject, "body": self.body}


def issue_phrase(texts: list[str], topic: set[str]) -> str | None:
    """The customer's sentence that says most about the issue, without their feelings, <= 14 words."""
    best, best_hits = None, 0
    for text in texts:
        for sentence in _SENTENCE.split(text.strip()):
            clean = FEELING_WORDS.sub("", sentence).strip(" ,.!?")
            while (shorter := _OPENER.sub("", clean, count=1)) != clean and len(
                shorter.split()
            ) >= 3:
                clean = shorter
            words = clean.split()
            hits = sum(
                1
                for w in words
                if re.sub(r"(ing|ed|es|s)$", "", w.lower().strip(",.!?'\"")) in topic
            )
            if len(words) >= 3 and (hits > best_hits or best is None):
                best, best_hits = " ".join(words[:14]), hits
    return best


def offline_draft(facts: DraftFacts) -> Draft:
    greeting = f"Hi {facts.customer_name}," if facts.customer_name else "Hello,"
    issues = facts.issues[:2]
    if issues:
        named = "; and ".join(f"\u201c{i}\u201d" for i in issues)
        about = (
            f"You've been in touch with us {facts.contacts} times in the last {facts.days} days, "
            f"about {named}."
        )
    else:
        about = (
            f"You've been in touch with us {facts.contacts} times in the last {facts.days} days."
        )
    pattern = (
        "That is more back-and-forth than it should take, and it isn't settled yet."
        if facts.unresolved
        else "That is more back-and-forth than it should take."
    )
    lines = [greeting, "", f"{about} {pattern}", "", facts.next_step]
    if facts.raised_money:
        lines += ["", "You also asked about the billing side; I'll bring that to the call too."]
    lines += ["", "Thanks,"]
    topic = issues[0] if issues else ""
    subject = (
        f"Following up: {topic}" if 0 < len(topic) <= 60 else "Following up on your recent contacts"
    )
    return Draft(subject=subject, body="\n".join(lines))


_SYSTEM = (
    "You write a short check-in email from a support lead to a customer, for a person to approve. "
    "Use only the facts given. Name the customer's issues in plain words, acknowledge that it took "
    "several contacts, offer exactly the next step given. Under 110 words. Never mention feelings, "
    "never say 'we value your business', never offer a discount, refund or credit unless "
    'raised_money is true. Reply with JSON: {"subject": ..., "body": ...}.'
)


def write_draft(facts: DraftFacts, chat_model: BaseChatModel | None) -> Draft:
    """The model writes from the facts when configured; on any failure the offline draft stands."""
    fallback = offline_draft(facts)
    if chat_model is None:
        return fallback
    try:
        reply = chat_model.invoke(
            [SystemMessage(_SYSTEM), HumanMessage(json.dumps(facts.__dict__, ensure_ascii=False))]
        )
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        data = json.loads(content[content.index("{") : content.rindex("}") + 1])
        subject, body = str(data["subject"]).strip(), str(data["body"]).strip()
    except Exception as exc:  # noqa: BLE001 - any model failure falls back to the offline draft
        return Draft(
            fallback.subject, fallback.body, "offline", f"model failed: {type(exc).__name__}"
        )
    problem = _unfit(subject, body, facts)
    if problem:
        return Draft(fallback.subject, fallback.body, "offline", f"model draft rejected: {problem}")
    return Draft(subject, body, "model")


def _unfit(subject: str, body: str, facts: DraftFacts) -> str | None:
    text = f"{subject}\n{body}"
    if not subject or not body:
        return "empty"
    if FEELING_WORDS.search(text):
        return "names feelings"
    if BOILERPLATE.search(text):
        return "boilerplate"
    if not facts.raised_money and MONEY_WORDS.search(text):
        return "offers money the customer did not raise"
    if len(body.split()) > 160:
        return "too long"
    return None
