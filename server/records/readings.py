"""What each customer turn was judged to be: its sentiment reading and its decision record.

Both are written with ``commit=False`` by a turn, which commits them together with its reply.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from agent.policy.decision import EscalationDecision
from agent.sentiment.reading import SentimentReading
from server.records.clock import now_or_clock
from server.records.conversations import get_conversation
from server.records.models import DecisionRecord, SentimentReadingRecord


def _finish(session: Session, row: Any, *, commit: bool) -> None:
    """Commit (and reload) the row, or only flush it into a transaction the caller will commit."""
    if commit:
        session.commit()
        session.refresh(row)
    else:
        session.flush()


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
