"""Customers: first sight and last seen, and what their earlier conversations say about them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agent.policy.decision import CustomerHistory
from server.records.clock import now_or_clock
from server.records.models import Conversation, Customer, Handoff, Message

SECONDS_PER_DAY = 86_400.0


def touch_customer(*, session: Session, customer_id: str, now: float | None = None) -> Customer:
    """Create the customer on first sight, else move ``last_seen``; commits."""
    at = now_or_clock(now)
    if not customer_id or len(customer_id) > 255:
        raise ValueError("a customer id must be 1 to 255 characters")
    for _ in range(3):
        customer = session.get(Customer, customer_id, populate_existing=True)
        if customer is not None:
            customer.last_seen = max(customer.last_seen, at)
            session.add(customer)
            session.commit()
            return customer
        session.add(Customer(id=customer_id, created_at=at, last_seen=at))
        try:
            session.commit()
        except IntegrityError:  # created by a concurrent request: update that row instead
            session.rollback()
            continue
        return session.get_one(Customer, customer_id)
    raise RuntimeError(f"could not record customer {customer_id!r}")  # pragma: no cover


def customer_history(
    *, session: Session, customer_id: str, now: float, days: float = 14.0
) -> CustomerHistory:
    """The customer's conversations started in the last ``days`` and whether their arcs worsen.

    An arc is measured once a conversation has two customer turns; the arcs worsen when most of the
    measured ones ended below where they began, or the most recent one did.
    """
    since = now - days * SECONDS_PER_DAY
    conversations = session.exec(
        select(Conversation)
        .where(
            Conversation.customer_id == customer_id,
            col(Conversation.created_at) >= since,
            col(Conversation.created_at) <= now,
        )
        .order_by(col(Conversation.created_at))
    ).all()
    worse = [
        c.latest_score < c.entry_score
        for c in conversations
        if c.turns >= 2 and c.entry_score is not None and c.latest_score is not None
    ]
    worsening = bool(worse) and (sum(worse) * 2 > len(worse) or worse[-1])
    return CustomerHistory(recent_conversations=len(conversations), worsening_arc=worsening)


def earlier_conversations(
    *, session: Session, customer_id: str, before: Conversation, limit: int = 10
) -> list[dict[str, Any]]:
    """The customer's conversations started before ``before``, newest first, as the agent sees
    them: when, how it began, how the customer's mood moved, whether it reached a person."""
    rows = session.exec(
        select(Conversation)
        .where(
            Conversation.customer_id == customer_id,
            col(Conversation.id) != before.id,
            col(Conversation.created_at) <= before.created_at,
        )
        .order_by(col(Conversation.created_at).desc())
        .limit(limit)
    ).all()
    earlier: list[dict[str, Any]] = []
    for row in rows:
        opening = session.exec(
            select(Message)
            .where(Message.conversation_id == row.id, Message.role == "customer")
            .order_by(col(Message.seq))
            .limit(1)
        ).first()
        handoffs = session.exec(
            select(Handoff)
            .where(Handoff.conversation_id == row.id)
            .order_by(col(Handoff.created_at))
        ).all()
        earlier.append(
            {
                "conversation_id": row.id,
                "created_at": row.created_at,
                "owner": row.owner,
                "turns": row.turns,
                "entry_score": row.entry_score,
                "latest_score": row.latest_score,
                "escalated": row.escalated,
                "opening": opening.text if opening else None,
                "handoffs": [
                    {
                        "id": h.id,
                        "rule": h.rule,
                        "severity": h.severity,
                        "status": h.status,
                        "resolved": h.resolved,
                    }
                    for h in handoffs
                ],
            }
        )
    return earlier
