"""Agents' internal notes on a conversation: context for colleagues that the customer never sees."""

from __future__ import annotations

from sqlmodel import Session, col, select

from server.records.errors import ConversationNotFound
from server.records.models import Agent, Conversation, ConversationNote


def add_note(
    *, session: Session, conversation_id: str, agent_id: str, text: str, now: float
) -> ConversationNote:
    if session.get(Conversation, conversation_id) is None:
        raise ConversationNotFound(conversation_id)
    note = ConversationNote(
        conversation_id=conversation_id, author_agent_id=agent_id, text=text, created_at=now
    )
    session.add(note)
    session.commit()
    session.refresh(note)
    return note


def notes_of(*, session: Session, conversation_id: str) -> list[dict[str, object]]:
    """The notes, oldest first, each with its author's display name."""
    rows = session.exec(
        select(ConversationNote, Agent.name)
        .join(Agent, col(Agent.id) == col(ConversationNote.author_agent_id), isouter=True)
        .where(ConversationNote.conversation_id == conversation_id)
        .order_by(col(ConversationNote.id))
    ).all()
    return [
        {"id": note.id, "text": note.text, "author": name, "created_at": note.created_at}
        for note, name in rows
    ]
