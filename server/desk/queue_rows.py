"""What tells queue rows apart: who is waiting, on what topic, what they said last, and why."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from server.desk.plain_words import rule_text
from server.records.models import Conversation, Handoff, Message
from server.records.outreach_tags import customer_tag

LATEST_CHARS = 140
_CITING = re.compile(r"citing: (.+?)\.?$", re.MULTILINE)


def _short(text: str, limit: int = LATEST_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def topic_of(summary: str, latest: str | None) -> str:
    """The latest help-centre article the bot cited (from the summary), else the latest words."""
    found = _CITING.search(summary or "")
    if found:
        return found.group(1).split("; ")[-1].strip()
    return _short(latest or "", 60) if latest else "No topic yet"


def _latest_from_transcript(handoff: Handoff) -> str | None:
    said = [e.get("text", "") for e in handoff.transcript or [] if e.get("role") == "customer"]
    return said[-1] if said else None


def row_context(handoff: Handoff, now: float) -> dict[str, Any]:
    """The queue row's who / topic / latest message / rule in words / customer's tag, read from the
    records when the handoff is attached to a session (its latest message may be newer)."""
    session = object_session(handoff)
    customer_id = None
    latest = None
    tag = None
    if isinstance(session, Session):
        conversation = session.get(Conversation, handoff.conversation_id)
        customer_id = conversation.customer_id if conversation else None
        message = session.exec(
            select(Message)
            .where(Message.conversation_id == handoff.conversation_id, Message.role == "customer")
            .order_by(col(Message.seq).desc())
            .limit(1)
        ).first()
        latest = message.text if message else None
        tag = customer_tag(session=session, customer_id=customer_id, now=now)
    latest = latest or _latest_from_transcript(handoff)
    return {
        "customer_id": customer_id,
        "customer": customer_id or "Anonymous customer",
        "topic": topic_of(handoff.summary, latest),
        "latest_message": _short(latest) if latest else None,
        "rule_text": rule_text(handoff.rule),
        "customer_tag": tag,  # e.g. "at risk: quiet_after_a_bad_contact" (outreach policy)
    }
