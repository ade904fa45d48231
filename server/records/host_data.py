"""What the host system tells us about a customer, and the customer's journey read from the records.

The journey is built two ways from one read: the timeline agents see (``customer_timeline``) and
the ``agent.outreach.history.CustomerHistory`` the pure outreach scan takes (``journey_history``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agent.outreach import history as journey
from server.records.customers import touch_customer
from server.records.models import Conversation, ConversationQuality, Customer, Handoff, Message
from server.records.outreach_tags import customer_tag
from server.records.proactive_models import CustomerEvent, CustomerProfile

TOPIC_CHARS = 120


@dataclass(frozen=True)
class HostEvent:
    """One validated event from the host, as ``add_events`` stores it."""

    type: str
    at: float
    event_key: str | None
    data: dict[str, Any]


def set_attributes(
    *, session: Session, customer_id: str, attributes: dict[str, Any], now: float
) -> CustomerProfile:
    """Replace the customer's attributes (a PUT); the customer is created on first sight."""
    touch_customer(session=session, customer_id=customer_id, now=now)
    profile = session.get(CustomerProfile, customer_id, populate_existing=True)
    if profile is None:
        profile = CustomerProfile(customer_id=customer_id, attributes=attributes, updated_at=now)
    else:
        profile.attributes = dict(attributes)
        profile.updated_at = now
    session.add(profile)
    session.commit()
    session.refresh(profile)
    return profile


def add_events(
    *, session: Session, customer_id: str, events: list[HostEvent], now: float
) -> tuple[int, int]:
    """Store the events; one the host sent before (same ``event_key``) is skipped.

    Returns (stored, already known)."""
    touch_customer(session=session, customer_id=customer_id, now=now)
    stored = known = 0
    for event in events:
        row = CustomerEvent(
            customer_id=customer_id,
            type=event.type,
            at=event.at,
            event_key=event.event_key,
            data=event.data,
            received_at=now,
        )
        session.add(row)
        try:
            session.commit()
            stored += 1
        except IntegrityError:
            session.rollback()
            known += 1
    return stored, known


def customer_exists(*, session: Session, customer_id: str) -> bool:
    return session.get(Customer, customer_id) is not None


def customer_ids(*, session: Session) -> list[str]:
    """Every customer with at least one conversation or something the host sent."""
    with_conversations = select(Conversation.customer_id).where(
        col(Conversation.customer_id).is_not(None)
    )
    with_profile = select(CustomerProfile.customer_id)
    with_events = select(CustomerEvent.customer_id)
    ids = {
        *session.exec(with_conversations).all(),
        *session.exec(with_profile).all(),
        *session.exec(with_events).all(),
    }
    return sorted(i for i in ids if i)


def _outcome(handoffs: list[Handoff]) -> bool | None:
    labelled = [h.resolved for h in handoffs if h.resolved is not None]
    return labelled[-1] if labelled else None


def _conversations(session: Session, customer_id: str, now: float) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Conversation)
        .where(Conversation.customer_id == customer_id, col(Conversation.created_at) <= now)
        .order_by(col(Conversation.created_at))
    ).all()
    found: list[dict[str, Any]] = []
    for row in rows:
        messages = session.exec(
            select(Message).where(Message.conversation_id == row.id).order_by(col(Message.seq))
        ).all()
        handoffs = session.exec(
            select(Handoff)
            .where(Handoff.conversation_id == row.id)
            .order_by(col(Handoff.created_at))
        ).all()
        opening = next((m.text for m in messages if m.role == "customer"), "")
        quality = session.get(ConversationQuality, row.id)  # once the conversation has ended
        arc = (
            None
            if row.entry_score is None or row.latest_score is None
            else round(row.latest_score - row.entry_score, 3)
        )
        found.append(
            {
                "conversation_id": row.id,
                "started_at": row.created_at,
                "channel": "chat",
                "arc": arc,
                "resolved": _outcome(list(handoffs)),
                "escalated": row.escalated,
                "rating": quality.rating if quality else None,  # the customer's own 1-5
                "predicted_satisfaction": quality.predicted if quality else None,
                "topic": opening[:TOPIC_CHARS],
                "help_article": quality.topic if quality else None,  # the article most cited
                "turns": [
                    {"speaker": m.role, "text": m.text} for m in messages if m.role != "system"
                ],
            }
        )
    return found


def _events(session: Session, customer_id: str, now: float) -> list[CustomerEvent]:
    return list(
        session.exec(
            select(CustomerEvent)
            .where(CustomerEvent.customer_id == customer_id, col(CustomerEvent.at) <= now)
            .order_by(col(CustomerEvent.at), col(CustomerEvent.id))
        ).all()
    )


def _attributes(session: Session, customer_id: str) -> dict[str, Any]:
    profile = session.get(CustomerProfile, customer_id)
    return dict(profile.attributes) if profile else {}


def customer_timeline(*, session: Session, customer_id: str, now: float) -> dict[str, Any]:
    """The verified customer's journey as agents see it: attributes, conversations, events."""
    conversations = _conversations(session, customer_id, now)
    return {
        "customer_id": customer_id,
        "tag": customer_tag(session=session, customer_id=customer_id, now=now),
        "attributes": _attributes(session, customer_id),
        "conversations": [
            {k: v for k, v in c.items() if k != "turns"} | {"turns": len(c["turns"])}
            for c in conversations
        ],
        "events": [
            {"type": e.type, "at": e.at, "event_key": e.event_key, **e.data}
            for e in _events(session, customer_id, now)
        ],
    }


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def journey_history(*, session: Session, customer_id: str, now: float) -> journey.CustomerHistory:
    """The customer's history in the shape the pure outreach scan reads (docs/proactive.md)."""
    conversations = tuple(
        journey.Conversation(
            conversation_id=c["conversation_id"],
            started_at=_moment(c["started_at"]),
            channel=c["channel"],
            turns=tuple(
                journey.Turn(t["speaker"], t["text"])
                for t in c["turns"]
                if t["speaker"] in journey.SPEAKERS
            ),
            resolved=c["resolved"],
            csat=c["rating"],
        )
        for c in _conversations(session, customer_id, now)
    )
    events = tuple(
        journey.Event(e.type, _moment(e.at), dict(e.data))
        for e in _events(session, customer_id, now)
    )
    return journey.CustomerHistory(
        customer_id=customer_id,
        attributes=_attributes(session, customer_id),
        events=events,
        conversations=conversations,
    )
