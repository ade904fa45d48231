"""With REDIS_URL set, the periodic outreach scan's lease lives in Redis: one holder at a time,
renewed by the holder, released by the holder only; two server processes file one draft per
customer and leave no lease row in the database."""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlmodel import Session, col, select

from server.events.redis_lease import RedisLease
from server.records.db import init_db, make_engine
from server.records.proactive_models import OutreachItem, OutreachLogEntry, ScanLease
from tests.agent.outreach.helpers import NOW, blunt_but_loyal, polite_and_cooling
from tests.scaleout.cluster_support import ServerProcess
from tests.server.proactive.proactive_support import store_history
from tests.support import delete_redis_prefix, throwaway_postgres

pytestmark = [pytest.mark.redis]


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    name = f"tideline-test-{secrets.token_hex(6)}"
    yield name
    delete_redis_prefix(redis_url, name)


def test_one_holder_renews_and_only_the_holder_releases(redis_url: str, prefix: str) -> None:
    a = RedisLease.from_url(redis_url, prefix=prefix, name="job", holder="a")
    b = RedisLease.from_url(redis_url, prefix=prefix, name="job", holder="b")
    try:
        assert a.take(0.4)
        assert not b.take(0.4)
        time.sleep(0.25)
        assert a.take(0.4)  # renewed: still a's past the first lease's end
        time.sleep(0.25)
        assert not b.take(0.4)
        assert not b.release()  # not b's to release
        assert not b.take(0.4)
        assert a.release()
        assert b.take(0.4)
        assert not a.take(0.4)
        time.sleep(0.5)  # b stopped renewing: the lease expires and a may take it
        assert a.take(0.4)
        assert not b.release()
        assert a.client.get(a.key) == a.token.encode()
    finally:
        a.close()
        b.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_with_redis_file_one_draft_per_customer(
    redis_url: str, prefix: str, sample_data_dir: Path, tmp_path: Path
) -> None:
    with throwaway_postgres() as database_url:
        engine = make_engine(database_url)
        init_db(engine)
        shift = time.time() - NOW.timestamp()
        with Session(engine) as session:
            for customer_id in ("cooling-1", "cooling-2"):
                store_history(session, polite_and_cooling(), customer_id=customer_id, shift_s=shift)
            store_history(session, blunt_but_loyal(), customer_id="blunt", shift_s=shift)

        servers = []
        for name in ("a", "b"):
            data_dir = tmp_path / name
            shutil.copytree(sample_data_dir, data_dir)
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "TIDELINE_REDIS_PREFIX": prefix,
                "TIDELINE_DATA_DIR": str(data_dir),
                "TIDELINE_OUTREACH_SCAN_INTERVAL_S": "0.5",
            }
            servers.append(ServerProcess(name, env, tmp_path))
        client = redis.Redis.from_url(redis_url)
        try:
            for server in servers:
                server.start()
            time.sleep(4)
            for server in servers:
                assert server.alive(), server.log_tail()
            holder = client.get(f"{prefix}:lease:outreach_scan")
            assert holder is not None  # held in Redis while the servers run
        finally:
            for server in servers:
                server.stop()
        try:
            # Stopping released it (only the holder could); nothing waits for it to expire.
            assert client.get(f"{prefix}:lease:outreach_scan") is None
        finally:
            client.close()

        with Session(engine) as session:
            items = session.exec(select(OutreachItem).order_by(col(OutreachItem.customer_id))).all()
            assert [i.customer_id for i in items] == ["cooling-1", "cooling-2"]
            flagged = session.exec(
                select(OutreachLogEntry).where(OutreachLogEntry.kind == "flagged")
            ).all()
            assert len(flagged) == 2
            assert session.get(ScanLease, "outreach_scan") is None  # the database lease unused
        engine.dispose()
