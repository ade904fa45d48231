"""The durable handoff queue: ``agent.handoff.HandoffQueue`` on the records database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent.handoff import SECONDS_PER_QUEUE_PLACE, HandoffPackage, QueueTicket
from agent.policy.decision import Severity
from server.records.errors import HandoffAlreadyWaiting
from server.records.handoffs import open_handoff, raise_handoff_priority
from server.records.models import Handoff
from server.records.queue_order import median_claim_wait, queue_position


class SqlHandoffQueue:
    """Writes each handoff (and the bot → queued move) before the customer is told.

    Inside ``within(session, conversation_id)`` a turn's handoff is written in the turn's own
    transaction, which also holds the turn's decision and the customer's notice: a process killed
    mid-turn leaves all of them or none. Outside it, each call commits on its own.

    The estimated wait is the position times the median created → claimed wait of recent claims,
    or times ``seconds_per_position`` while there are none to go by.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], float] = time.time,
        seconds_per_position: float = SECONDS_PER_QUEUE_PLACE,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.seconds_per_position = seconds_per_position
        self._turns: dict[str, Session] = {}
        self._turns_lock = threading.Lock()

    @contextmanager
    def within(self, session: Session, conversation_id: str) -> Iterator[None]:
        """Write this conversation's handoffs in ``session``; the caller commits them."""
        with self._turns_lock:
            self._turns[conversation_id] = session
        try:
            yield
        finally:
            with self._turns_lock:
                self._turns.pop(conversation_id, None)

    @contextmanager
    def _session(self, conversation_id: str) -> Iterator[tuple[Session, bool]]:
        with self._turns_lock:
            turn = self._turns.get(conversation_id)
        if turn is not None:
            yield turn, False
            return
        with Session(self.engine) as own:
            yield own, True

    def enqueue(self, package: HandoffPackage) -> QueueTicket:
        with self._session(package.conversation_id) as (session, commit):
            try:
                handoff = open_handoff(
                    session=session, package=package, now=self.clock(), commit=commit
                )
            except HandoffAlreadyWaiting:
                # A second trigger for a queued conversation must not create a second ticket.
                handoff = raise_handoff_priority(
                    session=session,
                    conversation_id=package.conversation_id,
                    severity=package.severity,
                    reason=f"second handoff trigger ({package.rule}): {package.rationale}",
                    now=self.clock(),
                    commit=commit,
                )
            return self.ticket(session, handoff)

    def raise_priority(self, conversation_id: str, severity: Severity, reason: str) -> QueueTicket:
        with self._session(conversation_id) as (session, commit):
            handoff = raise_handoff_priority(
                session=session,
                conversation_id=conversation_id,
                severity=severity,
                reason=reason,
                now=self.clock(),
                commit=commit,
            )
            return self.ticket(session, handoff)

    def ticket(self, session: Session, handoff: Handoff) -> QueueTicket:
        """Where a waiting handoff stands: its place and the estimated wait, as the customer is told."""
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
