"""SupportBot: runs customer turns through the compiled graph; takes a human's hand-back note."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver

from agent.dependencies import TurnDependencies
from agent.graph import build_graph
from agent.messages import (
    MAX_MESSAGE_CHARS,
    CustomerText,
    InvalidMessage,
    clean_customer_message,
)
from agent.ownership import Owner
from agent.policy.decision import CustomerHistory, EscalationDecision
from agent.responders.base import Reply
from agent.sentiment.reading import ConversationSentiment, SentimentReading
from agent.state import TurnInput
from knowledge.types import RetrievalResult


@dataclass(frozen=True)
class TurnResult:
    """What one customer turn produced, for the caller to record and show."""

    conversation_id: str
    turn: int
    message: str  # the cleaned customer message
    reading: SentimentReading
    sentiment: ConversationSentiment
    retrieval: RetrievalResult
    decision: EscalationDecision
    reply: Reply | None  # None while a human owns the conversation
    owner: str
    handoff: dict[str, Any] | None  # the waiting handoff's ticket, when queued
    handed_off: bool  # this turn created the handoff


class SupportBot:
    """The conversation engine behind every channel (terminal, websocket, evals)."""

    def __init__(
        self,
        deps: TurnDependencies,
        *,
        checkpointer: BaseCheckpointSaver[Any] | None = None,
        max_message_chars: int = MAX_MESSAGE_CHARS,
    ) -> None:
        self.deps = deps
        # Without a checkpointer a conversation would forget every earlier turn; evals use memory.
        self.checkpointer = checkpointer or InMemorySaver()
        self.graph = build_graph(deps, checkpointer=self.checkpointer)
        self.max_message_chars = max_message_chars

    def take_turn(
        self,
        conversation_id: str,
        text: str,
        *,
        customer_history: CustomerHistory | None = None,
        owner: str | None = None,
        message_id: str | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """Run one customer message through sentiment ∥ retrieval → decide → respond | handoff.

        Raises ``InvalidMessage`` for empty, oversized or non-text input, before anything is stored.
        """
        turn = self.stream_turn(
            conversation_id,
            text,
            customer_history=customer_history,
            owner=owner,
            message_id=message_id,
        )
        while True:
            try:
                delta = next(turn)
            except StopIteration as finished:
                return finished.value  # type: ignore[no-any-return]
            if on_token is not None:
                on_token(delta)

    def stream_turn(
        self,
        conversation_id: str,
        text: str,
        *,
        customer_history: CustomerHistory | None = None,
        owner: str | None = None,
        message_id: str | None = None,
    ) -> Generator[str, None, TurnResult]:
        """``take_turn`` as a generator: yields the reply's tokens, returns the ``TurnResult``.

        ``text`` is cleaned here unless it is already a ``CustomerText``. ``owner`` is the records'
        owner (the graph's own is used without records). With ``message_id``, a message whose turn
        was checkpointed but never recorded (the process died in between) is run again from the
        checkpoint before it: the same turn, not a second one.
        """
        message = (
            text
            if isinstance(text, CustomerText)
            else clean_customer_message(text, max_chars=self.max_message_chars)
        )
        config = self._config(conversation_id)
        if message_id is not None:
            config = self._before(conversation_id, message_id)
        before = dict(self.graph.get_state(config).values)
        owner_at_start: str = (
            Owner(owner).value if owner is not None else before.get("owner", Owner.BOT.value)
        )
        if owner_at_start == Owner.CLOSED.value:
            raise InvalidMessage("conversation_closed", "This conversation has been closed.")
        turn_input: TurnInput = {
            "message": str(message),
            "customer_history": customer_history.__dict__ if customer_history else None,
            "owner": owner_at_start,
        }
        if message_id is not None:
            turn_input["message_id"] = message_id
        # Only the nodes' own updates are streamed (not the whole state after every step): the
        # turn's values are in them, and copying the growing transcript each step costs ~2 ms.
        latest: dict[str, Any] = {}
        for part in self.graph.stream(
            turn_input, config, stream_mode=["custom", "updates"], durability="exit"
        ):
            # With several stream modes each part is a (mode, payload) pair.
            mode, payload = cast(tuple[str, dict[str, Any]], part)
            if mode == "custom":
                if "token" in payload:
                    yield payload["token"]
                continue
            for update in payload.values():
                latest.update(update or {})
        owner_now = latest.get("owner", owner_at_start)
        reply = latest.get("reply")
        return TurnResult(
            conversation_id=conversation_id,
            turn=latest["turn"],
            message=message,
            reading=SentimentReading.from_dict(latest["readings"][-1]),
            sentiment=ConversationSentiment.from_dict(latest["sentiment"]),
            retrieval=RetrievalResult.from_dict(latest["retrieval"]),
            decision=EscalationDecision.from_dict(latest["decision"]),
            reply=Reply.from_dict(reply) if reply else None,
            owner=owner_now,
            handoff=latest["handoff"] if "handoff" in latest else before.get("handoff"),
            handed_off=owner_at_start == Owner.BOT.value and owner_now == Owner.QUEUED.value,
        )

    def _before(self, conversation_id: str, message_id: str) -> RunnableConfig:
        """The checkpoint to run ``message_id``'s turn from: the latest, unless that one already
        answered this message (then the one before it, so the turn is run again, not counted
        twice)."""
        config = self._config(conversation_id)
        for snapshot in self.graph.get_state_history(config):
            if snapshot.values.get("message_id") != message_id:
                return snapshot.config
        # Every checkpoint is of this message: the conversation's first turn, run again.
        self.checkpointer.delete_thread(conversation_id)
        return config

    def hand_back(self, conversation_id: str, note: str) -> None:
        """A human handed the conversation back (the records made the move): the bot's next reply
        knows what was settled, and the handoff's ticket and streak are cleared."""
        self.graph.update_state(
            self._config(conversation_id),
            {
                "owner": Owner.BOT.value,
                "notes": [note] if note else [],
                "handoff": None,
                "ungrounded_streak": 0,
                "transcript": [
                    {"role": "system", "text": f"A human agent handed back: {note}", "turn": 0}
                ],
            },
            as_node="await_human",
        )

    def snapshot(self, conversation_id: str) -> dict[str, Any]:
        """The checkpointed state of a conversation ({} when it has never had a turn)."""
        return dict(self.graph.get_state(self._config(conversation_id)).values)

    @staticmethod
    def _config(conversation_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": conversation_id}}
