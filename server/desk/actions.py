"""What agents do to a handoff through ``/api``: claim, reply, hand back, close and label.

The records move first (one conditional UPDATE: of two racing agents one wins); then the desk feed
tells every console and the conversation's sockets hear of it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field
from sqlmodel import Session
from starlette.requests import HTTPConnection

from server.channel.frames import closed_frame, message_frame
from server.deps import CurrentAgent, RuntimeDep
from server.desk.feed import DeskFeed
from server.desk.http import in_session, load_handoff, owned, refuse, translate
from server.desk.views import message_view, queue_item
from server.records.handoff_moves import claim_handoff, close_handoff, return_handoff
from server.records.handoffs import label_handoff
from server.records.locks import conversation_lock
from server.records.messages import append_message
from server.runtime import Runtime
from server.turns.hub import ConversationHub
from server.turns.runner import TurnRunner

log = logging.getLogger(__name__)

MAX_AGENT_MESSAGE_CHARS = 8000

router = APIRouter(prefix="/api", tags=["agent desk"])


class AgentMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_AGENT_MESSAGE_CHARS)
    # A retry with the same id is stored once (the customer channel's rule, for agents too).
    id: str | None = Field(default=None, min_length=1, max_length=128)


class ReturnIn(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


class CloseIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


class LabelIn(BaseModel):
    warranted: bool | None = None
    resolved: bool | None = None


def _hub(connection: HTTPConnection) -> ConversationHub:
    return connection.app.state.channel.hub  # type: ignore[no-any-return]


def _turns(connection: HTTPConnection) -> TurnRunner:
    return connection.app.state.channel.turns  # type: ignore[no-any-return]


def _feed(connection: HTTPConnection) -> DeskFeed:
    return connection.app.state.desk.feed  # type: ignore[no-any-return]


@router.post("/handoffs/{handoff_id}/claim")
async def claim(
    handoff_id: str, agent: CurrentAgent, runtime: RuntimeDep, connection: HTTPConnection
) -> dict[str, Any]:
    """Exactly one of concurrent claims wins; the others get 409."""

    def write(session: Session) -> dict[str, Any]:
        load_handoff(session, handoff_id)
        handoff = claim_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            now=runtime.conversations.clock(),
        )
        return queue_item(handoff, now=runtime.conversations.clock())

    claimed = await in_session(runtime, translate(write))
    _feed(connection).announce_item("claimed", claimed)
    conversation_id = claimed["conversation_id"]
    hub = _hub(connection)
    await _sync_bot(
        _turns(connection),
        runtime,
        conversation_id,
        lambda: runtime.bot.set_owner(conversation_id, "human"),
    )
    hub.publish(conversation_id, {"type": "agent_joined", "agent": {"name": agent.name}})
    return claimed


@router.post("/handoffs/{handoff_id}/messages", status_code=status.HTTP_201_CREATED)
async def send_message(
    handoff_id: str,
    body: AgentMessageIn,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    connection: HTTPConnection,
) -> dict[str, Any]:
    """Store the agent's message and deliver it to the customer's sockets with its seq."""
    text = body.text.strip()
    if not text:
        raise refuse(422, "The message is empty.")

    def write(session: Session) -> tuple[str, dict[str, Any], dict[str, Any]]:
        handoff = load_handoff(session, handoff_id)
        owned(handoff, agent, supervisor_may=False)
        if handoff.status != "claimed":
            raise refuse(status.HTTP_409_CONFLICT, f"This handoff is already {handoff.status}.")
        message = append_message(
            session=session,
            conversation_id=handoff.conversation_id,
            role="agent",
            text=text,
            client_message_id=body.id,
            author_agent_id=agent.id,
            now=runtime.conversations.clock(),
        )
        return handoff.conversation_id, message_frame(message), message_view(message)

    conversation_id, frame, view = await in_session(runtime, translate(write))
    _hub(connection).publish(conversation_id, frame)
    return view


@router.post("/handoffs/{handoff_id}/return")
async def hand_back(
    handoff_id: str,
    body: ReturnIn,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    connection: HTTPConnection,
) -> dict[str, Any]:
    """Give the conversation back to the bot, which resumes knowing the note."""
    note = body.note.strip()
    if not note:
        raise refuse(422, "Say what the human stretch settled.")

    def write(session: Session) -> dict[str, Any]:
        owned(load_handoff(session, handoff_id), agent, supervisor_may=True)
        handoff = return_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            reason=f"handed back: {note}",
            now=runtime.conversations.clock(),
        )
        return queue_item(handoff, now=runtime.conversations.clock())

    returned = await in_session(runtime, translate(write))
    _feed(connection).announce_item("returned", returned)
    conversation_id = returned["conversation_id"]
    hub = _hub(connection)
    await _sync_bot(
        _turns(connection),
        runtime,
        conversation_id,
        lambda: runtime.bot.hand_back(conversation_id, note),
    )
    hub.publish(conversation_id, {"type": "returned_to_bot"})
    return returned


@router.post("/handoffs/{handoff_id}/close")
async def close(
    handoff_id: str,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    connection: HTTPConnection,
    body: CloseIn | None = None,
) -> dict[str, Any]:
    reason = body.reason.strip() if body else ""

    def write(session: Session) -> dict[str, Any]:
        owned(load_handoff(session, handoff_id), agent, supervisor_may=True)
        handoff = close_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            reason=reason,
            now=runtime.conversations.clock(),
        )
        return queue_item(handoff, now=runtime.conversations.clock())

    closed = await in_session(runtime, translate(write))
    _feed(connection).announce_item("closed", closed)
    conversation_id = closed["conversation_id"]
    hub = _hub(connection)
    await _sync_bot(
        _turns(connection),
        runtime,
        conversation_id,
        lambda: runtime.bot.set_owner(conversation_id, "closed"),
    )
    hub.publish(
        conversation_id, closed_frame(reason or "The support agent closed the conversation.")
    )
    return closed


@router.post("/handoffs/{handoff_id}/label")
async def label(
    handoff_id: str,
    body: LabelIn,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    connection: HTTPConnection,
) -> dict[str, Any]:
    """The agent's outcome labels, kept for calibrating the policy."""
    if body.warranted is None and body.resolved is None:
        raise refuse(422, "Give at least one label: warranted or resolved.")

    def write(session: Session) -> dict[str, Any]:
        handoff = load_handoff(session, handoff_id)
        owned(handoff, agent, supervisor_may=True)
        if handoff.status == "waiting":
            raise refuse(status.HTTP_409_CONFLICT, "Claim this handoff before labelling it.")
        labelled = label_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            warranted=body.warranted,
            resolved=body.resolved,
            now=runtime.conversations.clock(),
        )
        return {
            "id": labelled.id,
            "warranted": labelled.warranted,
            "resolved": labelled.resolved,
            "labelled_by": labelled.labelled_by,
            "labelled_at": labelled.labelled_at,
        }

    labelled = await in_session(runtime, translate(write))
    _feed(connection).announce(handoff_id, "labelled")
    return labelled


async def _sync_bot(
    turns: TurnRunner, runtime: Runtime, conversation_id: str, move: Callable[[], None]
) -> None:
    """Apply the records' ownership move to the bot's graph state.

    Taken under the conversation's turn lock (in this process, and across processes on
    PostgreSQL), so a customer turn running at the same moment cannot write its checkpoint over
    the move. The records already hold the move; a failure here is logged rather than undoing
    what the agent did.
    """

    def locked_move() -> None:
        with conversation_lock(runtime.engine, conversation_id):
            move()

    async with turns.locks.hold(conversation_id):
        try:
            await asyncio.to_thread(locked_move)
        except Exception:
            log.exception("could not move the bot's owner of conversation %s", conversation_id)
