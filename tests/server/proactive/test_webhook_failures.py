"""Webhook deliveries that do not succeed: a refusal is not retried, an unreachable receiver is
retried with backoff; either way the failure is recorded on the item and in the review log."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from server.proactive.webhook import WebhookSender
from server.records.agents import create_agent
from server.records.customers import touch_customer
from server.records.outreach import approve_item, file_item, get_item
from server.records.proactive_models import OutreachItem, OutreachLogEntry
from tests.server.proactive.proactive_support import Receiver
from tests.support import free_port

OUTCOME = {"rule": "cooling_with_open_issue", "tier": "draft_checkin", "severity": "medium",
           "risk": 0.6, "rationale": "r", "evidence": {},
           "draft": {"subject": "Checking in", "body": "Hi Kim"}}  # fmt: skip


def _approved(engine: Engine) -> str:
    with Session(engine) as session:
        touch_customer(session=session, customer_id="kim", now=1.0)
        item = file_item(
            session=session, customer_id="kim", outcome=OUTCOME, latest_contact=None, now=1.0
        )
        assert item is not None
        agent, _ = create_agent(session=session, name="ana")
        approve_item(
            session=session,
            item_id=item.id,
            agent_id=agent.id,
            subject=None,
            body=None,
            deliver=True,
            now=2.0,
        )
        return item.id


def _sender(engine: Engine, url: str) -> WebhookSender:
    return WebhookSender(
        engine=engine, url=url, secret=b"s", clock=lambda: 3.0, attempts=3, backoff_s=0.01
    )


def _item(engine: Engine, item_id: str) -> tuple[OutreachItem, list[str]]:
    with Session(engine) as session:
        item = get_item(session=session, item_id=item_id)
        kinds = session.exec(
            select(OutreachLogEntry.kind).where(OutreachLogEntry.item_id == item_id)
        ).all()
        return item, list(kinds)


def test_a_refusal_is_recorded_at_once_and_not_retried(sqlite_engine: Engine) -> None:
    item_id = _approved(sqlite_engine)
    with Receiver(fail_first=10, failure=400) as receiver:
        asyncio.run(_sender(sqlite_engine, receiver.url).deliver(item_id))
        assert len(receiver.requests) == 1
    item, kinds = _item(sqlite_engine, item_id)
    assert (item.status, item.delivery_status, item.delivery_attempts) == ("approved", "failed", 1)
    assert item.delivery_error == "HTTP 400"
    assert kinds == ["flagged", "approved", "delivery_failed"]


def test_an_unreachable_receiver_is_tried_again_then_recorded_as_failed(
    sqlite_engine: Engine,
) -> None:
    item_id = _approved(sqlite_engine)
    asyncio.run(_sender(sqlite_engine, f"http://127.0.0.1:{free_port()}/hook").deliver(item_id))
    item, kinds = _item(sqlite_engine, item_id)
    assert (item.delivery_status, item.delivery_attempts) == ("failed", 3)
    assert item.delivery_error and "Connect" in item.delivery_error
    assert kinds[-1] == "delivery_failed"
