"""Approved outreach in the widget: when a verified customer next opens it, the message opens a new
conversation, from the person who approved it, before the customer has written anything."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.channel.frames import message_frame
from server.records.conversations import create_conversation
from server.records.messages import append_message
from server.records.models import Agent
from server.records.outreach import mark_shown, waiting_for_widget


def open_proactive_conversation(
    engine: Engine, customer_id: str, now: float
) -> tuple[str, list[dict[str, Any]]] | None:
    """A new conversation holding the customer's approved outreach messages, as message frames
    marked ``proactive``; None when nothing waits for them."""
    with Session(engine) as session:
        if not waiting_for_widget(session=session, customer_id=customer_id):
            return None
        conversation = create_conversation(session=session, customer_id=customer_id, now=now)
        frames: list[dict[str, Any]] = []
        for item in waiting_for_widget(session=session, customer_id=customer_id):
            # A second tab of the same customer may be opening too: one of them shows each item.
            if not mark_shown(
                session=session, item_id=item.id, conversation_id=conversation.id, now=now
            ):
                continue
            message = append_message(
                session=session,
                conversation_id=conversation.id,
                role="agent",
                text=item.sent_body or item.draft_body,
                author_agent_id=item.acted_by,
                now=now,
            )
            approver = session.get(Agent, item.acted_by) if item.acted_by else None
            frames.append(
                message_frame(message)
                | {"proactive": True, "agent_name": approver.name if approver else None}
            )
        return conversation.id, frames
