"""The waiting queue's order: what a console lists, a ticket's place, and waits that rise."""

from __future__ import annotations

import statistics

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from agent.policy.decision import SEVERITY_ORDER
from server.records.models import Handoff


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
