"""The graph's state: the narrow input of one customer turn, and the full checkpointed conversation.

Every value is plain JSON (dicts, lists, strings, numbers) so the checkpointer stores it without
custom serialisers; the typed views live in ``agent.sentiment.reading``, ``agent.policy.decision`` and
``agent.responders.base``. Nodes that run in the same superstep (``sentiment`` and ``retrieve``) write
disjoint keys; lists that grow every turn use an ``operator.add`` reducer.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Protocol, TypedDict


class TurnInput(TypedDict, total=False):
    """What the caller passes for one customer turn."""

    message: str  # the customer's message, already validated and cleaned
    customer_history: dict[str, Any] | None  # CustomerHistory as a dict, for known customers
    owner: str  # the authoritative owner from the records, when the caller has them
    message_id: str  # the records' id of the customer message: a turn run again is the same turn


class ConversationState(TypedDict, total=False):
    """Everything the graph remembers about one conversation (``thread_id`` = conversation id)."""

    # --- this turn's input --------------------------------------------------------------------
    message: str
    customer_history: dict[str, Any] | None
    message_id: str  # set by the caller with the records; which message this checkpoint answered

    # --- written by `sentiment` (parallel with `retrieve`) ------------------------------------
    readings: Annotated[
        list[dict[str, Any]], operator.add
    ]  # one SentimentReading per customer turn
    sentiment: dict[str, Any]  # ConversationSentiment after this turn

    # --- written by `retrieve` ----------------------------------------------------------------
    retrieval: dict[str, Any]  # RetrievalResult of this turn's message

    # --- written by `decide` ------------------------------------------------------------------
    turn: int  # 1-based index of the current customer turn
    decision: dict[str, Any]  # EscalationDecision of this turn
    decisions: Annotated[list[dict[str, Any]], operator.add]  # every turn's decision record
    ungrounded_streak: int  # consecutive customer turns the knowledge base could not answer
    transcript: Annotated[list[dict[str, Any]], operator.add]  # [{role, text, turn, ...}]

    # --- written by `respond`, `handoff` or `await_human` -------------------------------------
    owner: str  # bot | queued | human | closed (agent.ownership.Owner)
    reply: dict[str, Any] | None  # Reply of this turn (None when a human owns the conversation)
    handoff: dict[str, Any] | None  # QueueTicket of this conversation's waiting handoff
    acknowledged: bool  # the frustrated-customer acknowledgement was already used
    notes: list[str]  # what a human stretch settled, for the bot's next reply
    cited_doc_ids: Annotated[list[str], operator.add]


class Node(Protocol):
    """What every node factory in ``agent.nodes`` returns: the state in, a partial update out."""

    def __call__(self, state: ConversationState) -> dict[str, Any]: ...
