"""Messages: the next ``seq`` of a conversation, resends, and what a resume replays."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from agent.ownership import Owner
from server.records.clock import now_or_clock
from server.records.conversations import lock_conversation
from server.records.errors import ConversationClosed
from server.records.models import MESSAGE_ROLES, Conversation, Message


def append_message(
    *,
    session: Session,
    conversation_id: str,
    role: str,
    text: str,
    client_message_id: str | None = None,
    citations: list[dict[str, Any]] | None = None,
    author_agent_id: str | None = None,
    now: float | None = None,
    commit: bool = True,
) -> Message:
    """Store a message with the conversation's next ``seq``; commits.

    A customer message whose ``client_message_id`` was already stored in this conversation is a
    resend: the stored message is returned and nothing is written.
    """
    if role not in MESSAGE_ROLES:
        raise ValueError(f"role must be one of {', '.join(MESSAGE_ROLES)}, not {role!r}")
    if client_message_id is not None and not 0 < len(client_message_id) <= 128:
        raise ValueError("a client message id must be 1 to 128 characters")
    at = now_or_clock(now)
    is_customer = role == "customer"
    # Taking the next seq first serialises this writer behind any other on the conversation.
    conversation = lock_conversation(
        session=session,
        conversation_id=conversation_id,
        last_seq=Conversation.last_seq + 1,
        turns=Conversation.turns + (1 if is_customer else 0),
        updated_at=at,
    )
    if client_message_id is not None:
        existing = session.exec(
            select(Message).where(
                Message.conversation_id == conversation_id,
                Message.client_message_id == client_message_id,
            )
        ).first()
        if existing is not None:
            existing_id = existing.id
            session.rollback()  # gives the seq back: no gap
            return session.get_one(Message, existing_id, populate_existing=True)
    if conversation.owner == Owner.CLOSED.value and role in ("customer", "bot"):
        session.rollback()
        raise ConversationClosed(conversation_id)
    message = Message(
        conversation_id=conversation_id,
        seq=conversation.last_seq,
        role=role,
        text=text,
        client_message_id=client_message_id,
        citations=list(citations or []),
        author_agent_id=author_agent_id,
        created_at=at,
    )
    session.add(message)
    if commit:
        session.commit()
        session.refresh(message)
    else:
        session.flush()
    return message


def messages_after(
    *, session: Session, conversation_id: str, seq: int = 0, limit: int | None = None
) -> list[Message]:
    """The messages with a ``seq`` above ``seq``, in order: what a resume replays."""
    statement = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq > seq)
        .order_by(col(Message.seq))
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.exec(statement).all())


def find_client_message(
    *, session: Session, conversation_id: str, client_message_id: str
) -> Message | None:
    """The message already stored under this client id in the conversation, if any."""
    return session.exec(
        select(Message).where(
            Message.conversation_id == conversation_id,
            Message.client_message_id == client_message_id,
        )
    ).first()
