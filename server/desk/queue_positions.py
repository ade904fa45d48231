"""Tells every waiting customer their new place in the queue whenever the queue moves.

A claim, a close, a hand back, a new handoff ahead or a raise all change who is next; each
waiting conversation then gets a fresh ``handoff`` frame (position and estimated wait), so no
customer keeps reading "number 2" after the person ahead was picked up.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from typing import Any

from sqlmodel import Session

from server.channel.frames import handoff_frame
from server.records.queue_order import waiting_handoffs
from server.turns.hub import ConversationHub
from server.turns.service import ConversationService

log = logging.getLogger(__name__)

# Events after which the order of the waiting queue may have changed (not "labelled").
MOVES = frozenset({"opened", "raised", "waited", "claimed", "returned", "closed"})


class QueuePositions:
    def __init__(self, service: ConversationService, hub: ConversationHub) -> None:
        self.service = service
        self.hub = hub
        self._running: asyncio.Task[None] | None = None
        self._again = False

    def on_queue_event(self, event: str) -> None:
        """Called by the desk feed for each queue change it announces (on the event loop)."""
        if event not in MOVES:
            return
        # Moves that come in bursts (a claim and a close) are coalesced into one more push.
        if self._running is not None and not self._running.done():
            self._again = True
            return
        self._running = asyncio.get_running_loop().create_task(self._push())

    async def _push(self) -> None:
        while True:
            self._again = False
            try:
                tickets = await asyncio.to_thread(self.tickets)
            except Exception:
                log.exception("could not read the queue to tell customers their place")
                return
            for conversation_id, ticket in tickets:
                self.hub.publish(conversation_id, handoff_frame(ticket), customer_only=True)
            if not self._again:
                return

    def tickets(self) -> list[tuple[str, dict[str, Any]]]:
        """(conversation id, its place and estimated wait) for every waiting handoff, in order."""
        # The queue's own ticket, so the place and wait pushed here are the ones a new customer is told.
        queue = self.service.queue
        with Session(self.service.engine) as session:
            return [
                (handoff.conversation_id, asdict(queue.ticket(session, handoff)))
                for handoff in waiting_handoffs(session=session)
            ]

    async def close(self) -> None:
        if self._running is not None:
            await asyncio.wait({self._running}, timeout=5)
