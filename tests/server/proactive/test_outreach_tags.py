"""The automatic tier: a scan that flags ``tag_and_prioritise`` applies it itself, with no person.

The customer carries "at risk: <rule>" on their queue rows and timeline, their next handoffs come
in one step higher, the review log says the policy applied it, nothing waits on the desk and
nothing reaches the customer; the tag ends with the rule's window.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent.handoff import HandoffPackage
from agent.outreach.policy import parse_outreach_policy
from agent.outreach.scan import ScanSetup
from agent.sentiment.offline import OfflineAnalyzer
from server.desk.views import queue_item
from server.proactive.scan import scan_records
from server.records.conversations import create_conversation
from server.records.handoffs import open_handoff
from server.records.host_data import customer_timeline
from server.records.outreach import list_items
from server.records.proactive_models import OutreachLogEntry
from server.records.queue_order import queue_position
from tests.agent.outreach.helpers import NOW, blunt_but_loyal, polite_and_cooling
from tests.server.proactive.proactive_support import store_history

TAG_POLICY = """
version: 1
name: tags only
rules:
  - name: labels_printing_blank
    shows: declining_or_negative
    contacts: 2
    days: 30
    when: [unresolved, repeat_contacts, silence]
    match: any
    action: tag_and_prioritise
    severity: low
"""
DAY = 86_400.0


@pytest.fixture
def tagged(sqlite_engine: Engine, offline_analyzer: OfflineAnalyzer) -> Iterator[Engine]:
    policy = parse_outreach_policy(TAG_POLICY, source="test")
    with Session(sqlite_engine) as session:
        store_history(session, polite_and_cooling(), customer_id="cooling")
        store_history(session, blunt_but_loyal(), customer_id="blunt")
    result = scan_records(sqlite_engine, ScanSetup(offline_analyzer, policy, NOW))
    assert (result.flagged, result.filed) == (1, 1)
    yield sqlite_engine


def _package(conversation_id: str, created_at: float) -> HandoffPackage:
    return HandoffPackage(
        conversation_id=conversation_id,
        rule="explicit_request",
        severity="medium",
        risk=0.5,
        rationale="asked for a person",
        summary="labels print blank",
        transcript=[{"role": "customer", "text": "a person please", "seq": 1}],
        sentiment_series=[],
        decisions=[],
        created_at=created_at,
    )


def test_the_policy_applies_the_tag_itself_and_logs_it(tagged: Engine) -> None:
    now = NOW.timestamp()
    with Session(tagged) as session:
        assert list_items(session=session, status="open") == []  # nobody has to act on it
        (item,) = list_items(session=session)
        assert (item.customer_id, item.status, item.tier) == (
            "cooling",
            "applied",
            "tag_and_prioritise",
        )
        assert item.tag_until == pytest.approx(now + 30 * DAY)
        assert item.delivery_status == "none" and item.shown_conversation_id is None
        log = session.exec(select(OutreachLogEntry).order_by(OutreachLogEntry.id)).all()
        assert [(e.kind, e.actor) for e in log] == [("flagged", "scan"), ("applied", "policy")]
        assert log[1].detail["tag"] == "at risk: labels_printing_blank"

        timeline = customer_timeline(session=session, customer_id="cooling", now=now)
        assert timeline["tag"] == "at risk: labels_printing_blank"
        assert customer_timeline(session=session, customer_id="blunt", now=now)["tag"] is None
        # Past the rule's window the tag is gone.
        later = customer_timeline(session=session, customer_id="cooling", now=now + 31 * DAY)
        assert later["tag"] is None


def test_a_tagged_customer_comes_in_ahead_and_the_row_shows_the_tag(tagged: Engine) -> None:
    now = NOW.timestamp() + 3600
    with Session(tagged) as session:
        # The untagged customer asked first, at the same severity.
        blunt = create_conversation(session=session, customer_id="blunt", now=now)
        cooling = create_conversation(session=session, customer_id="cooling", now=now)
        first = open_handoff(session=session, package=_package(blunt.id, now), now=now)
        second = open_handoff(session=session, package=_package(cooling.id, now + 5), now=now + 5)
        assert (first.severity, second.severity) == ("medium", "high")
        assert "at risk: labels_printing_blank" in second.priority_log[0]["reason"]
        assert queue_position(session=session, handoff=second) == 1
        assert queue_position(session=session, handoff=first) == 2
        assert queue_item(second, now=now)["customer_tag"] == "at risk: labels_printing_blank"
        assert queue_item(first, now=now)["customer_tag"] is None


def test_a_live_tag_is_not_filed_again(tagged: Engine, offline_analyzer: OfflineAnalyzer) -> None:
    policy = parse_outreach_policy(TAG_POLICY, source="test")
    again = scan_records(tagged, ScanSetup(offline_analyzer, policy, NOW))
    assert (again.flagged, again.filed) == (1, 0)
