"""Conversation quality in the records, on SQLite and PostgreSQL: measured once, rated, idle closes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent.quality.model import load_satisfaction_model
from agent.risk.model import load_risk_model
from agent.sentiment.reading import SentimentReading
from server.channel.frames import ClientRating
from server.quality.idle import IdleCloser
from server.quality.meter import QualityMeter
from server.quality.rating import take_rating
from server.records.conversations import create_conversation, get_conversation
from server.records.messages import append_message
from server.records.ownership import change_owner
from server.records.quality import (
    NotEnded,
    ended_since,
    rate_conversation,
    rated_conversations,
)
from server.records.readings import record_reading


class Heard:
    """Collects what would go out to the conversations' sockets."""

    def __init__(self) -> None:
        self.frames: list[tuple[str, dict[str, Any]]] = []

    def publish(self, conversation_id: str, frame: dict[str, Any]) -> None:
        self.frames.append((conversation_id, frame))


def meter(engine: Engine, now: float) -> QualityMeter:
    return QualityMeter(
        engine, lambda: now, load_risk_model(), load_satisfaction_model(), "shipped"
    )


def conversation(session: Session, scores: list[float], *, at: float) -> str:
    cid = create_conversation(session=session, now=at).id
    for i, score in enumerate(scores):
        append_message(session=session, conversation_id=cid, role="customer", text=f"m{i}", now=at)
        label = "negative" if score < -0.25 else "positive" if score > 0.25 else "neutral"
        reading = SentimentReading(score, label, max(0.0, -score), 0.1, 0.8)  # type: ignore[arg-type]
        record_reading(session=session, conversation_id=cid, reading=reading, now=at)
        append_message(
            session=session,
            conversation_id=cid,
            role="bot",
            text="answer",
            citations=[{"doc_id": "refunds", "title": "Refunds"}],
            now=at,
        )
    return cid


def test_a_conversation_is_measured_once_and_rated_after_it_ends(
    engine: Engine, session: Session
) -> None:
    cid = conversation(session, [-0.7, -0.2, 0.6], at=100.0)
    with pytest.raises(NotEnded):
        rate_conversation(session=session, conversation_id=cid, score=4, comment=None, now=101.0)
    first = meter(engine, 200.0).measure(cid, "customer")
    assert (first.arc_shape, first.topic, first.problem_type) == ("improved", "Refunds", "none")
    assert first.entry_score == -0.7 and first.exit_score == 0.6
    again = meter(engine, 300.0).measure(cid, "idle")
    assert (again.ended_by, again.ended_at) == ("customer", 200.0)  # ends once

    rate_conversation(session=session, conversation_id=cid, score=4, comment="ok", now=210.0)
    rate_conversation(session=session, conversation_id=cid, score=5, comment=None, now=220.0)
    rows = ended_since(session=session, since=150.0)
    assert [(r.rating, r.comment, r.rated_at) for r in rows] == [(5, "ok", 220.0)]
    assert rated_conversations(session=session) == [(cid, 5)]
    assert ended_since(session=session, since=250.0) == []


def test_two_processes_sweeping_at_once_close_each_idle_conversation_once(
    engine: Engine, session: Session
) -> None:
    idle = [conversation(session, [0.0], at=100.0) for _ in range(4)]
    recent = conversation(session, [0.0], at=990.0)
    queued = conversation(session, [-0.9], at=100.0)
    change_owner(session=session, conversation_id=queued, to="queued", actor="bot", reason="x")
    heard = [Heard(), Heard()]
    closers = [
        IdleCloser(meter(engine, 1000.0), h, idle_s=60.0, every_s=1.0)  # type: ignore[arg-type]
        for h in heard
    ]

    async def both() -> list[list[str]]:
        return list(await asyncio.gather(*(c.sweep() for c in closers)))

    closed = asyncio.run(both())
    assert sorted(closed[0] + closed[1]) == sorted(idle)
    for cid in idle:
        assert get_conversation(session=session, conversation_id=cid).owner == "closed"
    assert get_conversation(session=session, conversation_id=recent).owner == "bot"
    assert get_conversation(session=session, conversation_id=queued).owner == "queued"
    asked = [cid for h in heard for cid, f in h.frames if f["type"] == "rating_request"]
    assert sorted(asked) == sorted(idle)
    assert {r.conversation_id: r.ended_by for r in ended_since(session=session, since=0.0)} == {
        cid: "idle" for cid in idle
    }


def test_a_rating_for_a_closed_conversation_whose_measure_was_lost_measures_it_first(
    engine: Engine, session: Session
) -> None:
    cid = conversation(session, [0.2], at=100.0)
    # Closed by the customer, then the process died before measuring it.
    change_owner(session=session, conversation_id=cid, to="closed", actor="customer", reason="x")
    heard, errors = Heard(), []
    frame = ClientRating(score=2, comment="slow")
    asyncio.run(take_rating(meter(engine, 500.0), heard, cid, frame, errors.append))  # type: ignore[arg-type]
    assert errors == []
    assert heard.frames == [(cid, {"type": "rated", "score": 2, "comment": "slow"})]
    (row,) = ended_since(session=session, since=0.0)
    assert (row.ended_by, row.rating, row.comment) == ("customer", 2, "slow")
