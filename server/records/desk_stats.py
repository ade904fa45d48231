"""The supervisor's view of the desk: escalation rate against the healthy band, escalations by
rule, waiting times, how customers left compared with how they arrived, and the help-centre
articles most often involved in conversations that went badly."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from sqlmodel import Session, col, select

from server.records.models import Conversation, Handoff, Message

# docs/policy.md: healthy operation hands roughly 5-15 % of conversations to a person.
HEALTHY_BAND = (0.05, 0.15)
# An arc moves when the latest score differs from the first by more than this.
ARC_STEP = 0.1


def _arc(conversations: list[Conversation]) -> dict[str, Any]:
    measured = [
        c
        for c in conversations
        if c.turns >= 2 and c.entry_score is not None and c.latest_score is not None
    ]
    moves = [c.latest_score - c.entry_score for c in measured]  # type: ignore[operator]
    return {
        "measured": len(measured),
        "single_message": sum(1 for c in conversations if c.turns == 1),
        "improved": sum(1 for m in moves if m > ARC_STEP),
        "unchanged": sum(1 for m in moves if -ARC_STEP <= m <= ARC_STEP),
        "worse": sum(1 for m in moves if m < -ARC_STEP),
        "mean_entry": _mean([c.entry_score for c in measured]),
        "mean_exit": _mean([c.latest_score for c in measured]),
    }


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.fmean(present), 3) if present else None


def _went_badly(conversation: Conversation, unresolved: set[str]) -> bool:
    """Escalated, left worse than it began, or labelled unresolved by the agent."""
    worse = (
        conversation.turns >= 2
        and conversation.entry_score is not None
        and conversation.latest_score is not None
        and conversation.latest_score - conversation.entry_score < -ARC_STEP
    )
    return conversation.escalated or worse or conversation.id in unresolved


def _articles(
    session: Session, conversations: list[Conversation], bad: set[str], top: int
) -> list[dict[str, Any]]:
    ids = [c.id for c in conversations]
    cited: dict[str, set[str]] = {}
    titles: dict[str, str | None] = {}
    for chunk_start in range(0, len(ids), 500):
        replies = session.exec(
            select(Message.conversation_id, Message.citations).where(
                col(Message.conversation_id).in_(ids[chunk_start : chunk_start + 500]),
                Message.role == "bot",
            )
        ).all()
        for conversation_id, citations in replies:
            for citation in citations or []:
                doc_id = citation.get("doc_id")
                if doc_id:
                    cited.setdefault(doc_id, set()).add(conversation_id)
                    titles.setdefault(doc_id, citation.get("title"))
    involved = [(len(where & bad), len(where), doc_id) for doc_id, where in cited.items()]
    involved = sorted((i for i in involved if i[0]), key=lambda i: (-i[0], -i[0] / i[1], i[2]))
    return [
        {
            "doc_id": doc_id,
            "title": titles.get(doc_id),
            "bad_conversations": bad_count,
            "conversations": count,
            "bad_share": round(bad_count / count, 3),
        }
        for bad_count, count, doc_id in involved[:top]
    ]


def desk_stats(
    *, session: Session, now: float, days: float = 7.0, top_articles: int = 10
) -> dict[str, Any]:
    """Figures over the conversations started in the last ``days`` (and their handoffs)."""
    since = now - days * 86_400.0
    conversations = list(
        session.exec(
            select(Conversation).where(
                col(Conversation.created_at) >= since, col(Conversation.turns) >= 1
            )
        ).all()
    )
    handoffs = list(session.exec(select(Handoff).where(col(Handoff.created_at) >= since)).all())
    escalated = sum(1 for c in conversations if c.escalated)
    rate = escalated / len(conversations) if conversations else None
    unresolved = {h.conversation_id for h in handoffs if h.resolved is False}
    bad = {c.id for c in conversations if _went_badly(c, unresolved)}
    waits = [h.wait_seconds for h in handoffs if h.wait_seconds is not None]
    waiting_now = [now - h.created_at for h in handoffs if h.status == "waiting"]
    labelled = [h for h in handoffs if h.warranted is not None]
    return {
        "window_days": days,
        "since": since,
        "conversations": len(conversations),
        "escalated": escalated,
        "escalation_rate": round(rate, 4) if rate is not None else None,
        "healthy_band": list(HEALTHY_BAND),
        "in_band": rate is not None and HEALTHY_BAND[0] <= rate <= HEALTHY_BAND[1],
        "escalations_by_rule": dict(Counter(h.rule for h in handoffs).most_common()),
        "median_wait_s": round(statistics.median(waits), 1) if waits else None,
        "claimed": len(waits),
        "waiting_now": len(waiting_now),
        "longest_wait_now_s": round(max(waiting_now), 1) if waiting_now else None,
        "labels": {
            "labelled": len(labelled),
            "warranted": sum(1 for h in labelled if h.warranted),
            "not_warranted": sum(1 for h in labelled if h.warranted is False),
            "resolved": sum(1 for h in handoffs if h.resolved is True),
            "unresolved": sum(1 for h in handoffs if h.resolved is False),
        },
        "arc": _arc(conversations),
        "went_badly": len(bad),
        "articles_in_bad_conversations": _articles(session, conversations, bad, top_articles),
    }
