"""Customer history: repeat contact in the window and whether the arcs of those contacts worsen."""

from __future__ import annotations

from sqlmodel import Session

from agent.sentiment.reading import SentimentReading
from server.records.conversations import create_conversation
from server.records.customers import customer_history, touch_customer
from server.records.messages import append_message
from server.records.readings import record_reading

DAY = 86_400.0
NOW = 1_800_000_000.0


def _reading(score: float) -> SentimentReading:
    label = "negative" if score < -0.2 else "positive" if score > 0.2 else "neutral"
    return SentimentReading(
        score=score, label=label, frustration=max(0.0, -score), urgency=0.2, confidence=0.8
    )


def _conversation(session: Session, customer: str, at: float, scores: list[float]) -> str:
    conversation_id = create_conversation(session=session, customer_id=customer, now=at).id
    for score in scores:
        message = append_message(
            session=session, conversation_id=conversation_id, role="customer", text="...", now=at
        )
        record_reading(
            session=session,
            conversation_id=conversation_id,
            message_id=message.id,
            reading=_reading(score),
            now=at,
        )
    return conversation_id


def test_repeat_customer_with_worsening_arcs(session: Session) -> None:
    _conversation(session, "cust-7", NOW - 20 * DAY, [-0.9, -0.9])  # outside the window
    _conversation(session, "cust-7", NOW - 9 * DAY, [0.0, -0.5])
    _conversation(session, "cust-7", NOW - 3 * DAY, [-0.2, -0.7])
    _conversation(session, "cust-7", NOW - 60, [-0.3])  # today's, one reading so far
    _conversation(session, "someone-else", NOW - DAY, [0.1, -0.9])
    history = customer_history(session=session, customer_id="cust-7", now=NOW)
    assert history.recent_conversations == 3
    assert history.worsening_arc is True


def test_customer_whose_contacts_ended_better_is_not_worsening(session: Session) -> None:
    _conversation(session, "cust-8", NOW - 5 * DAY, [-0.6, 0.4])
    _conversation(session, "cust-8", NOW - 2 * DAY, [-0.5, 0.3])
    _conversation(session, "cust-8", NOW - 60, [-0.4])
    history = customer_history(session=session, customer_id="cust-8", now=NOW)
    assert history.recent_conversations == 3
    assert history.worsening_arc is False


def test_unknown_customer_has_no_history(session: Session) -> None:
    history = customer_history(session=session, customer_id="never-seen", now=NOW)
    assert history.recent_conversations == 0 and history.worsening_arc is False


def test_customer_is_recorded_once_and_last_seen_moves(session: Session) -> None:
    create_conversation(session=session, customer_id="cust-9", now=NOW - DAY)
    create_conversation(session=session, customer_id="cust-9", now=NOW)
    customer = touch_customer(session=session, customer_id="cust-9", now=NOW - 5)
    assert customer.created_at == NOW - DAY and customer.last_seen == NOW
