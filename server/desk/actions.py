"""What agents do to a handoff through ``/api``: claim, reply, hand back, close and label.

The records move first (one conditional UPDATE: of two racing agents one wins); then the desk feed
tells every console and the conversation's sockets hear of it. The owner lives in the records and
goes into each customer turn from there, so a claim or a close changes nothing in the bot; a hand
back gives the bot the note of what the human stretch settled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field
from sqlmodel import Session

from server.channel.frames import closed_frame, message_frame
from server.deps import ChannelDep, CurrentAgent, DeskDep, RuntimeDep
from server.desk.http import in_session, load_handoff, owned, refuse, translate
from server.desk.json_bodies import CheckedJSONRoute
from server.desk.socket import Desk
from server.desk.views import message_view, queue_item
from server.quality.ending import conversation_ended
from server.quality.meter import QualityDep
from server.records.handoff_moves import claim_handoff, close_handoff, return_handoff
from server.records.handoffs import label_handoff
from server.records.messages import append_message
from server.records.models import Handoff
from server.runtime import Runtime
from server.turns.runner import TurnRunner

log = logging.getLogger(__name__)

MAX_AGENT_MESSAGE_CHARS = 8000

router = APIRouter(prefix="/api", tags=["agent desk"], route_class=CheckedJSONRoute)


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


async def _move(
    runtime: Runtime, desk: Desk, event: str, move: Callable[[Session], Handoff]
) -> dict[str, Any]:
    """Make the records' move, tell every console, and return the handoff as the queue lists it."""

    def write(session: Session) -> dict[str, Any]:
        return queue_item(move(session), now=runtime.conversations.clock())

    item = await in_session(runtime, translate(write))
    desk.feed.announce_item(event, item)
    return item


@router.post("/handoffs/{handoff_id}/claim")
async def claim(
    handoff_id: str, agent: CurrentAgent, runtime: RuntimeDep, desk: DeskDep, channel: ChannelDep
) -> dict[str, Any]:
    """Exactly one of concurrent claims wins; the others get 409."""

    def move(session: Session) -> Handoff:
        load_handoff(session, handoff_id)
        return claim_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            now=runtime.conversations.clock(),
        )

    claimed = await _move(runtime, desk, "claimed", move)
    channel.hub.publish(
        claimed["conversation_id"], {"type": "agent_joined", "agent": {"name": agent.name}}
    )
    return claimed


@router.post("/handoffs/{handoff_id}/messages", status_code=status.HTTP_201_CREATED)
async def send_message(
    handoff_id: str,
    body: AgentMessageIn,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    channel: ChannelDep,
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
        # The customer sees who wrote it (the display name, never the account id).
        frame = {**message_frame(message), "agent_name": agent.name}
        return handoff.conversation_id, frame, message_view(message)

    conversation_id, frame, view = await in_session(runtime, translate(write))
    channel.hub.publish(conversation_id, frame)
    return view


@router.post("/handoffs/{handoff_id}/return")
async def hand_back(
    handoff_id: str,
    body: ReturnIn,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    desk: DeskDep,
    channel: ChannelDep,
) -> dict[str, Any]:
    """Give the conversation back to the bot, which resumes knowing the note."""
    note = body.note.strip()
    if not note:
        raise refuse(422, "Say what the human stretch settled.")

    def move(session: Session) -> Handoff:
        owned(load_handoff(session, handoff_id), agent, supervisor_may=True)
        return return_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            reason=f"handed back: {note}",
            now=runtime.conversations.clock(),
        )

    returned = await _move(runtime, desk, "returned", move)
    conversation_id = returned["conversation_id"]
    await _tell_the_bot(channel.turns, runtime, conversation_id, note)
    channel.hub.publish(conversation_id, {"type": "returned_to_bot"})
    return returned


@router.post("/handoffs/{handoff_id}/close")
async def close(
    handoff_id: str,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    desk: DeskDep,
    channel: ChannelDep,
    quality: QualityDep,
    body: CloseIn | None = None,
) -> dict[str, Any]:
    reason = body.reason.strip() if body else ""

    def move(session: Session) -> Handoff:
        owned(load_handoff(session, handoff_id), agent, supervisor_may=True)
        return close_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            reason=reason,
            now=runtime.conversations.clock(),
        )

    closed = await _move(runtime, desk, "closed", move)
    channel.hub.publish(
        closed["conversation_id"],
        closed_frame(reason or "The support agent closed the conversation."),
    )
    # Measured once it ended; the customer is asked for a rating.
    await conversation_ended(quality, channel.hub, closed["conversation_id"], "agent")
    return closed


@router.post("/handoffs/{handoff_id}/label")
async def label(
    handoff_id: str,
    body: LabelIn,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    desk: DeskDep,
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
    desk.feed.announce(handoff_id, "labelled")
    return labelled


async def _tell_the_bot(
    turns: TurnRunner, runtime: Runtime, conversation_id: str, note: str
) -> None:
    """Give the bot the hand-back note, under the conversation's lock so a customer turn running
    at the same moment cannot write its checkpoint over it. The records already hold the move; a
    failure here is logged rather than undoing what the agent did."""
    async with turns.locks.hold(conversation_id):
        try:
            await asyncio.to_thread(runtime.bot.hand_back, conversation_id, note)
        except Exception:
            log.exception("could not give the bot the hand-back note of %s", conversation_id)
