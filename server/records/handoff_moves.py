"""A handoff's status moves: waiting → claimed → returned | closed, and waiting → returned | closed.

A supervisor may send a queued conversation back to the bot or close it; a customer who leaves
the queue (or goes silent in it) closes it too. Each status move is a
conditional UPDATE on the expected status, so of two racing agents exactly one succeeds, and the
conversation's owner moves in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from agent.ownership import Owner, OwnershipError
from server.records.agents import get_agent
from server.records.clock import now_or_clock
from server.records.conversations import get_conversation
from server.records.errors import HandoffNotWaiting
from server.records.handoffs import get_handoff, waiting_handoff_for
from server.records.models import Handoff
from server.records.ownership import change_owner

# Which status a handoff may move from, for each target status.
_FROM: dict[str, tuple[str, ...]] = {
    "claimed": ("waiting",),
    "returned": ("waiting", "claimed"),
    "closed": ("waiting", "claimed"),
}


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


def leave_queue(
    *,
    session: Session,
    conversation_id: str,
    actor: str,
    reason: str,
    now: float | None = None,
    idle_before: float | None = None,
) -> Handoff | None:
    """The customer leaves the queue: the waiting handoff and its conversation close, in one commit.

    None when nothing waits any more (an agent claimed it first, or it was never queued), or, with
    ``idle_before``, when the conversation was written to since then.
    """
    at = now_or_clock(now)
    waiting = waiting_handoff_for(session=session, conversation_id=conversation_id)
    if waiting is None:
        return None
    if idle_before is not None:
        conversation = get_conversation(session=session, conversation_id=conversation_id)
        if conversation.updated_at >= idle_before:
            return None
    try:
        _move(session, waiting.id, "closed", {"closed_at": at})
        _move_owner(
            session,
            conversation_id=conversation_id,
            to=Owner.CLOSED,
            actor=actor,
            reason=reason,
            now=at,
        )
    except (HandoffNotWaiting, OwnershipError):
        session.rollback()
        return None
    session.commit()
    return get_handoff(session=session, handoff_id=waiting.id)
