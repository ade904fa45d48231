"""The customers' thumbs up or down on the bot's answers, kept with the message they rate."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from server.records.errors import RecordsError
from server.records.models import Message, MessageFeedback


class NotAnAnswer(RecordsError):
    """Feedback on a seq that is not one of the bot's answers in that conversation."""

    def __init__(self, conversation_id: str, seq: int) -> None:
        super().__init__(f"message {seq} of conversation {conversation_id!r} is not a bot answer")
        self.seq = seq


def rate_answer(
    *, session: Session, conversation_id: str, seq: int, rating: str, now: float
) -> MessageFeedback:
    """Store (or change) the customer's rating of the bot answer at ``seq``."""
    message = session.exec(
        select(Message).where(Message.conversation_id == conversation_id, Message.seq == seq)
    ).first()
    if message is None or message.role != "bot" or message.id is None:
        raise NotAnAnswer(conversation_id, seq)
    row = session.exec(
        select(MessageFeedback).where(
            MessageFeedback.conversation_id == conversation_id, MessageFeedback.seq == seq
        )
    ).first()
    if row is None:
        row = MessageFeedback(
            conversation_id=conversation_id,
            message_id=message.id,
            seq=seq,
            rating=rating,
            created_at=now,
            updated_at=now,
        )
    else:
        row.rating, row.updated_at = rating, now
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def ratings_of(*, session: Session, conversation_id: str) -> dict[int, str]:
    """seq -> rating for every rated answer of the conversation."""
    rows = session.exec(
        select(MessageFeedback).where(MessageFeedback.conversation_id == conversation_id)
    ).all()
    return {row.seq: row.rating for row in rows}


def rating_counts(*, session: Session, since: float) -> dict[str, int]:
    """How many answers were rated up and down since ``since`` (the supervisor's figures)."""
    rows = session.exec(
        select(MessageFeedback.rating, func.count())
        .where(col(MessageFeedback.updated_at) >= since)
        .group_by(MessageFeedback.rating)
    ).all()
    counts = {"up": 0, "down": 0}
    counts.update({rating: int(n) for rating, n in rows})
    return counts
