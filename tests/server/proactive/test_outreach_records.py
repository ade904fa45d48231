"""The outreach desk's records: the pure scan over stored customers, filing once, racing agents."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent.outreach.history import parse_history
from agent.outreach.policy import OutreachPolicy
from agent.outreach.scan import ScanSetup, scan_customer
from agent.sentiment.offline import OfflineAnalyzer
from evals.outreach import DEFAULT_DATA as LABELLED
from evals.outreach import DEFAULT_NOW
from server.proactive.scan import scan_records
from server.records.agents import create_agent
from server.records.host_data import journey_history
from server.records.leases import take_lease
from server.records.outreach import (
    OutreachNotOpen,
    approve_item,
    dismiss_item,
    list_items,
)
from server.records.proactive_models import OutreachLogEntry
from tests.agent.outreach.helpers import NOW, blunt_but_loyal, polite_and_cooling
from tests.server.proactive.proactive_support import store_history


@pytest.fixture
def setup(offline_analyzer: OfflineAnalyzer, outreach_policy: OutreachPolicy) -> ScanSetup:
    return ScanSetup(offline_analyzer, outreach_policy, NOW)


def _stored_pair(engine: Engine) -> None:
    with Session(engine) as session:
        store_history(session, polite_and_cooling(), customer_id="cooling")
        store_history(session, blunt_but_loyal(), customer_id="blunt")


def _scan_twice_files_once(engine: Engine, setup: ScanSetup) -> None:
    _stored_pair(engine)
    first = scan_records(engine, setup)
    assert (first.scanned, first.flagged, first.filed) == (2, 1, 1)
    again = scan_records(engine, setup)
    assert (again.flagged, again.filed) == (1, 0)
    with Session(engine) as session:
        items = list_items(session=session)
        assert [i.customer_id for i in items] == ["cooling"]
        assert "shipping labels" in items[0].draft_body.lower()
        kinds = session.exec(select(OutreachLogEntry.kind)).all()
        assert kinds == ["flagged"]


def test_a_scan_of_the_records_files_each_flagged_customer_once(
    sqlite_engine: Engine, setup: ScanSetup
) -> None:
    _scan_twice_files_once(sqlite_engine, setup)


@pytest.mark.postgres
def test_a_scan_of_the_records_files_each_flagged_customer_once_on_postgres(
    postgres_engine: Engine, setup: ScanSetup
) -> None:
    _scan_twice_files_once(postgres_engine, setup)


def test_a_stored_customer_scans_as_the_same_imported_history(
    sqlite_engine: Engine, setup: ScanSetup
) -> None:
    _stored_pair(sqlite_engine)
    for raw, customer_id in ((polite_and_cooling(), "cooling"), (blunt_but_loyal(), "blunt")):
        imported = scan_customer(parse_history(raw), setup)
        with Session(sqlite_engine) as session:
            stored = scan_customer(
                journey_history(session=session, customer_id=customer_id, now=NOW.timestamp()),
                setup,
            )
        assert (stored["flagged"], stored["rule"], stored["tier"]) == (
            imported["flagged"],
            imported["rule"],
            imported["tier"],
        )


def test_of_two_agents_acting_on_one_item_one_wins(sqlite_engine: Engine, setup: ScanSetup) -> None:
    _stored_pair(sqlite_engine)
    scan_records(sqlite_engine, setup)
    with Session(sqlite_engine) as session:
        (item,) = list_items(session=session)
        first, _ = create_agent(session=session, name="ana")
        second, _ = create_agent(session=session, name="bo")
        approved = approve_item(
            session=session,
            item_id=item.id,
            agent_id=first.id,
            subject=None,
            body="Hi Sam, the blank labels are on me now. Can I call you Thursday?",
            deliver=True,
            now=NOW.timestamp(),
        )
        assert approved.status == "approved" and approved.edited
        assert approved.delivery_status == "pending"
        with pytest.raises(OutreachNotOpen, match="approved"):
            dismiss_item(
                session=session,
                item_id=item.id,
                agent_id=second.id,
                reason="already handled",
                now=NOW.timestamp(),
            )
        assert list_items(session=session, status="approved")[0].acted_by == first.id


def test_a_dismissed_flag_is_not_filed_again_until_the_customer_writes_again(
    sqlite_engine: Engine, setup: ScanSetup
) -> None:
    _stored_pair(sqlite_engine)
    scan_records(sqlite_engine, setup)
    with Session(sqlite_engine) as session:
        (item,) = list_items(session=session)
        agent, _ = create_agent(session=session, name="cy")
        dismiss_item(
            session=session, item_id=item.id, agent_id=agent.id, reason="spoke by phone", now=1.0
        )
    assert scan_records(sqlite_engine, setup).filed == 0


def test_a_lease_is_held_by_one_process_until_it_expires(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        assert take_lease(session=session, name="scan", holder="a", now=100.0, seconds=60)
        assert not take_lease(session=session, name="scan", holder="b", now=130.0, seconds=60)
        assert take_lease(session=session, name="scan", holder="a", now=150.0, seconds=60)
        assert take_lease(session=session, name="scan", holder="b", now=211.0, seconds=60)


def test_the_labelled_histories_stored_in_the_records_are_flagged_as_labelled(
    sqlite_engine: Engine, offline_analyzer: OfflineAnalyzer, outreach_policy: OutreachPolicy
) -> None:
    """The evals' 50 labelled customers, written into the records (without their survey ratings,
    which the records do not hold): the records scan flags exactly the ones labelled to flag."""
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    with Session(sqlite_engine) as session:
        for row in rows:
            store_history(session, row, customer_id=row["customer_id"])
    now = datetime.fromisoformat(DEFAULT_NOW)
    result = scan_records(sqlite_engine, ScanSetup(offline_analyzer, outreach_policy, now))
    with Session(sqlite_engine) as session:
        filed = {i.customer_id for i in list_items(session=session, limit=500)}
    assert result.scanned == len(rows)
    assert filed == {r["customer_id"] for r in rows if r["label"]["flag"]}
