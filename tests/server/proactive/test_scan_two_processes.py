"""Two `tideline serve` processes on one PostgreSQL database run the periodic outreach scan: each
flagged customer gets one draft on the desk, however often both processes scan."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from server.records.db import init_db, make_engine
from server.records.proactive_models import OutreachItem, OutreachLogEntry, ScanLease
from tests.agent.outreach.helpers import NOW, blunt_but_loyal, polite_and_cooling
from tests.scaleout.cluster_support import ServerProcess
from tests.server.proactive.proactive_support import store_history
from tests.support import throwaway_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def database_url() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url


def test_two_processes_scanning_one_database_file_one_draft_per_customer(
    database_url: str, sample_data_dir: Path, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    init_db(engine)
    shift = time.time() - NOW.timestamp()  # the histories' last contacts, days before now
    with Session(engine) as session:
        for customer_id in ("cooling-1", "cooling-2"):
            store_history(session, polite_and_cooling(), customer_id=customer_id, shift_s=shift)
        store_history(session, blunt_but_loyal(), customer_id="blunt", shift_s=shift)

    servers = []
    for name in ("a", "b"):
        data_dir = tmp_path / name
        shutil.copytree(sample_data_dir, data_dir)  # its own loaded knowledge base
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TIDELINE_DATA_DIR": str(data_dir),
            "TIDELINE_OUTREACH_SCAN_INTERVAL_S": "0.5",
        }
        servers.append(ServerProcess(name, env, tmp_path))
    try:
        for server in servers:
            server.start()
        # Both are up and scanning every half second: give them a few rounds each.
        time.sleep(4)
        for server in servers:
            assert server.alive(), server.log_tail()
    finally:
        for server in servers:
            server.stop()

    with Session(engine) as session:
        items = session.exec(select(OutreachItem).order_by(col(OutreachItem.customer_id))).all()
        assert [i.customer_id for i in items] == ["cooling-1", "cooling-2"]
        flagged = session.exec(
            select(OutreachLogEntry).where(OutreachLogEntry.kind == "flagged")
        ).all()
        assert len(flagged) == 2
        assert session.get(ScanLease, "outreach_scan") is not None
    engine.dispose()
