"""The `handoff` node: packages the conversation, queues it durably, then tells the customer."""

from __future__ import annotations

from typing import Any

from langgraph.config import get_config

from agent.dependencies import TurnDependencies
from agent.handoff import HandoffPackage, QueueTicket
from agent.ownership import Owner, transition
from agent.state import ConversationState, Node
from agent.summary import handoff_rationale, issue_summary


def customer_notice(ticket: QueueTicket) -> str:
    """What the customer is told once the handoff is stored."""
    minutes = max(1, round(ticket.estimated_wait_s / 60))
    place = "next in line" if ticket.position == 1 else f"number {ticket.position} in the queue"
    return (
        "I'm bringing in a member of our support team. "
        f"You're {place}; the estimated wait is about {minutes} minute{'' if minutes == 1 else 's'}. "
        "They will see this whole conversation, so you won't need to repeat anything."
    )


def make_handoff_node(deps: TurnDependencies) -> Node:
    def handoff(state: ConversationState) -> dict[str, Any]:
        decision = state["decision"]
        transcript = state.get("transcript", [])  # `decide` already added this turn's message
        package = HandoffPackage(
            conversation_id=_conversation_id(),
            rule=decision["rule"],
            severity=decision["severity"],
            risk=decision["risk"],
            rationale=handoff_rationale(decision),
            summary=issue_summary(transcript, state.get("decisions", [])),
            transcript=[{"role": e["role"], "text": e["text"]} for e in transcript],
            sentiment_series=list(state.get("readings", [])),
            decisions=list(state.get("decisions", [])),
            cited_doc_ids=sorted(set(state.get("cited_doc_ids", []))),
            created_at=deps.clock(),
        )
        # The package is stored before the customer hears anything about a person.
        ticket = deps.queue.enqueue(package)
        notice = customer_notice(ticket)
        owner = transition(state.get("owner", Owner.BOT.value), Owner.QUEUED)
        return {
            "owner": owner.value,
            "handoff": {
                **_ticket_dict(ticket),
                "rule": package.rule,
                "summary": package.summary,
                "rationale": package.rationale,
            },
            "reply": {
                "text": notice,
                "citations": [],
                "grounded": False,
                "responder": "handoff",
                "fallback_reason": None,
            },
            "transcript": [{"role": "system", "text": notice, "turn": state["turn"]}],
        }

    return handoff


def make_await_human_node(deps: TurnDependencies) -> Node:
    """While a human owns (or is about to own) the conversation the bot stays quiet.

    The reading and decision are still recorded; a fresh trigger while queued raises the waiting
    handoff's priority instead of creating a second ticket.
    """

    def await_human(state: ConversationState) -> dict[str, Any]:
        decision = state["decision"]
        update: dict[str, Any] = {"reply": None}
        if decision.get("raise_priority") and state.get("owner") == Owner.QUEUED.value:
            ticket = deps.queue.raise_priority(
                _conversation_id(), decision["severity"], decision["reason"]
            )
            update["handoff"] = {**(state.get("handoff") or {}), **_ticket_dict(ticket)}
        return update

    return await_human


def _ticket_dict(ticket: QueueTicket) -> dict[str, Any]:
    return {
        "handoff_id": ticket.handoff_id,
        "position": ticket.position,
        "estimated_wait_s": ticket.estimated_wait_s,
        "severity": ticket.severity,
    }


def _conversation_id() -> str:
    return str(get_config()["configurable"]["thread_id"])
