"""The customer's thumbs up or down on a bot answer: stored, then shown on every socket and console."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from server.channel.frames import ClientFeedback, error_frame
from server.records.feedback import NotAnAnswer, rate_answer
from server.turns.hub import ConversationHub
from server.turns.service import ConversationService


def feedback_frame(seq: int, rating: str) -> dict[str, Any]:
    return {"type": "feedback", "seq": seq, "rating": rating}


async def take_feedback(
    service: ConversationService,
    hub: ConversationHub,
    conversation_id: str | None,
    frame: ClientFeedback,
    on_error: Callable[[dict[str, Any]], None],
) -> None:
    """Store the rating; every socket of the conversation (the consoles too) hears of it."""
    if conversation_id is None:
        on_error(error_frame("not_an_answer", "There is no answer to rate yet."))
        return

    def store() -> None:
        with Session(service.engine) as session:
            rate_answer(
                session=session,
                conversation_id=conversation_id,
                seq=frame.seq,
                rating=frame.rating,
                now=service.clock(),
            )

    try:
        await asyncio.to_thread(store)
    except NotAnAnswer:
        on_error(error_frame("not_an_answer", "Only the assistant's answers can be rated."))
        return
    hub.publish(conversation_id, feedback_frame(frame.seq, frame.rating))
