"""The durable handoff queue and the handoff records: order, positions, raises, claims, outcomes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from agent.handoff import HandoffPackage, HandoffQueue
from agent.ownership import OwnershipError
from server.records.agents import create_agent
from server.records.conversations import create_conversation, get_conversation
from server.records.errors import HandoffNotFound, HandoffNotWaiting
from server.records.handoff_moves import claim_handoff, close_handoff, return_handoff
from server.records.handoffs import get_handoff, label_handoff
from server.records.models import Handoff
from server.records.ownership import ownership_changes
from server.records.queue import SqlHandoffQueue
from server.records.queue_order import waiting_handoffs

MakePackage = Callable[..., HandoffPackage]


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _conversation(engine: Engine) -> str:
    with Session(engine) as session:
        return create_conversation(session=session).id


def _agent(engine: Engine, name: str) -> str:
    with Session(engine) as session:
        agent, _ = create_agent(session=session, name=name)
        return agent.id


def test_enqueue_stores_the_package_and_queues_the_conversation(
    engine: Engine, make_package: MakePackage
) -> None:
    clock = Clock()
    queue: HandoffQueue = SqlHandoffQueue(engine, clock=clock)
    conversation_id = _conversation(engine)
    ticket = queue.enqueue(make_package(conversation_id, severity="high", created_at=clock.now))
    assert ticket.position == 1 and ticket.severity == "high"
    assert ticket.estimated_wait_s == 120.0  # no claims yet: the default per position

    with Session(engine) as session:  # a new session: the row was committed, not just flushed
        handoff = get_handoff(session=session, handoff_id=ticket.handoff_id)
        conversation = get_conversation(session=session, conversation_id=conversation_id)
        moves = ownership_changes(session=session, conversation_id=conversation_id)
    assert handoff.status == "waiting" and handoff.rule == "frustration"
    assert handoff.transcript == [{"role": "customer", "text": "where is my refund", "seq": 1}]
    assert handoff.cited_doc_ids == ["refunds"] and handoff.sentiment_series[0]["score"] == -0.7
    assert conversation.owner == "queued" and conversation.escalated is True
    assert [(m.from_owner, m.to_owner, m.actor) for m in moves] == [("bot", "queued", "bot")]


def test_queue_orders_by_severity_then_waiting_time(
    engine: Engine, make_package: MakePackage
) -> None:
    clock = Clock()
    queue = SqlHandoffQueue(engine, clock=clock)
    tickets = {}
    for name, severity in [("m1", "medium"), ("h1", "high"), ("m2", "medium"), ("c1", "critical")]:
        clock.now += 10
        conversation_id = _conversation(engine)
        tickets[name] = queue.enqueue(
            make_package(conversation_id, severity=severity, created_at=clock.now)
        )
    # positions as each was told on arrival
    assert [tickets[n].position for n in ("m1", "h1", "m2", "c1")] == [1, 1, 3, 1]
    with Session(engine) as session:
        waiting = waiting_handoffs(session=session)
    assert [h.id for h in waiting] == [tickets[n].handoff_id for n in ("c1", "h1", "m1", "m2")]


def test_second_trigger_raises_priority_without_a_second_ticket(
    engine: Engine, make_package: MakePackage
) -> None:
    clock = Clock()
    queue = SqlHandoffQueue(engine, clock=clock)
    ahead = queue.enqueue(make_package(_conversation(engine), severity="high"))
    conversation_id = _conversation(engine)
    ticket = queue.enqueue(make_package(conversation_id, severity="medium"))
    assert ticket.position == 2

    raised = queue.raise_priority(conversation_id, "critical", "customer threatened legal action")
    assert raised.handoff_id == ticket.handoff_id
    assert raised.severity == "critical" and raised.position == 1
    lower = queue.raise_priority(conversation_id, "low", "still unhappy")
    assert lower.severity == "critical"  # never lowered
    again = queue.enqueue(make_package(conversation_id, severity="high", rule="explicit_request"))
    assert again.handoff_id == ticket.handoff_id  # a repeated enqueue is a raise, not a new row

    with Session(engine) as session:
        rows = session.exec(
            select(func.count())
            .select_from(Handoff)
            .where(Handoff.conversation_id == conversation_id)
        ).one()
        handoff = get_handoff(session=session, handoff_id=ticket.handoff_id)
        behind = get_handoff(session=session, handoff_id=ahead.handoff_id)
        moves = ownership_changes(session=session, conversation_id=conversation_id)
    assert rows == 1
    assert handoff.priority_raises == 3
    assert [e["reason"] for e in handoff.priority_log][:2] == [
        "customer threatened legal action",
        "still unhappy",
    ]
    assert behind.severity == "high"
    assert len(moves) == 1  # queued once


def test_raise_priority_without_a_waiting_handoff_is_an_error(engine: Engine) -> None:
    queue = SqlHandoffQueue(engine)
    conversation_id = _conversation(engine)
    with pytest.raises(HandoffNotFound, match="waiting for conversation"):
        queue.raise_priority(conversation_id, "high", "x")


def test_enqueue_refuses_a_conversation_a_human_owns(
    engine: Engine, make_package: MakePackage
) -> None:
    queue = SqlHandoffQueue(engine)
    conversation_id = _conversation(engine)
    ticket = queue.enqueue(make_package(conversation_id))
    agent_id = _agent(engine, "Ana")
    with Session(engine) as session:
        claim_handoff(session=session, handoff_id=ticket.handoff_id, agent_id=agent_id)
    with pytest.raises(OwnershipError):
        queue.enqueue(make_package(conversation_id))
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Handoff)).one()
    assert count == 1


def test_concurrent_claims_have_exactly_one_winner(
    engine: Engine, make_package: MakePackage
) -> None:
    queue = SqlHandoffQueue(engine)
    conversation_id = _conversation(engine)
    ticket = queue.enqueue(make_package(conversation_id))
    agents = [_agent(engine, f"agent-{i}") for i in range(5)]
    start = threading.Barrier(len(agents))

    def claim(agent_id: str) -> str:
        with Session(engine) as session:
            start.wait()
            try:
                claim_handoff(session=session, handoff_id=ticket.handoff_id, agent_id=agent_id)
            except HandoffNotWaiting:
                return "lost"
            return "won"

    with ThreadPoolExecutor(len(agents)) as pool:
        outcomes = list(pool.map(claim, agents))
    assert outcomes.count("won") == 1
    winner = agents[outcomes.index("won")]
    with Session(engine) as session:
        handoff = get_handoff(session=session, handoff_id=ticket.handoff_id)
        moves = ownership_changes(session=session, conversation_id=conversation_id)
    assert handoff.status == "claimed" and handoff.claimed_by == winner
    assert [(m.to_owner, m.actor) for m in moves] == [
        ("queued", "bot"),
        ("human", f"agent:{winner}"),
    ]


def test_claim_wait_feeds_the_estimate(engine: Engine, make_package: MakePackage) -> None:
    clock = Clock()
    queue = SqlHandoffQueue(engine, clock=clock, seconds_per_position=120.0)
    agent_id = _agent(engine, "Ana")
    for wait in (30.0, 60.0, 90.0):
        ticket = queue.enqueue(make_package(_conversation(engine), created_at=clock.now))
        clock.now += wait
        with Session(engine) as session:
            claimed = claim_handoff(
                session=session, handoff_id=ticket.handoff_id, agent_id=agent_id, now=clock.now
            )
        assert claimed.wait_seconds == wait
    queue.enqueue(make_package(_conversation(engine), created_at=clock.now))
    second = queue.enqueue(make_package(_conversation(engine), created_at=clock.now + 1))
    assert second.position == 2
    assert second.estimated_wait_s == 2 * 60.0  # median of recent claim waits, per position


def test_return_close_and_label(engine: Engine, make_package: MakePackage) -> None:
    queue = SqlHandoffQueue(engine)
    agent_id = _agent(engine, "Ana")
    first, second = _conversation(engine), _conversation(engine)
    t1 = queue.enqueue(make_package(first))
    t2 = queue.enqueue(make_package(second))
    with Session(engine) as session:
        with pytest.raises(ValueError, match="still waiting"):
            label_handoff(
                session=session, handoff_id=t1.handoff_id, agent_id=agent_id, warranted=True
            )
        claim_handoff(session=session, handoff_id=t1.handoff_id, agent_id=agent_id)
        returned = return_handoff(
            session=session, handoff_id=t1.handoff_id, agent_id=agent_id, reason="address fixed"
        )
        claim_handoff(session=session, handoff_id=t2.handoff_id, agent_id=agent_id)
        closed = close_handoff(
            session=session, handoff_id=t2.handoff_id, agent_id=agent_id, reason="refunded"
        )
        labelled = label_handoff(
            session=session,
            handoff_id=t2.handoff_id,
            agent_id=agent_id,
            warranted=False,
            resolved=True,
        )
        with pytest.raises(HandoffNotWaiting, match="is closed"):
            claim_handoff(session=session, handoff_id=t2.handoff_id, agent_id=agent_id)
        owners = [
            get_conversation(session=session, conversation_id=c).owner for c in (first, second)
        ]
        last_move = ownership_changes(session=session, conversation_id=first)[-1]
        assert returned.status == "returned" and returned.returned_at is not None
        assert closed.status == "closed" and closed.closed_at is not None
        assert (labelled.warranted, labelled.resolved) == (False, True)
        assert labelled.labelled_by == agent_id
        assert owners == ["bot", "closed"]
        assert (last_move.to_owner, last_move.reason) == ("bot", "address fixed")


def test_claim_by_unknown_agent_is_refused(engine: Engine, make_package: MakePackage) -> None:
    queue = SqlHandoffQueue(engine)
    ticket = queue.enqueue(make_package(_conversation(engine)))
    with Session(engine) as session:
        with pytest.raises(LookupError, match="no active agent"):
            claim_handoff(session=session, handoff_id=ticket.handoff_id, agent_id="ghost")
        assert get_handoff(session=session, handoff_id=ticket.handoff_id).status == "waiting"
