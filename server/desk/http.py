"""How the desk API answers: records work off the event loop, and refusals as plain HTTP codes.

Permission checks (may this agent read or act on this handoff) and the records' refusals
(already claimed, disabled account, impossible ownership move) become 401 / 403 / 404 / 409 here,
in one place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from fastapi import HTTPException, status
from sqlmodel import Session

from agent.ownership import OwnershipError
from server.desk.auth import DeskAgent
from server.records.errors import (
    AgentNotFound,
    ConversationClosed,
    HandoffNotFound,
    HandoffNotWaiting,
)
from server.records.handoffs import get_handoff
from server.records.models import Handoff
from server.runtime import Runtime

T = TypeVar("T")


async def in_session(runtime: Runtime, work: Callable[[Session], T]) -> T:
    """Run blocking records work off the event loop, in a session of its own."""

    def run() -> T:
        with Session(runtime.engine) as session:
            return work(session)

    return await asyncio.to_thread(run)


def refuse(code: int, message: str) -> HTTPException:
    return HTTPException(status_code=code, detail=message)


def readable(handoff: Handoff, agent: DeskAgent) -> None:
    if agent.can_read(handoff):
        return
    raise refuse(status.HTTP_403_FORBIDDEN, "This handoff belongs to another agent.")


def owned(handoff: Handoff, agent: DeskAgent, *, supervisor_may: bool) -> None:
    """Only the claiming agent acts on a claimed handoff (and a supervisor, where allowed)."""
    if handoff.claimed_by == agent.id or (supervisor_may and agent.is_supervisor):
        return
    if handoff.status == "waiting":
        raise refuse(status.HTTP_409_CONFLICT, "This handoff is still waiting: claim it first.")
    raise refuse(status.HTTP_403_FORBIDDEN, "This handoff belongs to another agent.")


def load_handoff(session: Session, handoff_id: str) -> Handoff:
    try:
        return get_handoff(session=session, handoff_id=handoff_id)
    except HandoffNotFound:
        raise refuse(status.HTTP_404_NOT_FOUND, "No such handoff.") from None


def _conflict(exc: HandoffNotWaiting) -> HTTPException:
    if exc.status == "claimed":
        return refuse(status.HTTP_409_CONFLICT, "Another agent already claimed this handoff.")
    return refuse(status.HTTP_409_CONFLICT, f"This handoff is already {exc.status}.")


def translate(work: Callable[[Session], T]) -> Callable[[Session], T]:
    """Turn the records' refusals into plain HTTP answers."""

    def run(session: Session) -> T:
        try:
            return work(session)
        except HandoffNotWaiting as exc:
            raise _conflict(exc) from None
        except AgentNotFound:
            raise refuse(status.HTTP_401_UNAUTHORIZED, "This agent account is disabled.") from None
        except (OwnershipError, ConversationClosed) as exc:
            raise refuse(status.HTTP_409_CONFLICT, str(exc)) from None

    return run
