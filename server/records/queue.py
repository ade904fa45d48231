"""The durable handoff queue: ``agent.handoff.HandoffQueue`` on the records database."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent.handoff import HandoffPackage, QueueTicket
from agent.policy.decision import Severity
from server.records.errors import HandoffAlreadyWaiting
from server.records.handoffs import open_handoff, raise_handoff_priority
from server.records.models import Handoff
from server.records.queue_order import median_claim_wait, queue_position


class SqlHandoffQueue:
    """Writes each handoff (and the bot → queued move) and commits before the customer is told.

    The estimated wait is the position times the median created → claimed wait of recent claims,
    or times ``seconds_per_position`` while there are none to go by.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], float] = time.time,
        seconds_per_position: float = 120.0,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.seconds_per_position = seconds_per_position

    def enqueue(self, package: HandoffPackage) -> QueueTicket:
        with Session(self.engine) as session:
            try:
                handoff = open_handoff(session=session, package=package, now=self.clock())
            except HandoffAlreadyWaiting:
                # A second trigger for a queued conversation must not create a second ticket.
                handoff = raise_handoff_priority(
                    session=session,
                    conversation_id=package.conversation_id,
                    severity=package.severity,
                    reason=f"second handoff trigger ({package.rule}): {package.rationale}",
                    now=self.clock(),
                )
            return self._ticket(session, handoff)

    def raise_priority(self, conversation_id: str, severity: Severity, reason: str) -> QueueTicket:
        with Session(self.engine) as session:
            handoff = raise_handoff_priority(
                session=session,
                conversation_id=conversation_id,
                severity=severity,
                reason=reason,
                now=self.clock(),
            )
            return self._ticket(session, handoff)

    def _ticket(self, session: Session, handoff: Handoff) -> QueueTicket:
        position = queue_position(session=session, handoff=handoff)
        per_position = median_claim_wait(session=session, now=self.clock())
        if per_position is None:
            per_position = self.seconds_per_position
        return QueueTicket(
            handoff_id=handoff.id,
            position=position,
            estimated_wait_s=round(position * per_position, 1),
            severity=handoff.severity,  # type: ignore[arg-type]
        )
