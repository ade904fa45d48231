"""The review log, whole: each flag with what a person did and what followed, and the report that
compares customers who got outreach with similar flagged customers who did not."""

from __future__ import annotations

from collections.abc import Iterator
from statistics import mean
from typing import Any

from sqlmodel import Session, col, select

from server.records.models import Conversation, ConversationQuality, Handoff
from server.records.proactive_models import CustomerEvent, OutreachItem, OutreachLogEntry

CANCELLATION_TYPES = ("cancellation", "downgrade")


def _outcome(session: Session, item: OutreachItem) -> dict[str, Any]:
    """What followed the outreach (or, when none went out, the flag)."""
    since = item.delivered_at or item.shown_at or item.acted_at or item.created_at
    following = session.exec(
        select(Conversation)
        .where(Conversation.customer_id == item.customer_id, col(Conversation.created_at) > since)
        .order_by(col(Conversation.created_at))
        .limit(1)
    ).first()
    next_contact = None
    if following is not None:
        labels = session.exec(
            select(Handoff.resolved).where(
                Handoff.conversation_id == following.id, col(Handoff.resolved).is_not(None)
            )
        ).all()
        arc = (
            None
            if following.entry_score is None or following.latest_score is None
            else round(following.latest_score - following.entry_score, 3)
        )
        quality = session.get(ConversationQuality, following.id)
        next_contact = {
            "conversation_id": following.id,
            "at": following.created_at,
            "arc": arc,
            "resolved": labels[-1] if labels else None,
            "rating": quality.rating if quality else None,
            "predicted_satisfaction": quality.predicted if quality else None,
            "proactive": following.id == item.shown_conversation_id,
        }
    cancelled = session.exec(
        select(CustomerEvent)
        .where(
            CustomerEvent.customer_id == item.customer_id,
            col(CustomerEvent.type).in_(CANCELLATION_TYPES),
            col(CustomerEvent.at) > item.created_at,
        )
        .order_by(col(CustomerEvent.at))
    ).first()
    return {
        "next_contact": next_contact,
        "cancelled": cancelled is not None,
        "cancelled_at": cancelled.at if cancelled else None,
    }


def review_rows(session: Session) -> Iterator[dict[str, Any]]:
    """One row per flag, oldest first: flag, evidence, draft, action, delivery, log, outcome."""
    items = session.exec(select(OutreachItem).order_by(col(OutreachItem.created_at))).all()
    for item in items:
        entries = session.exec(
            select(OutreachLogEntry)
            .where(OutreachLogEntry.item_id == item.id)
            .order_by(col(OutreachLogEntry.id))
        ).all()
        yield {
            "item_id": item.id,
            "customer_id": item.customer_id,
            "flagged_at": item.created_at,
            "rule": item.rule,
            "tier": item.tier,
            "severity": item.severity,
            "risk": item.risk,
            "rationale": item.rationale,
            "evidence": item.evidence,
            "draft": {"subject": item.draft_subject, "body": item.draft_body},
            "action": {
                "status": item.status,
                "by": item.acted_by,
                "at": item.acted_at,
                "reason": item.reason,
                "edited": item.edited,
                "sent": (
                    {"subject": item.sent_subject, "body": item.sent_body}
                    if item.sent_body is not None
                    else None
                ),
                "snoozed_until": item.snoozed_until,
            },
            "delivery": {
                "status": item.delivery_status,
                "attempts": item.delivery_attempts,
                "delivered_at": item.delivered_at,
                "error": item.delivery_error,
                "shown_in_conversation": item.shown_conversation_id,
            },
            "log": [
                {"kind": e.kind, "actor": e.actor, "at": e.at, "detail": e.detail} for e in entries
            ],
            "outcome": _outcome(session, item),
        }


def _group(rows: list[dict[str, Any]]) -> dict[str, Any]:
    customers = {r["customer_id"] for r in rows}
    contacts = [r["outcome"]["next_contact"] for r in rows if r["outcome"]["next_contact"]]
    arcs = [c["arc"] for c in contacts if c["arc"] is not None]
    labelled = [c["resolved"] for c in contacts if c["resolved"] is not None]
    cancelled = {r["customer_id"] for r in rows if r["outcome"]["cancelled"]}
    return {
        "customers": len(customers),
        "came_back": len(contacts),
        "next_contact_mean_arc": round(mean(arcs), 3) if arcs else None,
        "next_contact_resolved_share": (
            round(sum(labelled) / len(labelled), 3) if labelled else None
        ),
        "cancelled": len(cancelled),
        "cancellation_rate": round(len(cancelled) / len(customers), 3) if customers else None,
    }


def outreach_report(session: Session) -> dict[str, Any]:
    """Customers who got outreach (sent) against similar ones, flagged by the same rules, who did
    not (dismissed, or still waiting for a person); overall and per rule."""
    rows = list(review_rows(session))
    reached = [r for r in rows if r["action"]["status"] == "sent"]
    not_reached = [r for r in rows if r["action"]["status"] in ("dismissed", "open", "snoozed")]
    rules = sorted({r["rule"] for r in rows})
    return {
        "flags": len(rows),
        "got_outreach": _group(reached),
        "no_outreach": _group(not_reached),
        "by_rule": {
            rule: {
                "got_outreach": _group([r for r in reached if r["rule"] == rule]),
                "no_outreach": _group([r for r in not_reached if r["rule"] == rule]),
            }
            for rule in rules
        },
        "note": "Flagged customers are compared with flagged customers: the groups differ by "
        "what a person chose, not at random, so read the gap as a hint, not a measured effect.",
    }
