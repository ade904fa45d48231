"""The handoff package the bot gives a human, and the queue it goes into.

The queue is injected when the graph is built: the records layer provides the durable one (the
package is written before the customer is told); :class:`InMemoryHandoffQueue` serves replays,
evals and tests that need no database.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from agent.policy.decision import Severity, severity_rank

# The estimated wait per place in the queue while no claim has been timed yet.
SECONDS_PER_QUEUE_PLACE = 120.0


@dataclass(frozen=True)
class HandoffPackage:
    """Everything an agent needs to pick up a conversation, and the audit trail of why."""

    conversation_id: str
    rule: str
    severity: Severity
    risk: float
    rationale: str  # why: the decision's reason plus the evidence in words
    summary: str  # what was asked, what the bot answered, what it could not
    transcript: list[dict[str, Any]]  # [{role, text, seq?}]
    sentiment_series: list[dict[str, Any]]  # one reading dict per customer turn
    decisions: list[dict[str, Any]]  # the decision records of this conversation so far
    cited_doc_ids: list[str] = field(default_factory=list)
    created_at: float = 0.0  # clock time of the decision

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QueueTicket:
    """Where a handoff stands in the queue, as the customer is told."""

    handoff_id: str
    position: int  # 1 = next to be picked up
    estimated_wait_s: float
    severity: Severity


class HandoffQueue(Protocol):
    def enqueue(self, package: HandoffPackage) -> QueueTicket:
        """Store the package durably (at the latest with the turn's own records, before the
        customer hears of it) and return its place in the queue."""
        ...

    def raise_priority(self, conversation_id: str, severity: Severity, reason: str) -> QueueTicket:
        """A second trigger while queued: raise the waiting handoff's severity, no second ticket."""
        ...


class InMemoryHandoffQueue:
    """A process-local queue ordered by severity, then by arrival."""

    def __init__(self, *, seconds_per_position: float = SECONDS_PER_QUEUE_PLACE) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, dict[str, Any]] = {}
        self._counter = 0
        self.seconds_per_position = seconds_per_position
        self.packages: list[HandoffPackage] = []
        self.priority_raises: list[tuple[str, Severity, str]] = []

    def enqueue(self, package: HandoffPackage) -> QueueTicket:
        with self._lock:
            self._counter += 1
            handoff_id = f"h{self._counter}"
            self._waiting[package.conversation_id] = {
                "id": handoff_id,
                "severity": package.severity,
                "order": self._counter,
            }
            self.packages.append(package)
            return self._ticket(package.conversation_id)

    def raise_priority(self, conversation_id: str, severity: Severity, reason: str) -> QueueTicket:
        with self._lock:
            entry = self._waiting[conversation_id]
            if severity_rank(severity) > severity_rank(entry["severity"]):
                entry["severity"] = severity
            self.priority_raises.append((conversation_id, severity, reason))
            return self._ticket(conversation_id)

    def remove(self, conversation_id: str) -> None:
        with self._lock:
            self._waiting.pop(conversation_id, None)

    def _ticket(self, conversation_id: str) -> QueueTicket:
        ordered = sorted(
            self._waiting.items(),
            key=lambda kv: (-severity_rank(kv[1]["severity"]), kv[1]["order"]),
        )
        position = next(i for i, (cid, _) in enumerate(ordered, 1) if cid == conversation_id)
        entry = self._waiting[conversation_id]
        return QueueTicket(
            handoff_id=entry["id"],
            position=position,
            estimated_wait_s=position * self.seconds_per_position,
            severity=entry["severity"],
        )
