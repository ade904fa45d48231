"""A conversation that ends: measured, then every socket hears it closed and is asked for a rating.

Three ways in: an agent closes it (the desk has already moved the records), the customer ends it
from the widget (with the bot, or waiting in the queue: they leave it), or it sits idle past
``TIDELINE_IDLE_CLOSE_MINUTES`` (``idle.py``; a queued one whose customer has gone too). Each goes
through :func:`conversation_ended`, so all three are measured and asked alike.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlmodel import Session

from agent.ownership import Owner, OwnershipError
from server.channel.frames import closed_frame
from server.quality.meter import EndedBy, QualityMeter
from server.records.conversations import get_conversation
from server.records.handoff_moves import leave_queue
from server.records.ownership import change_owner
from server.turns.hub import ConversationHub

log = logging.getLogger(__name__)

RATING_QUESTION = "How was this conversation?"


def rating_request_frame(conversation_id: str) -> dict[str, Any]:
    """Asks the customer for a one-tap 1-5 rating (answered with a ``rating`` client frame)."""
    return {
        "type": "rating_request",
        "conversation_id": conversation_id,
        "question": RATING_QUESTION,
        "scale": [1, 5],
    }


async def conversation_ended(
    meter: QualityMeter,
    hub: ConversationHub,
    conversation_id: str,
    ended_by: EndedBy,
    *,
    reason: str | None = None,
) -> None:
    """Measure the conversation that just ended; its sockets hear ``closed`` (unless the caller
    already told them, ``reason=None``) and then the rating request."""
    try:
        await asyncio.to_thread(meter.measure, conversation_id, ended_by)
    except Exception:
        # The close stands; a missing measure is taken again when the customer rates.
        log.exception("could not measure the quality of conversation %s", conversation_id)
    if reason is not None:
        hub.publish(conversation_id, closed_frame(reason))
    hub.publish(conversation_id, rating_request_frame(conversation_id))


def close_conversation(
    meter: QualityMeter,
    conversation_id: str,
    *,
    actor: str,
    reason: str,
    idle_before: float | None = None,
) -> bool:
    """Close a conversation the bot owns (and, for an idle close, still idle); False when it is
    not the bot's any more or was written to meanwhile, or another process closed it first."""
    with Session(meter.engine) as session:
        conversation = get_conversation(session=session, conversation_id=conversation_id)
        if conversation.owner != Owner.BOT.value:
            return False
        if idle_before is not None and conversation.updated_at >= idle_before:
            return False
        try:
            change_owner(
                session=session,
                conversation_id=conversation_id,
                to=Owner.CLOSED,
                actor=actor,
                reason=reason,
                now=meter.clock(),
            )
        except OwnershipError:
            return False
        return True


def close_queued(
    meter: QualityMeter,
    conversation_id: str,
    *,
    actor: str,
    reason: str,
    idle_before: float | None = None,
) -> str | None:
    """Close a queued conversation and its waiting handoff (the customer left the queue); the
    handoff's id, or None when it is no longer waiting (claimed meanwhile, or written to since
    ``idle_before``)."""
    with Session(meter.engine) as session:
        handoff = leave_queue(
            session=session,
            conversation_id=conversation_id,
            actor=actor,
            reason=reason,
            now=meter.clock(),
            idle_before=idle_before,
        )
        return handoff.id if handoff is not None else None
