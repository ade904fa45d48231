"""Handoff records: opening a ticket, the waiting queue, claims, labels, returns and closes.

Status moves: waiting → claimed → returned | closed, and waiting → returned | closed (a supervisor
may send a queued conversation back to the bot or close it). Each status move is a conditional
UPDATE on the expected status, so of two racing agents exactly one succeeds.
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agent.handoff import HandoffPackage
from agent.ownership import Owner
from agent.policy.decision import SEVERITY_ORDER, Severity, severity_rank
from server.records.agents import get_agent
from server.records.errors import HandoffAlreadyWaiting, HandoffNotFound, HandoffNotWaiting
from server.records.models import Conversation, Handoff
from server.records.ownership import change_owner, get_conversation, now_or_clock

# Which status a handoff may move from, for each target status.
_FROM: dict[str, tuple[str, ...]] = {
    "claimed": ("waiting",),
    "returned": ("waiting", "claimed"),
    "closed": ("waiting", "claimed"),
}


def _check_severity(severity: str) -> Severity:
    if severity not in SEVERITY_ORDER:
        raise ValueError(f"severity must be one of {', '.join(SEVERITY_ORDER)}, not {severity!r}")
    return severity  # type: ignore[return-value]


def get_handoff(*, session: Session, handoff_id: str) -> Handoff:
    handoff = session.get(Handoff, handoff_id, populate_existing=True)
    if handoff is None:
        raise HandoffNotFound(f"with id {handoff_id!r}")
    return handoff


def waiting_handoff_for(*, session: Session, conversation_id: str) -> Handoff | None:
    return session.exec(
        select(Handoff).where(
            Handoff.conversation_id == conversation_id, Handoff.status == "waiting"
        )
    ).first()


def open_handoff(
    *, session: Session, package: HandoffPackage, actor: str = "bot", now: float | None = None
) -> Handoff:
    """Write the handoff and move the conversation bot → queued, in one transaction; commits.

    Raises ``HandoffAlreadyWaiting`` when the conversation is already queued with a ticket, and
    ``OwnershipError`` when the conversation is not the bot's to hand over.
    """
    severity = _check_severity(package.severity)
    at = now_or_clock(now)
    created_at = package.created_at or at
    if get_conversation(session=session, conversation_id=package.conversation_id).owner == (
        Owner.QUEUED.value
    ) and waiting_handoff_for(session=session, conversation_id=package.conversation_id):
        raise HandoffAlreadyWaiting(package.conversation_id)
    change_owner(
        session=session,
        conversation_id=package.conversation_id,
        to=Owner.QUEUED,
        actor=actor,
        reason=f"handoff ({package.rule}, {severity}): {package.rationale}",
        now=at,
        commit=False,
    )
    handoff = Handoff(
        conversation_id=package.conversation_id,
        severity=severity,
        severity_rank=severity_rank(severity),
        rule=package.rule,
        risk=package.risk,
        rationale=package.rationale,
        summary=package.summary,
        transcript=list(package.transcript),
        sentiment_series=list(package.sentiment_series),
        decisions=list(package.decisions),
        cited_doc_ids=list(package.cited_doc_ids),
        created_at=created_at,
    )
    session.add(handoff)
    session.exec(
        update(Conversation)
        .where(col(Conversation.id) == package.conversation_id)
        .values(escalated=True)
        .execution_options(synchronize_session=False)
    )
    try:
        session.commit()
    except IntegrityError as exc:  # the one-waiting-ticket index: a concurrent trigger won
        session.rollback()
        raise HandoffAlreadyWaiting(package.conversation_id) from exc
    session.refresh(handoff)
    return handoff


def raise_handoff_priority(
    *,
    session: Session,
    conversation_id: str,
    severity: Severity,
    reason: str,
    now: float | None = None,
) -> Handoff:
    """Count a new trigger on the waiting handoff, raise (never lower) its severity; commits."""
    severity = _check_severity(severity)
    rank = severity_rank(severity)
    at = now_or_clock(now)
    waiting = (col(Handoff.conversation_id) == conversation_id, col(Handoff.status) == "waiting")
    # The counter UPDATE comes first: it locks the row, so the severity compared below is current.
    counted = session.exec(
        update(Handoff)
        .where(*waiting)
        .values(priority_raises=Handoff.priority_raises + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        session.rollback()
        raise HandoffNotFound(f"waiting for conversation {conversation_id!r}")
    handoff = session.exec(select(Handoff).where(*waiting)).one()
    session.refresh(handoff)
    if rank > handoff.severity_rank:
        handoff.severity = severity
        handoff.severity_rank = rank
    handoff.priority_log = [
        *handoff.priority_log,
        {"at": at, "severity": severity, "applied": handoff.severity, "reason": reason},
    ]
    session.add(handoff)
    session.commit()
    session.refresh(handoff)
    return handoff


def waiting_handoffs(*, session: Session, limit: int | None = None) -> list[Handoff]:
    """The queue: waiting handoffs, most severe first, then the longest waiting."""
    statement = (
        select(Handoff)
        .where(Handoff.status == "waiting")
        .order_by(col(Handoff.severity_rank).desc(), col(Handoff.created_at), col(Handoff.id))
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.exec(statement).all())


def desk_handoffs(*, session: Session, claimed_by: str | None = None) -> list[Handoff]:
    """What a console lists: the waiting queue in order, then the claimed handoffs (all of them,
    or only those claimed by ``claimed_by``), most severe and longest held first."""
    claimed = select(Handoff).where(Handoff.status == "claimed")
    if claimed_by is not None:
        claimed = claimed.where(Handoff.claimed_by == claimed_by)
    rows = session.exec(
        claimed.order_by(col(Handoff.severity_rank).desc(), col(Handoff.created_at))
    ).all()
    return [*waiting_handoffs(session=session), *rows]


def queue_position(*, session: Session, handoff: Handoff) -> int:
    """1-based place of a waiting handoff in the queue (1 = next to be picked up)."""
    ahead = session.exec(
        select(func.count())
        .select_from(Handoff)
        .where(
            Handoff.status == "waiting",
            col(Handoff.id) != handoff.id,
            or_(
                col(Handoff.severity_rank) > handoff.severity_rank,
                (col(Handoff.severity_rank) == handoff.severity_rank)
                & (
                    (col(Handoff.created_at) < handoff.created_at)
                    | (
                        (col(Handoff.created_at) == handoff.created_at)
                        & (col(Handoff.id) < handoff.id)
                    )
                ),
            ),
        )
    ).one()
    return int(ahead) + 1


def median_claim_wait(
    *, session: Session, now: float, window_s: float = 86_400.0, sample: int = 50
) -> float | None:
    """Median created → claimed wait of the latest claims in the window, None without any."""
    waits = session.exec(
        select(Handoff.wait_seconds)
        .where(col(Handoff.claimed_at) >= now - window_s, col(Handoff.wait_seconds).is_not(None))
        .order_by(col(Handoff.claimed_at).desc())
        .limit(sample)
    ).all()
    values = [float(w) for w in waits if w is not None]
    return statistics.median(values) if values else None


def _move(
    session: Session, handoff_id: str, to: str, values: dict[str, Any]
) -> tuple[Handoff, str]:
    """Apply a status move if the handoff is still in an allowed status; returns (handoff, from)."""
    before = get_handoff(session=session, handoff_id=handoff_id)
    allowed = _FROM[to]
    if before.status not in allowed:
        raise HandoffNotWaiting(handoff_id, before.status)
    moved = session.exec(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.status) == before.status)
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # another agent moved it between our read and our write
        session.rollback()
        raise HandoffNotWaiting(
            handoff_id, get_handoff(session=session, handoff_id=handoff_id).status
        )
    return before, before.status


def _move_owner(session: Session, **kwargs: Any) -> None:
    """The conversation's side of a status move; undoes the status move too if it is refused."""
    try:
        change_owner(session=session, commit=False, **kwargs)
    except Exception:
        session.rollback()
        raise


def claim_handoff(
    *, session: Session, handoff_id: str, agent_id: str, now: float | None = None
) -> Handoff:
    """Give a waiting handoff to an agent; of two concurrent claims exactly one wins; commits.

    The loser gets ``HandoffNotWaiting``. The conversation moves queued → human in the same
    transaction.
    """
    at = now_or_clock(now)
    get_agent(session=session, agent_id=agent_id)
    handoff = get_handoff(session=session, handoff_id=handoff_id)
    _move(
        session,
        handoff_id,
        "claimed",
        {
            "claimed_at": at,
            "claimed_by": agent_id,
            "wait_seconds": max(0.0, at - handoff.created_at),
        },
    )
    _move_owner(
        session,
        conversation_id=handoff.conversation_id,
        to=Owner.HUMAN,
        actor=f"agent:{agent_id}",
        reason=f"claimed handoff {handoff_id}",
        now=at,
    )
    session.commit()
    return get_handoff(session=session, handoff_id=handoff_id)


def _end_stretch(
    session: Session,
    *,
    handoff_id: str,
    agent_id: str,
    status: str,
    stamp: str,
    owner: Owner,
    reason: str,
    now: float | None,
) -> Handoff:
    """Move a claimed handoff to ``status`` and its conversation to ``owner``, in one commit."""
    at = now_or_clock(now)
    get_agent(session=session, agent_id=agent_id)
    handoff, _ = _move(session, handoff_id, status, {stamp: at})
    _move_owner(
        session,
        conversation_id=handoff.conversation_id,
        to=owner,
        actor=f"agent:{agent_id}",
        reason=reason,
        now=at,
    )
    session.commit()
    return get_handoff(session=session, handoff_id=handoff_id)


def return_handoff(
    *, session: Session, handoff_id: str, agent_id: str, reason: str, now: float | None = None
) -> Handoff:
    """Hand the conversation back to the bot; commits."""
    return _end_stretch(
        session,
        handoff_id=handoff_id,
        agent_id=agent_id,
        status="returned",
        stamp="returned_at",
        owner=Owner.BOT,
        reason=reason or f"returned handoff {handoff_id} to the bot",
        now=now,
    )


def close_handoff(
    *, session: Session, handoff_id: str, agent_id: str, reason: str, now: float | None = None
) -> Handoff:
    """Close the handoff and its conversation; commits."""
    return _end_stretch(
        session,
        handoff_id=handoff_id,
        agent_id=agent_id,
        status="closed",
        stamp="closed_at",
        owner=Owner.CLOSED,
        reason=reason or f"closed handoff {handoff_id}",
        now=now,
    )


def label_handoff(
    *,
    session: Session,
    handoff_id: str,
    agent_id: str,
    warranted: bool | None = None,
    resolved: bool | None = None,
    now: float | None = None,
) -> Handoff:
    """Set the agent's outcome labels (a label left as None keeps its stored value); commits."""
    if warranted is None and resolved is None:
        raise ValueError("give at least one label: warranted or resolved")
    get_agent(session=session, agent_id=agent_id)
    handoff = get_handoff(session=session, handoff_id=handoff_id)
    if handoff.status == "waiting":
        raise ValueError(f"handoff {handoff_id!r} is still waiting: claim it before labelling")
    if warranted is not None:
        handoff.warranted = warranted
    if resolved is not None:
        handoff.resolved = resolved
    handoff.labelled_by = agent_id
    handoff.labelled_at = now_or_clock(now)
    session.add(handoff)
    session.commit()
    session.refresh(handoff)
    return handoff


def raise_long_waits(*, session: Session, now: float, after_s: float) -> list[Handoff]:
    """Raise each handoff waiting past ``after_s`` one severity step per interval waited; commits.

    Every process of a scaled-out server may sweep at once: the step is taken by a conditional
    UPDATE on the count of steps already added, so each interval raises a handoff exactly once.
    Returns the handoffs raised now.
    """
    if after_s <= 0:
        return []
    top = len(SEVERITY_ORDER) - 1
    due = session.exec(
        select(Handoff).where(
            Handoff.status == "waiting",
            col(Handoff.created_at) <= now - after_s,
            col(Handoff.severity_rank) < top,
        )
    ).all()
    raised: list[Handoff] = []
    for handoff in due:
        steps = int((now - handoff.created_at) // after_s)
        if handoff.wait_raises >= steps:
            continue
        taken = session.exec(
            update(Handoff)
            .where(
                col(Handoff.id) == handoff.id,
                col(Handoff.status) == "waiting",
                col(Handoff.wait_raises) == handoff.wait_raises,
            )
            .values(wait_raises=handoff.wait_raises + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # claimed, or raised by another process, since the read
            session.rollback()
            continue
        session.refresh(handoff)
        rank = min(top, handoff.severity_rank + 1)
        handoff.severity_rank = rank
        handoff.severity = SEVERITY_ORDER[rank]
        waited_min = (now - handoff.created_at) / 60.0
        handoff.priority_log = [
            *handoff.priority_log,
            {
                "at": now,
                "severity": handoff.severity,
                "applied": handoff.severity,
                "reason": f"waited {waited_min:.0f} min for an agent "
                f"(rises every {after_s / 60.0:g} min)",
            },
        ]
        session.add(handoff)
        session.commit()
        session.refresh(handoff)
        raised.append(handoff)
    return raised
