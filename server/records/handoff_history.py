"""Handoffs that left the queue (handed back or closed), for labelling their outcome later."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from server.records.models import Conversation, Handoff, Message, OwnershipChange

FINISHED = ("returned", "closed")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def finished_handoffs(
    *,
    session: Session,
    claimed_by: str | None = None,
    query: str = "",
    unlabelled: bool = False,
    customer_id: str | None = None,
    limit: int = 50,
) -> list[Handoff]:
    """Most recently finished first; ``query`` matches the customer id, the rule, the summary
    or any message of the conversation (case-insensitive)."""
    ended = func.coalesce(Handoff.closed_at, Handoff.returned_at, Handoff.created_at)
    statement = select(Handoff).where(col(Handoff.status).in_(FINISHED))
    if claimed_by is not None:
        statement = statement.where(Handoff.claimed_by == claimed_by)
    if unlabelled:
        statement = statement.where(
            or_(col(Handoff.warranted).is_(None), col(Handoff.resolved).is_(None))
        )
    if customer_id:
        statement = statement.where(
            col(Handoff.conversation_id).in_(
                select(Conversation.id).where(Conversation.customer_id == customer_id)
            )
        )
    if query.strip():
        pattern = _like(query.strip())
        said = select(Message.conversation_id).where(
            func.lower(Message.text).like(pattern, escape="\\")
        )
        owned = select(Conversation.id).where(
            func.lower(func.coalesce(Conversation.customer_id, "")).like(pattern, escape="\\")
        )
        statement = statement.where(
            or_(
                func.lower(Handoff.rule).like(pattern, escape="\\"),
                func.lower(Handoff.summary).like(pattern, escape="\\"),
                col(Handoff.conversation_id).in_(said),
                col(Handoff.conversation_id).in_(owned),
            )
        )
    statement = statement.order_by(ended.desc(), col(Handoff.id)).limit(limit)
    return list(session.exec(statement).all())


def ending_reasons(*, session: Session, conversation_ids: list[str]) -> dict[str, str]:
    """Why each conversation was closed or handed back: the reason of its latest ownership move
    (e.g. "customer left the queue")."""
    if not conversation_ids:
        return {}
    moves = session.exec(
        select(OwnershipChange)
        .where(col(OwnershipChange.conversation_id).in_(conversation_ids))
        .order_by(col(OwnershipChange.id))
    ).all()
    return {move.conversation_id: move.reason for move in moves}
