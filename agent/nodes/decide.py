"""The `decide` node: applies the escalation policy and writes this turn's decision record."""

from __future__ import annotations

from typing import Any, Literal

from agent.dependencies import TurnDependencies
from agent.ownership import Owner
from agent.policy.decision import CustomerHistory, PolicyInput
from agent.sentiment.reading import ConversationSentiment, SentimentReading
from agent.state import ConversationState, Node
from knowledge.types import RetrievalResult


def make_decide_node(deps: TurnDependencies) -> Node:
    def decide(state: ConversationState) -> dict[str, Any]:
        turn = state.get("turn", 0) + 1
        retrieval = state["retrieval"]
        # A tentative answer still gives the customer something grounded to try.
        answerable = RetrievalResult.from_dict(retrieval).usable
        owner = state.get("owner", Owner.BOT.value)
        # The streak counts only turns the bot had to answer; a human's stretch resets it.
        missed = owner == Owner.BOT.value and not answerable
        streak = state.get("ungrounded_streak", 0) + 1 if missed else 0
        history = state.get("customer_history")
        decision = deps.policy.evaluate(
            PolicyInput(
                reading=SentimentReading.from_dict(state["readings"][-1]),
                conversation=ConversationSentiment.from_dict(state["sentiment"]),
                retrieval_confidence=float(retrieval["confidence"]),
                answerable=answerable,
                ungrounded_streak=streak,
                owner=owner,
                turn=turn,
                customer_history=CustomerHistory(**history) if history else None,
                message=state["message"],
            )
        )
        record = decision.to_dict()
        return {
            "turn": turn,
            "decision": record,
            "decisions": [record],
            "ungrounded_streak": streak,
            "transcript": [{"role": "customer", "text": state["message"], "turn": turn}],
        }

    return decide


def route_after_decide(state: ConversationState) -> Literal["respond", "handoff", "await_human"]:
    """Bot-owned turns are answered or handed off; otherwise the message waits for the human."""
    if state.get("owner", Owner.BOT.value) != Owner.BOT.value:
        return "await_human"
    return "handoff" if state["decision"]["escalate"] else "respond"
