"""Data functions over the records: conversations, messages, readings, decisions, owners, history.

Every function is keyword-only, takes the caller's ``Session`` and commits its own work, so a
returned record is durable. Writers that must take turns (the next ``seq``, an ownership move)
start with an UPDATE of the conversation row: PostgreSQL locks that row and SQLite takes its write
lock, so the read that follows sees every earlier writer's commit. Agents live in
``server.records.agents``, handoffs in ``server.records.handoffs``; both are re-exported here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agent.ownership import Owner
from agent.policy.decision import CustomerHistory, EscalationDecision
from agent.sentiment.reading import ConversationSentiment, SentimentReading
from server.records.agents import authenticate_agent, create_agent, get_agent
from server.records.errors import ConversationClosed, ConversationNotFound
from server.records.handoffs import (
    claim_handoff,
    close_handoff,
    get_handoff,
    label_handoff,
    open_handoff,
    raise_handoff_priority,
    return_handoff,
    waiting_handoff_for,
    waiting_handoffs,
)
from server.records.models import (
    MESSAGE_ROLES,
    Conversation,
    Customer,
    DecisionRecord,
    Handoff,
    Message,
    SentimentReadingRecord,
)
from server.records.ownership import (
    change_owner,
    get_conversation,
    now_or_clock,
    ownership_changes,
)

SECONDS_PER_DAY = 86_400.0

__all__ = [
    "append_message",
    "authenticate_agent",
    "change_owner",
    "claim_handoff",
    "close_handoff",
    "create_agent",
    "create_conversation",
    "customer_history",
    "get_agent",
    "get_conversation",
    "get_handoff",
    "label_handoff",
    "messages_after",
    "open_handoff",
    "ownership_changes",
    "raise_handoff_priority",
    "record_decision",
    "record_reading",
    "return_handoff",
    "touch_customer",
    "update_conversation_sentiment",
    "waiting_handoff_for",
    "waiting_handoffs",
]


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


def _finish(session: Session, row: Any, *, commit: bool) -> None:
    """Commit (and reload) the row, or only flush it into a transaction the caller will commit."""
    if commit:
        session.commit()
        session.refresh(row)
    else:
        session.flush()


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


def _lock_conversation(session: Session, conversation_id: str, **values: Any) -> Conversation:
    """Apply ``values`` to the conversation with an UPDATE that serialises concurrent writers."""
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
    conversation = _lock_conversation(
        session,
        conversation_id,
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
    _finish(session, message, commit=commit)
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


def record_reading(
    *,
    session: Session,
    conversation_id: str,
    reading: SentimentReading,
    message_id: int | None = None,
    now: float | None = None,
    commit: bool = True,
) -> SentimentReadingRecord:
    """Store the reading of a customer message and move the conversation's arc; commits."""
    at = now_or_clock(now)
    conversation = get_conversation(session=session, conversation_id=conversation_id)
    record = SentimentReadingRecord(
        conversation_id=conversation_id,
        message_id=message_id,
        score=reading.score,
        label=reading.label,
        frustration=reading.frustration,
        urgency=reading.urgency,
        confidence=reading.confidence,
        signals=list(reading.signals),
        analyzer=reading.analyzer,
        fallback_reason=reading.fallback_reason,
        created_at=at,
    )
    if conversation.entry_score is None:
        conversation.entry_score = reading.score
    conversation.latest_score = reading.score
    conversation.updated_at = at
    session.add(record)
    session.add(conversation)
    _finish(session, record, commit=commit)
    return record


def update_conversation_sentiment(
    *, session: Session, conversation_id: str, sentiment: ConversationSentiment
) -> Conversation:
    """Copy the conversation-level arc (entry and latest score) onto the conversation; commits."""
    conversation = get_conversation(session=session, conversation_id=conversation_id)
    if sentiment.turns > 0:
        conversation.entry_score = sentiment.entry_score
        conversation.latest_score = sentiment.latest_score
        session.add(conversation)
        session.commit()
        session.refresh(conversation)
    return conversation


def record_decision(
    *,
    session: Session,
    conversation_id: str,
    turn: int,
    decision: EscalationDecision,
    message_id: int | None = None,
    now: float | None = None,
    commit: bool = True,
) -> DecisionRecord:
    """Store the decision of one turn, escalated or not; commits unless ``commit=False``."""
    conversation = get_conversation(session=session, conversation_id=conversation_id)
    data = decision.to_dict()
    record = DecisionRecord(
        conversation_id=conversation_id,
        message_id=message_id,
        turn=turn,
        escalate=decision.escalate,
        rule=decision.rule,
        severity=decision.severity,
        risk=decision.risk,
        reason=decision.reason,
        policy_version=decision.policy_version,
        tone=decision.tone,
        evidence=data["evidence"],
        fired_rules=data["fired_rules"],
        raise_priority=decision.raise_priority,
        created_at=now_or_clock(now),
    )
    if decision.escalate and not conversation.escalated:
        conversation.escalated = True
        session.add(conversation)
    session.add(record)
    _finish(session, record, commit=commit)
    return record


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
