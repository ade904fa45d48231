"""The parts a turn needs, injected when the graph is built so tests and evals swap them freely."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agent.handoff import HandoffQueue
from agent.responders.base import Responder
from agent.sentiment.reading import SentimentAnalyzer
from knowledge.types import Retriever

if TYPE_CHECKING:
    from agent.policy.escalation import EscalationPolicy


@dataclass(kw_only=True)
class TurnDependencies:
    analyzer: SentimentAnalyzer = field(metadata={"description": "Reads each customer message."})
    retriever: Retriever = field(metadata={"description": "Hybrid search over the knowledge base."})
    policy: EscalationPolicy = field(metadata={"description": "The written escalation policy."})
    responder: Responder = field(
        metadata={"description": "Writes the reply: LLM when configured, else grounded."}
    )
    queue: HandoffQueue = field(metadata={"description": "Where handoff packages go (durably)."})
    clock: Callable[[], float] = field(
        default=time.time, metadata={"description": "Seconds since the epoch; fixed in tests."}
    )
    retrieval_k: int = field(default=4, metadata={"description": "Passages retrieved per turn."})
    history_turns: int = field(
        default=6, metadata={"description": "Transcript entries given to the responder."}
    )
