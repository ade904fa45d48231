"""Who owns a conversation in the records, and moving it between owners with an audit row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from agent.ownership import Owner, OwnershipError, transition
from server.records.clock import now_or_clock
from server.records.conversations import get_conversation
from server.records.models import Conversation, OwnershipChange


def _check_actor(actor: str) -> None:
    if actor in ("bot", "system", "customer"):
        return
    if actor.startswith("agent:") and len(actor) > len("agent:"):
        return
    raise ValueError(f"actor must be 'bot', 'system', 'customer' or 'agent:<id>', not {actor!r}")


def change_owner(
    *,
    session: Session,
    conversation_id: str,
    to: Owner | str,
    actor: str,
    reason: str,
    now: float | None = None,
    commit: bool = True,
) -> OwnershipChange:
    """Move the conversation to a new owner and record who did it and why.

    An impossible move (see ``agent.ownership``) raises ``OwnershipError`` and changes nothing.
    The UPDATE only applies if the owner is still the one we checked, so two racing moves cannot
    both pass the check. With ``commit=False`` the caller commits (or rolls back) the move together
    with its own writes.
    """
    _check_actor(actor)
    at = now_or_clock(now)
    for _ in range(5):
        current = get_conversation(session=session, conversation_id=conversation_id).owner
        target = transition(current, to)
        values: dict[str, Any] = {"owner": target.value, "updated_at": at}
        if target is Owner.CLOSED:
            values["closed_at"] = at
        statement = (
            update(Conversation)
            .where(col(Conversation.id) == conversation_id, col(Conversation.owner) == current)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if session.exec(statement).rowcount == 1:
            change = OwnershipChange(
                conversation_id=conversation_id,
                from_owner=current,
                to_owner=target.value,
                actor=actor,
                reason=reason,
                at=at,
            )
            session.add(change)
            if commit:
                session.commit()
                session.refresh(change)
            else:
                session.flush()
            return change
        if not commit:
            # The caller's other writes share this transaction: let the caller roll back.
            raise OwnershipError(f"conversation {conversation_id!r} changed owner meanwhile")
        session.rollback()  # someone moved it first: check the move again against the new owner
    raise OwnershipError(f"conversation {conversation_id!r} keeps changing owner; try again")


def ownership_changes(*, session: Session, conversation_id: str) -> list[OwnershipChange]:
    """The conversation's ownership moves, oldest first."""
    statement = (
        select(OwnershipChange)
        .where(OwnershipChange.conversation_id == conversation_id)
        .order_by(col(OwnershipChange.id))
    )
    return list(session.exec(statement).all())
