"""The outreach scan over the records: every stored customer through the pure scan, flagged ones
filed on the outreach desk (once per customer and rule), and the periodic run in the server."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent.outreach.history import parse_time
from agent.outreach.policy import AUTOMATIC_TIERS
from agent.outreach.scan import ScanSetup, scan_customer
from server.events.redis_lease import RedisLease
from server.records.host_data import customer_ids, journey_history
from server.records.leases import take_lease
from server.records.outreach import file_item, wake_snoozed

log = logging.getLogger(__name__)
LEASE = "outreach_scan"
HOLDER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class ScanResult:
    scanned: int
    flagged: int
    filed: int  # new desk items; a flagged customer already on the desk is not filed again


def scan_records(
    engine: Engine, setup: ScanSetup, *, progress: Callable[[int, int], None] | None = None
) -> ScanResult:
    """Scan every customer in the records as of ``setup.now`` and file the flagged ones."""
    now = setup.now.timestamp()
    with Session(engine) as session:
        wake_snoozed(session=session, now=now)
        ids = customer_ids(session=session)
    flagged = filed = 0
    for done, customer_id in enumerate(ids, start=1):
        with Session(engine) as session:
            history = journey_history(session=session, customer_id=customer_id, now=now)
            outcome = scan_customer(history, setup)
            if outcome["flagged"]:
                flagged += 1
                latest = history.conversations[-1].started_at if history.conversations else None
                item = file_item(
                    session=session,
                    customer_id=customer_id,
                    outcome=outcome,
                    latest_contact=latest.timestamp() if latest else None,
                    now=now,
                    contact_by=_seconds(outcome.get("contact_by")),
                    tag_until=_tag_until(setup, outcome, now),
                )
                filed += item is not None
        if progress is not None:
            progress(done, len(ids))
    return ScanResult(scanned=len(ids), flagged=flagged, filed=filed)


def _tag_until(setup: ScanSetup, outcome: dict[str, Any], now: float) -> float | None:
    """When the tier is automatic (tag and prioritise), the tag's end: the rule's window of days."""
    if outcome["tier"] not in AUTOMATIC_TIERS:
        return None
    days = next((r.days for r in setup.policy.rules if r.name == outcome["rule"]), 0)
    return now + days * 86_400.0


def _seconds(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    moment: datetime = parse_time(value, "contact_by")
    return moment.timestamp()


@dataclass
class PeriodicScan:
    """Runs ``scan_records`` every ``interval_s`` in the process that holds the lease: in Redis
    when ``redis_lease`` is given (``REDIS_URL`` set), else a row in the database."""

    engine: Engine
    make_setup: Callable[[], ScanSetup]
    interval_s: float
    clock: Callable[[], float]
    holder: str = HOLDER
    redis_lease: RedisLease | None = None

    def __post_init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self.runs = 0

    def start(self) -> None:
        if self.interval_s > 0:
            self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:  # a failed scan must not stop the next one
                log.exception("the periodic outreach scan failed")
            await asyncio.sleep(self.interval_s)

    def run_once(self) -> ScanResult | None:
        """Scan if this process takes the lease; None if another has it."""
        if not self._take_lease():
            return None
        result = scan_records(self.engine, self.make_setup())
        self.runs += 1
        log.info(
            "outreach scan: %d customers, %d flagged, %d filed",
            result.scanned,
            result.flagged,
            result.filed,
        )
        return result

    def _take_lease(self) -> bool:
        if self.redis_lease is not None:
            # Held for two intervals and renewed by every run: the holder keeps it while it runs.
            return self.redis_lease.take(2 * self.interval_s)
        with Session(self.engine) as session:  # held for one interval
            return take_lease(
                session=session,
                name=LEASE,
                holder=self.holder,
                now=self.clock(),
                seconds=self.interval_s,
            )

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.redis_lease is not None:
            lease = self.redis_lease
            try:
                await asyncio.to_thread(lease.release)
            except Exception:  # Redis gone: the lease expires on its own
                log.warning("could not release the outreach scan lease in Redis")
            lease.close()
