"""The agents' live queue: tells every connected console when a handoff opens, moves or rises.

Changes are published on the event bus's ``desk`` topic, so a console on any server process hears
of a handoff made on another. The feed also sweeps the queue: a handoff waiting past the
configured time rises one severity step per interval (``raise_long_waits``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.desk.views import queue_item
from server.events.bus import DESK_TOPIC, EventBus, Frame
from server.records.errors import HandoffNotFound
from server.records.handoffs import get_handoff
from server.records.queue_order import raise_long_waits

log = logging.getLogger(__name__)


class Console(Protocol):
    def on_desk_event(self, frame: Frame) -> None:
        """Take one queue change (called on the event loop)."""
        ...

    def resync(self) -> None:
        """Re-read the queue: the bus may have missed changes."""
        ...


def handoff_event(event: str, item: dict[str, Any]) -> Frame:
    """A queue change: ``event`` is opened, raised, waited, claimed, returned, closed or labelled."""
    return {"type": "handoff", "event": event, "handoff": item, "sent_at": time.time()}


class DeskFeed:
    def __init__(
        self,
        *,
        engine: Engine,
        bus: EventBus,
        clock: Callable[[], float] = time.time,
        wait_raise_s: float = 300.0,
    ) -> None:
        self.engine = engine
        self.bus = bus
        self.clock = clock
        self.wait_raise_s = wait_raise_s
        self.consoles: set[Console] = set()
        # Told of every queue change this process announces (e.g. to push customers' places).
        self.queue_listeners: list[Callable[[str], None]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None

    # --- consoles ---------------------------------------------------------------------------

    def join(self, console: Console) -> None:
        self.consoles.add(console)

    def leave(self, console: Console) -> None:
        self.consoles.discard(console)

    def on_event(self, topic: str, frame: Frame) -> bool:
        """Deliver a desk event from the bus to this process's consoles; False if not one."""
        if topic != DESK_TOPIC:
            return False
        for console in list(self.consoles):
            console.on_desk_event(frame)
        return True

    def resync(self) -> None:
        for console in list(self.consoles):
            console.resync()

    # --- announcing -------------------------------------------------------------------------

    def announce_item(self, event: str, item: dict[str, Any]) -> None:
        self.bus.publish(DESK_TOPIC, handoff_event(event, item))
        for listener in self.queue_listeners:
            listener(event)

    def announce(self, handoff_id: str, event: str) -> None:
        """Read the handoff's queue row off the event loop, then announce it."""
        task = asyncio.get_running_loop().create_task(self._announce(handoff_id, event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _announce(self, handoff_id: str, event: str) -> None:
        try:
            item = await asyncio.to_thread(self._queue_item, handoff_id)
        except HandoffNotFound:
            log.warning("handoff %s vanished before it could be announced", handoff_id)
            return
        self.announce_item(event, item)

    def _queue_item(self, handoff_id: str) -> dict[str, Any]:
        with Session(self.engine) as session:
            handoff = get_handoff(session=session, handoff_id=handoff_id)
            return queue_item(handoff, now=self.clock())

    # --- long waits -------------------------------------------------------------------------

    def start(self) -> None:
        if self.wait_raise_s > 0:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def sweep(self) -> list[dict[str, Any]]:
        """Raise what has waited too long; announce and return the raised rows."""

        def run() -> list[dict[str, Any]]:
            with Session(self.engine) as session:
                now = self.clock()
                raised = raise_long_waits(session=session, now=now, after_s=self.wait_raise_s)
                return [queue_item(h, now=now) for h in raised]

        items = await asyncio.to_thread(run)
        for item in items:
            self.announce_item("waited", item)
        return items

    async def _sweep_forever(self) -> None:
        # A quarter of the interval: a handoff rises at most that late.
        period = max(1.0, min(30.0, self.wait_raise_s / 4))
        while True:
            await asyncio.sleep(period)
            try:
                await self.sweep()
            except Exception:
                log.exception("could not raise long-waiting handoffs")

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)
