"""The customer's side of an ending: the widget's ``end`` and ``rating`` frames on /ws/chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from sqlmodel import Session

from agent.ownership import Owner
from server.channel.frames import ClientEnd, ClientRating, error_frame
from server.quality.ending import (
    close_conversation,
    close_queued,
    conversation_ended,
    rating_request_frame,
)
from server.quality.meter import EndedBy, QualityMeter
from server.records.conversations import get_conversation
from server.records.ownership import ownership_changes
from server.records.quality import NotEnded, rate_conversation
from server.turns.hub import ConversationHub, HandoffListener

ENDED_BY_CUSTOMER = "You ended the conversation."
LEFT_THE_QUEUE = "You left the queue and ended the conversation."
LEFT_QUEUE_REASON = "customer left the queue"
WITH_A_PERSON = (
    "A person from our team is chatting with you now, so only they can end this conversation: "
    "tell them you are done and they will close it."
)


def rated_frame(score: int, comment: str | None) -> dict[str, Any]:
    return {"type": "rated", "score": score, "comment": comment}


async def take_end(
    meter: QualityMeter,
    hub: ConversationHub,
    conversation_id: str | None,
    on_frame: Callable[[dict[str, Any]], None],
    handoff_listeners: Sequence[HandoffListener] = (),
) -> None:
    """End the conversation for the customer: with the bot, or waiting in the queue (they leave
    it); a conversation a person is chatting in is theirs to close."""
    if conversation_id is None:
        on_frame(error_frame("no_conversation", "There is no conversation to end yet."))
        return

    def owner() -> str:
        with Session(meter.engine) as session:
            return get_conversation(session=session, conversation_id=conversation_id).owner

    current = await asyncio.to_thread(owner)
    if current == Owner.CLOSED.value:
        on_frame(rating_request_frame(conversation_id))
        return
    if current == Owner.QUEUED.value:
        left = await asyncio.to_thread(
            close_queued, meter, conversation_id, actor="customer", reason=LEFT_QUEUE_REASON
        )
        if left is not None:
            for listener in handoff_listeners:
                listener(left, "closed")
            await conversation_ended(meter, hub, conversation_id, "customer", reason=LEFT_THE_QUEUE)
            return
        # Claimed in the meantime: a person has it now.
    won = current == Owner.BOT.value and await asyncio.to_thread(
        close_conversation, meter, conversation_id, actor="customer", reason="ended by the customer"
    )
    if not won:
        on_frame(error_frame("with_a_person", WITH_A_PERSON))
        return
    await conversation_ended(meter, hub, conversation_id, "customer", reason=ENDED_BY_CUSTOMER)


def _closed_by(meter: QualityMeter, conversation_id: str) -> EndedBy:
    """Who closed the conversation, from its last ownership move."""
    with Session(meter.engine) as session:
        moves = ownership_changes(session=session, conversation_id=conversation_id)
    actor = moves[-1].actor if moves else ""
    return "customer" if actor == "customer" else "idle" if actor == "system" else "agent"


async def take_rating(
    meter: QualityMeter,
    hub: ConversationHub,
    conversation_id: str | None,
    frame: ClientRating,
    on_error: Callable[[dict[str, Any]], None],
) -> None:
    """Store the rating with the conversation's measure; every socket of it hears ``rated``."""
    if conversation_id is None:
        on_error(error_frame("not_ended", "There is no conversation to rate yet."))
        return

    def store() -> bool:
        with Session(meter.engine) as session:
            try:
                rate_conversation(
                    session=session,
                    conversation_id=conversation_id,
                    score=frame.score,
                    comment=frame.comment,
                    now=meter.clock(),
                )
                return True
            except NotEnded:
                conversation = get_conversation(session=session, conversation_id=conversation_id)
                if conversation.owner != Owner.CLOSED.value:
                    return False
        # Closed, but its measure was lost (a crash between the two): measure it now, then rate.
        meter.measure(conversation_id, _closed_by(meter, conversation_id))
        with Session(meter.engine) as session:
            rate_conversation(
                session=session,
                conversation_id=conversation_id,
                score=frame.score,
                comment=frame.comment,
                now=meter.clock(),
            )
        return True

    if not await asyncio.to_thread(store):
        on_error(error_frame("not_ended", "A conversation can be rated once it has ended."))
        return
    hub.publish(conversation_id, rated_frame(frame.score, frame.comment))


async def take_quality_frame(
    meter: QualityMeter | None,
    hub: ConversationHub,
    conversation_id: str | None,
    frame: ClientRating | ClientEnd,
    deliver: Callable[[dict[str, Any]], None],
    handoff_listeners: Sequence[HandoffListener] = (),
) -> None:
    """The widget's ``rating`` or ``end`` frame, or a clear error where nothing measures them."""
    if meter is None:
        deliver(error_frame("unavailable", "Rating conversations is not available here."))
    elif isinstance(frame, ClientRating):
        await take_rating(meter, hub, conversation_id, frame, deliver)
    else:
        await take_end(meter, hub, conversation_id, deliver, handoff_listeners)
