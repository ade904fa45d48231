"""Conversation rows: starting one, reading one, and the UPDATE that serialises its writers.

Every function is keyword-only, takes the caller's ``Session`` and commits its own work unless
told otherwise, so a returned record is durable. Writers that must take turns (the next ``seq``, an
ownership move) start with an UPDATE of the conversation row: PostgreSQL locks that row and SQLite
takes its write lock, so the read that follows sees every earlier writer's commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from server.records.clock import now_or_clock
from server.records.customers import touch_customer
from server.records.errors import ConversationNotFound
from server.records.models import Conversation


def get_conversation(*, session: Session, conversation_id: str) -> Conversation:
    conversation = session.get(Conversation, conversation_id, populate_existing=True)
    if conversation is None:
        raise ConversationNotFound(conversation_id)
    return conversation


def create_conversation(
    *, session: Session, customer_id: str | None = None, now: float | None = None
) -> Conversation:
    """Start a conversation owned by the bot, for a known customer or an anonymous one."""
    at = now_or_clock(now)
    if customer_id is not None:
        touch_customer(session=session, customer_id=customer_id, now=at)
    conversation = Conversation(customer_id=customer_id, created_at=at, updated_at=at)
    session.add(conversation)
    session.commit()
    session.refresh(conversation)
    return conversation


def lock_conversation(*, session: Session, conversation_id: str, **values: Any) -> Conversation:
    """Apply ``values`` to the conversation with an UPDATE that serialises concurrent writers.

    The transaction stays open: the caller commits (or rolls back) its own writes with it.
    """
    statement = (
        update(Conversation)
        .where(col(Conversation.id) == conversation_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if session.exec(statement).rowcount != 1:
        session.rollback()
        raise ConversationNotFound(conversation_id)
    return session.get_one(Conversation, conversation_id, populate_existing=True)
