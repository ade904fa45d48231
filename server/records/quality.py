"""Conversation quality in the records: what a finished conversation is measured from, its row,
the customer's rating, and the conversations left idle."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from agent.ownership import Owner
from agent.sentiment.reading import SentimentReading
from agent.sentiment.signals import SIGNALS, Signal
from server.records.conversations import get_conversation
from server.records.errors import RecordsError
from server.records.models import (
    Conversation,
    ConversationQuality,
    Handoff,
    Message,
    SentimentReadingRecord,
)

NO_PROBLEM = "none"


class NotEnded(RecordsError):
    """A rating for a conversation that has not ended (or is unknown)."""

    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"conversation {conversation_id!r} has not ended")


@dataclass(frozen=True)
class ConversationFacts:
    """What the records know of a conversation that the quality measure reads."""

    readings: list[SentimentReading]
    escalated: bool
    resolved: bool | None  # the latest handoff's outcome label
    agent_id: str | None  # the person who held it last
    topic: str | None  # the help-centre article the bot cited most
    problem_type: str


def conversation_facts(*, session: Session, conversation_id: str) -> ConversationFacts:
    conversation = get_conversation(session=session, conversation_id=conversation_id)
    rows = session.exec(
        select(SentimentReadingRecord)
        .where(SentimentReadingRecord.conversation_id == conversation_id)
        .order_by(col(SentimentReadingRecord.id))
    ).all()
    readings = [
        SentimentReading(
            score=r.score,
            label=r.label,  # type: ignore[arg-type]
            frustration=r.frustration,
            urgency=r.urgency,
            confidence=r.confidence,
            signals=tuple(r.signals),
            analyzer=r.analyzer,
        )
        for r in rows
    ]
    handoff = session.exec(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id)
        .order_by(col(Handoff.created_at).desc())
    ).first()
    cited: Counter[str] = Counter()
    for citations in session.exec(
        select(Message.citations).where(
            Message.conversation_id == conversation_id, Message.role == "bot"
        )
    ).all():
        cited.update(str(c.get("title") or c.get("doc_id")) for c in citations or [] if c)
    return ConversationFacts(
        readings=readings,
        escalated=conversation.escalated,
        resolved=handoff.resolved if handoff else None,
        agent_id=handoff.claimed_by if handoff else None,
        topic=cited.most_common(1)[0][0][:300] if cited else None,
        problem_type=_problem_type(readings, handoff),
    )


def _problem_type(readings: list[SentimentReading], handoff: Handoff | None) -> str:
    """The rule that handed it to a person, else the customer's most repeated cue of trouble."""
    if handoff is not None:
        return handoff.rule
    cues: Counter[str] = Counter(
        s for r in readings for s in r.signals if s in SIGNALS and SIGNALS[Signal(s)].weight > 0
    )
    return cues.most_common(1)[0][0] if cues else NO_PROBLEM


def store_quality(*, session: Session, row: ConversationQuality) -> ConversationQuality:
    """Keep the measure of a conversation that ended; a conversation ends once, so a second
    measure of it changes nothing and the first row is returned."""
    existing = session.get(ConversationQuality, row.conversation_id)
    if existing is not None:
        return existing
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def get_quality(*, session: Session, conversation_id: str) -> ConversationQuality | None:
    return session.get(ConversationQuality, conversation_id, populate_existing=True)


def rate_conversation(
    *, session: Session, conversation_id: str, score: int, comment: str | None, now: float
) -> ConversationQuality:
    """Store the customer's 1-5 rating of a conversation that ended; a second one replaces the
    score (and the comment, when it brings one: a changed score keeps the comment given)."""
    row = session.get(ConversationQuality, conversation_id, populate_existing=True)
    if row is None:
        raise NotEnded(conversation_id)
    row.rating, row.rated_at = score, now
    if comment:
        row.comment = comment
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def idle_conversations(
    *, session: Session, before: float, limit: int = 100, owner: Owner = Owner.BOT
) -> list[str]:
    """Conversations of ``owner`` (the bot's, or queued ones) with a customer message and nothing
    written since ``before``.

    Human-owned conversations are the agents' to close, so they are never idle here.
    """
    statement = (
        select(Conversation.id)
        .where(
            Conversation.owner == owner.value,
            col(Conversation.turns) > 0,
            col(Conversation.updated_at) < before,
        )
        .order_by(col(Conversation.updated_at))
        .limit(limit)
    )
    return list(session.exec(statement).all())


def ended_since(*, session: Session, since: float, limit: int = 20000) -> list[ConversationQuality]:
    """The measures of conversations that ended since ``since``, oldest first (bounded)."""
    statement = (
        select(ConversationQuality)
        .where(col(ConversationQuality.ended_at) >= since)
        .order_by(col(ConversationQuality.ended_at))
        .limit(limit)
    )
    return list(session.exec(statement).all())


def rated_conversations(*, session: Session, limit: int = 100000) -> list[tuple[str, int]]:
    """(conversation id, the customer's rating) of every rated conversation: the ground truth."""
    statement = (
        select(ConversationQuality.conversation_id, ConversationQuality.rating)
        .where(col(ConversationQuality.rating).is_not(None))
        .order_by(col(ConversationQuality.ended_at))
        .limit(limit)
    )
    return [(cid, int(rating)) for cid, rating in session.exec(statement).all() if rating]
