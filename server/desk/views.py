"""What the agent API returns for a handoff: a queue row, and the full package an agent reads."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from agent.policy.config import PolicyConfig
from server.desk.auth import DeskAgent
from server.desk.queue_rows import row_context
from server.records.models import Handoff, Message
from server.records.queue_order import desk_handoffs


def queue_item(handoff: Handoff, *, now: float) -> dict[str, Any]:
    """One row of the queue: enough to choose what to pick up next."""
    return {
        "id": handoff.id,
        "conversation_id": handoff.conversation_id,
        "status": handoff.status,
        "severity": handoff.severity,
        "rule": handoff.rule,
        "risk": handoff.risk,
        "created_at": handoff.created_at,
        "waiting_s": round(max(0.0, now - handoff.created_at), 1),
        "claimed_by": handoff.claimed_by,
        "priority_raises": handoff.priority_raises,
        "summary": handoff.summary,
        **row_context(handoff, now),
    }


def desk_queue(session: Session, agent: DeskAgent, *, now: float) -> list[dict[str, Any]]:
    """The queue as this agent's console lists it."""
    rows = desk_handoffs(session=session, claimed_by=None if agent.is_supervisor else agent.id)
    return [queue_item(h, now=now) for h in rows]


def message_view(message: Message) -> dict[str, Any]:
    return {
        "seq": message.seq,
        "role": message.role,
        "text": message.text,
        "citations": list(message.citations or []),
        "author_agent_id": message.author_agent_id,
        "created_at": message.created_at,
    }


def cited_docs(handoff: Handoff, messages: list[Message]) -> list[dict[str, Any]]:
    """The help-centre articles the bot cited, titled from the citations stored with its replies."""
    found: dict[str, dict[str, Any]] = {}
    for message in messages:
        for citation in message.citations or []:
            doc_id = citation.get("doc_id")
            if doc_id in handoff.cited_doc_ids and doc_id not in found:
                found[doc_id] = {
                    "doc_id": doc_id,
                    "title": citation.get("title"),
                    "url": citation.get("url"),
                }
    # An article cited in the package but not in a stored reply is still listed, without a title.
    return [found.get(d, {"doc_id": d, "title": None, "url": None}) for d in handoff.cited_doc_ids]


def handoff_package(handoff: Handoff, messages: list[Message], *, now: float) -> dict[str, Any]:
    """The handoff as the agent reads it: why it escalated, and the conversation up to now.

    ``transcript`` is the conversation as the bot saw it at the handoff; ``messages`` is every
    stored message, including what was said since (the human stretch).
    """
    return {
        **queue_item(handoff, now=now),
        "rationale": handoff.rationale,
        "transcript": list(handoff.transcript),
        "sentiment_series": list(handoff.sentiment_series),
        "decisions": list(handoff.decisions),
        "cited_doc_ids": list(handoff.cited_doc_ids),
        "cited_docs": cited_docs(handoff, messages),
        "messages": [message_view(m) for m in messages],
        "claimed_at": handoff.claimed_at,
        "wait_seconds": handoff.wait_seconds,
        "returned_at": handoff.returned_at,
        "closed_at": handoff.closed_at,
        "warranted": handoff.warranted,
        "resolved": handoff.resolved,
        "labelled_by": handoff.labelled_by,
        "priority_log": list(handoff.priority_log),
    }


def policy_thresholds(config: PolicyConfig) -> dict[str, float]:
    """The lines the console draws on the sentiment chart: where the policy's rules fire."""
    rules = config
    lines: dict[str, float] = {}
    for name, rule in (
        ("critical_frustration", rules.rule("critical_frustration")),
        ("frustration", rules.rule("frustration")),
        ("elevated_frustration", rules.rule("elevated_frustration")),
    ):
        if rule.enabled:
            lines[name] = rule.threshold
    if rules.rule("sustained_negative").enabled:
        lines["negative_score"] = rules.rule("sustained_negative").score_at_most
    return lines
