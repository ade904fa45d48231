"""Closes conversations left idle past ``TIDELINE_IDLE_CLOSE_MINUTES``, and measures them.

Bot-owned ones, and queued ones whose customer has gone (silent that long, no socket open on this
process): their waiting handoff closes as "customer left" and the consoles drop the row. Every
server process runs one; the close is a conditional UPDATE of the owner, so of several processes
finding the same idle conversation exactly one closes (and measures) it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlmodel import Session

from agent.ownership import Owner
from server.quality.ending import close_conversation, close_queued, conversation_ended
from server.quality.meter import QualityMeter
from server.records.quality import idle_conversations
from server.turns.hub import ConversationHub, HandoffListener

log = logging.getLogger(__name__)

IDLE_REASON = "This conversation was closed after a while without messages."
LEFT_REASON = "customer left"


class IdleCloser:
    """A background task: every ``every_s`` seconds, close what has been idle for ``idle_s``."""

    def __init__(
        self,
        meter: QualityMeter,
        hub: ConversationHub,
        *,
        idle_s: float,
        every_s: float,
        handoff_listeners: list[HandoffListener] | None = None,
    ) -> None:
        self.meter, self.hub = meter, hub
        self.idle_s, self.every_s = idle_s, every_s
        # Told of each waiting handoff closed here (the desk feed drops it from the consoles).
        self.handoff_listeners = handoff_listeners if handoff_listeners is not None else []
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def every_so_often(
        cls,
        meter: QualityMeter,
        hub: ConversationHub,
        *,
        idle_s: float,
        handoff_listeners: list[HandoffListener] | None = None,
    ) -> IdleCloser:
        """Sweeps about four times per idle period (at most once a minute): a conversation closes
        within a quarter of the period after it went idle."""
        every_s = min(60.0, max(0.2, idle_s / 4))
        return cls(meter, hub, idle_s=idle_s, every_s=every_s, handoff_listeners=handoff_listeners)

    def start(self) -> None:
        if self.idle_s > 0:
            self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every_s)
            try:
                await self.sweep()
            except Exception:
                log.exception("the idle close sweep failed; trying again next time")

    async def sweep(self) -> list[str]:
        """Close and measure every conversation idle for too long; returns the ids closed here."""
        before = self.meter.clock() - self.idle_s

        def find() -> list[str]:
            with Session(self.meter.engine) as session:
                return idle_conversations(session=session, before=before)

        closed: list[str] = []
        for conversation_id in await asyncio.to_thread(find):
            won = await asyncio.to_thread(
                close_conversation,
                self.meter,
                conversation_id,
                actor="system",
                reason="idle",
                idle_before=before,
            )
            if won:
                closed.append(conversation_id)
                await conversation_ended(
                    self.meter, self.hub, conversation_id, "idle", reason=IDLE_REASON
                )
        return closed + await self._sweep_queue(before)

    async def _sweep_queue(self, before: float) -> list[str]:
        """Queued conversations whose customer went silent and has no socket open here."""

        def find() -> list[str]:
            with Session(self.meter.engine) as session:
                return idle_conversations(session=session, before=before, owner=Owner.QUEUED)

        closed: list[str] = []
        for conversation_id in await asyncio.to_thread(find):
            if self._customer_connected(conversation_id):
                continue
            handoff_id = await asyncio.to_thread(
                close_queued,
                self.meter,
                conversation_id,
                actor="system",
                reason=LEFT_REASON,
                idle_before=before,
            )
            if handoff_id is None:
                continue
            closed.append(conversation_id)
            for listener in self.handoff_listeners:
                listener(handoff_id, "closed")
            await conversation_ended(
                self.meter, self.hub, conversation_id, "idle", reason=IDLE_REASON
            )
        return closed

    def _customer_connected(self, conversation_id: str) -> bool:
        sockets = self.hub.subscribers.get(conversation_id, ())
        return any(socket.audience == "customer" for socket in sockets)
