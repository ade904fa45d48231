"""Records behind the desk: long waits raise severity, a customer's earlier conversations, and the
supervisor's figures."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent.handoff import HandoffPackage
from agent.sentiment.reading import SentimentReading
from server.records.agents import create_agent
from server.records.conversations import create_conversation, get_conversation
from server.records.customers import earlier_conversations
from server.records.desk_stats import desk_stats
from server.records.handoff_moves import claim_handoff
from server.records.handoffs import get_handoff, label_handoff
from server.records.messages import append_message
from server.records.queue import SqlHandoffQueue
from server.records.queue_order import raise_long_waits
from server.records.readings import record_reading

MakePackage = Callable[..., HandoffPackage]
T0 = 1_800_000_000.0


def _queued(engine: Engine, make_package: MakePackage, *, severity: str = "medium") -> str:
    with Session(engine) as session:
        conversation_id = create_conversation(session=session, now=T0).id
    ticket = SqlHandoffQueue(engine, clock=lambda: T0).enqueue(
        make_package(conversation_id, severity=severity, created_at=T0)
    )
    return ticket.handoff_id


def test_a_long_wait_raises_severity_one_step_per_interval(
    engine: Engine, make_package: MakePackage
) -> None:
    handoff_id = _queued(engine, make_package, severity="low")
    with Session(engine) as session:
        assert raise_long_waits(session=session, now=T0 + 299, after_s=300) == []
        raised = raise_long_waits(session=session, now=T0 + 301, after_s=300)
        assert [(h.id, h.severity, h.wait_raises) for h in raised] == [(handoff_id, "medium", 1)]
        # The same interval never raises twice...
        assert raise_long_waits(session=session, now=T0 + 500, after_s=300) == []
        # ...the next one does, and the audit log says why.
        raised = raise_long_waits(session=session, now=T0 + 601, after_s=300)
        assert raised[0].severity == "high" and raised[0].severity_rank == 3
        assert "waited 10 min" in raised[0].priority_log[-1]["reason"]
        assert raise_long_waits(session=session, now=T0 + 601, after_s=0) == []  # turned off


def test_concurrent_sweeps_raise_a_handoff_once(engine: Engine, make_package: MakePackage) -> None:
    handoff_id = _queued(engine, make_package)

    def sweep(_: int) -> int:
        with Session(engine) as session:
            return len(raise_long_waits(session=session, now=T0 + 400, after_s=300))

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(sweep, range(4))) == 1
    with Session(engine) as session:
        handoff = get_handoff(session=session, handoff_id=handoff_id)
        assert (handoff.severity, handoff.wait_raises) == ("high", 1)


def test_a_claimed_or_critical_handoff_does_not_rise(
    engine: Engine, make_package: MakePackage
) -> None:
    critical = _queued(engine, make_package, severity="critical")
    claimed = _queued(engine, make_package)
    with Session(engine) as session:
        agent, _ = create_agent(session=session, name="rises")
        claim_handoff(session=session, handoff_id=claimed, agent_id=agent.id, now=T0 + 10)
        assert raise_long_waits(session=session, now=T0 + 900, after_s=300) == []
        assert get_handoff(session=session, handoff_id=critical).severity == "critical"


def _reading(score: float) -> SentimentReading:
    return SentimentReading(
        score=score,
        label="negative" if score < 0 else "positive",
        frustration=max(0.0, -score),
        urgency=0.1,
        confidence=0.9,
        signals=(),
        analyzer="test",
    )


def _conversation_with(
    session: Session, *, scores: list[float], now: float, customer_id: str | None = None
) -> str:
    conversation = create_conversation(session=session, customer_id=customer_id, now=now)
    for i, score in enumerate(scores):
        message = append_message(
            session=session,
            conversation_id=conversation.id,
            role="customer",
            text=f"message {i + 1}",
            now=now + i,
        )
        record_reading(
            session=session,
            conversation_id=conversation.id,
            message_id=message.id,
            reading=_reading(score),
            now=now + i,
        )
    return conversation.id


def test_earlier_conversations_of_a_known_customer(engine: Engine) -> None:
    with Session(engine) as session:
        first = _conversation_with(session, scores=[0.2, -0.6], now=T0, customer_id="cust-7")
        _conversation_with(session, scores=[0.1], now=T0 + 50, customer_id="someone-else")
        current = _conversation_with(session, scores=[-0.3], now=T0 + 100, customer_id="cust-7")
        conversation = get_conversation(session=session, conversation_id=current)
        earlier = earlier_conversations(session=session, customer_id="cust-7", before=conversation)
    assert [c["conversation_id"] for c in earlier] == [first]
    assert earlier[0]["opening"] == "message 1" and earlier[0]["turns"] == 2
    assert (earlier[0]["entry_score"], earlier[0]["latest_score"]) == (0.2, -0.6)


def test_supervisor_figures(engine: Engine, make_package: MakePackage) -> None:
    with Session(engine) as session:
        calm = [_conversation_with(session, scores=[0.1, 0.5], now=T0) for _ in range(8)]
        worse = _conversation_with(session, scores=[0.3, -0.7], now=T0)
        append_message(
            session=session,
            conversation_id=worse,
            role="bot",
            text="See the refunds article.",
            citations=[{"doc_id": "refunds", "title": "Refunds"}],
            now=T0 + 5,
        )
        append_message(
            session=session,
            conversation_id=calm[0],
            role="bot",
            text="See the refunds article.",
            citations=[{"doc_id": "refunds", "title": "Refunds"}],
            now=T0 + 5,
        )
        escalated = _conversation_with(session, scores=[-0.5], now=T0)
        agent, _ = create_agent(session=session, name="stats")
    ticket = SqlHandoffQueue(engine, clock=lambda: T0 + 2).enqueue(
        make_package(escalated, rule="explicit_request", created_at=T0 + 2)
    )
    with Session(engine) as session:
        claim_handoff(session=session, handoff_id=ticket.handoff_id, agent_id=agent.id, now=T0 + 92)
        label_handoff(
            session=session,
            handoff_id=ticket.handoff_id,
            agent_id=agent.id,
            warranted=True,
            resolved=False,
            now=T0 + 200,
        )
        figures = desk_stats(session=session, now=T0 + 3600)
    assert figures["conversations"] == 10 and figures["escalated"] == 1
    assert figures["escalation_rate"] == 0.1 and figures["in_band"] is True
    assert figures["escalations_by_rule"] == {"explicit_request": 1}
    assert figures["median_wait_s"] == 90.0
    assert figures["arc"]["improved"] == 8 and figures["arc"]["worse"] == 1
    assert figures["arc"]["single_message"] == 1
    assert figures["labels"]["warranted"] == 1 and figures["labels"]["unresolved"] == 1
    assert figures["went_badly"] == 2  # the escalated one and the one that ended worse
    assert figures["articles_in_bad_conversations"] == [
        {
            "doc_id": "refunds",
            "title": "Refunds",
            "bad_conversations": 1,
            "conversations": 2,
            "bad_share": 0.5,
        }
    ]
    # Nothing in the window: no rate, not "in band".
    with Session(engine) as session:
        empty = desk_stats(session=session, now=T0 + 90 * 86_400)
    assert empty["escalation_rate"] is None and empty["in_band"] is False
