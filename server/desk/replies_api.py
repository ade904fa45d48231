"""Saved replies (``/api/replies``), internal notes on a conversation and the answers' ratings.

Notes travel to consoles only (desk-only frames): the customer's sockets never receive them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, col, select
from starlette.requests import HTTPConnection

from server.deps import CurrentAgent, CurrentSupervisor, RuntimeDep
from server.desk.http import in_session, load_handoff, readable
from server.desk.json_bodies import CheckedJSONRoute
from server.records.errors import ConversationNotFound
from server.records.feedback import rating_counts
from server.records.models import Message, MessageFeedback
from server.records.notes import add_note
from server.records.saved_replies import (
    SavedReplyNotFound,
    ShortcutTaken,
    add_reply,
    delete_reply,
    list_replies,
)

router = APIRouter(prefix="/api", tags=["agent desk"], route_class=CheckedJSONRoute)
T = TypeVar("T")
SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class SavedReplyIn(BaseModel):
    shortcut: str = Field(min_length=1, max_length=41)
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=8000)

    @field_validator("shortcut")
    @classmethod
    def plain_shortcut(cls, value: str) -> str:
        value = value.strip().lstrip("/").lower()
        if not SHORTCUT.match(value):
            raise ValueError("a shortcut is 1-40 letters, digits, - or _ (typed after /)")
        return value


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


@router.get("/replies")
async def saved_replies(agent: CurrentAgent, runtime: RuntimeDep) -> list[dict[str, Any]]:
    def read(session: Session) -> list[dict[str, Any]]:
        return [
            r.model_dump(include={"id", "shortcut", "title", "text"})
            for r in list_replies(session=session)
        ]

    return await in_session(runtime, read)


@router.post("/replies", status_code=status.HTTP_201_CREATED)
async def save_reply(
    body: SavedReplyIn, agent: CurrentSupervisor, runtime: RuntimeDep
) -> dict[str, Any]:
    """Supervisors add saved replies; every agent can insert them."""

    def write(session: Session) -> dict[str, Any]:
        try:
            reply = add_reply(
                session=session,
                shortcut=body.shortcut,
                title=body.title.strip(),
                text=body.text.strip(),
                agent_id=agent.id,
                now=runtime.conversations.clock(),
            )
        except ShortcutTaken as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc).capitalize() + ".") from None
        return reply.model_dump(include={"id", "shortcut", "title", "text"})

    return await in_session(runtime, write)


@router.delete("/replies/{reply_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_reply(reply_id: str, agent: CurrentSupervisor, runtime: RuntimeDep) -> None:
    def write(session: Session) -> None:
        try:
            delete_reply(session=session, reply_id=reply_id)
        except SavedReplyNotFound:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No such saved reply.") from None

    await in_session(runtime, write)


@router.post("/handoffs/{handoff_id}/notes", status_code=status.HTTP_201_CREATED)
async def write_note(
    handoff_id: str,
    body: NoteIn,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    connection: HTTPConnection,
) -> dict[str, Any]:
    """An internal note on the handoff's conversation, for colleagues; never sent to the customer."""
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "The note is empty.")

    def write(session: Session) -> tuple[str, dict[str, Any]]:
        handoff = load_handoff(session, handoff_id)
        readable(handoff, agent)
        try:
            note = add_note(
                session=session,
                conversation_id=handoff.conversation_id,
                agent_id=agent.id,
                text=text,
                now=runtime.conversations.clock(),
            )
        except ConversationNotFound:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.") from None
        view = {
            "id": note.id,
            "text": note.text,
            "author": agent.name,
            "created_at": note.created_at,
        }
        return handoff.conversation_id, view

    conversation_id, view = await in_session(runtime, write)
    hub = connection.app.state.channel.hub
    hub.publish(conversation_id, {"type": "note", "note": view}, desk_only=True)
    return view


@router.get("/feedback")
async def answer_ratings(
    agent: CurrentSupervisor,
    runtime: RuntimeDep,
    days: Annotated[float, Query(gt=0, le=365)] = 7.0,
) -> dict[str, Any]:
    """How customers rated the bot's answers, and the latest answers they marked unhelpful."""

    def read(session: Session) -> dict[str, Any]:
        since = runtime.conversations.clock() - days * 86400
        rows = session.exec(
            select(MessageFeedback, Message.text)
            .join(Message, col(Message.id) == col(MessageFeedback.message_id))
            .where(MessageFeedback.rating == "down", col(MessageFeedback.updated_at) >= since)
            .order_by(col(MessageFeedback.updated_at).desc())
            .limit(10)
        ).all()
        return {
            "window_days": days,
            **rating_counts(session=session, since=since),
            "latest_unhelpful": [
                {
                    "conversation_id": f.conversation_id,
                    "seq": f.seq,
                    "text": text,
                    "at": f.updated_at,
                }
                for f, text in rows
            ],
        }

    return await in_session(runtime, read)
