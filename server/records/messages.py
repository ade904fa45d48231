"""Messages: the next ``seq`` of a conversation, resends, and what a resume replays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from agent.messages import CustomerText
from agent.ownership import Owner
from server.records.clock import now_or_clock
from server.records.conversations import lock_conversation
from server.records.errors import ConversationClosed
from server.records.models import MESSAGE_ROLES, Conversation, Message


@dataclass(frozen=True)
class CustomerMessage:
    """A customer's message as the turn sees it: the stored row (or the earlier copy of a resend)
    and the conversation it went into, read under the same write lock."""

    message: Message
    resend: bool
    owner: str
    customer_id: str | None


def take_customer_message(
    *,
    session: Session,
    conversation_id: str,
    text: CustomerText,
    client_message_id: str | None,
    now: float | None = None,
) -> CustomerMessage:
    """Store the customer's message with the next ``seq`` and return it with the conversation's
    owner; a resend (same client id) returns the earlier copy and writes nothing; commits.

    Raises ``ConversationClosed`` (for a new message) and ``ConversationNotFound``.
    """
    conversation, message, resend = _append(
        session,
        conversation_id=conversation_id,
        role="customer",
        text=text,
        client_message_id=client_message_id,
        now=now,
    )
    return CustomerMessage(
        message=message, resend=resend, owner=conversation[0], customer_id=conversation[1]
    )


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
    """Store a message with the conversation's next ``seq``; commits unless ``commit=False``.

    A message whose ``client_message_id`` this role already stored in the conversation is a resend:
    the stored message is returned and nothing is written.
    """
    _, message, _ = _append(
        session,
        conversation_id=conversation_id,
        role=role,
        text=text,
        client_message_id=client_message_id,
        citations=citations,
        author_agent_id=author_agent_id,
        now=now,
        commit=commit,
    )
    return message


def _append(
    session: Session,
    *,
    conversation_id: str,
    role: str,
    text: str,
    client_message_id: str | None,
    citations: list[dict[str, Any]] | None = None,
    author_agent_id: str | None = None,
    now: float | None,
    commit: bool = True,
) -> tuple[tuple[str, str | None], Message, bool]:
    """The one writer of messages: ((owner, customer id), message, whether it was a resend)."""
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
    facts = (conversation.owner, conversation.customer_id)
    if client_message_id is not None:
        existing = find_client_message(
            session=session,
            conversation_id=conversation_id,
            role=role,
            client_message_id=client_message_id,
        )
        if existing is not None:
            existing_id = existing.id
            session.rollback()  # gives the seq back: no gap
            return facts, session.get_one(Message, existing_id, populate_existing=True), True
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
    return facts, message, False


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
    *, session: Session, conversation_id: str, role: str, client_message_id: str
) -> Message | None:
    """The message this role already stored under this client id in the conversation, if any
    (the customer's and the agents' ids are separate spaces)."""
    return session.exec(
        select(Message).where(
            Message.conversation_id == conversation_id,
            Message.role == role,
            Message.client_message_id == client_message_id,
        )
    ).first()
