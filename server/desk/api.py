"""The agent side of ``/api``: the handoff queue, its packages, claims and the human stretch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select
from starlette.requests import HTTPConnection

from agent.ownership import OwnershipError
from server.channel.frames import message_frame
from server.deps import CurrentAgent, CurrentSupervisor, RuntimeDep, SessionsDep
from server.desk.auth import CONSOLE_COOKIE, DeskAgent, check_token
from server.desk.feed import DeskFeed
from server.desk.views import (
    desk_queue,
    handoff_package,
    message_view,
    policy_thresholds,
    queue_item,
)
from server.records.conversations import get_conversation
from server.records.customers import earlier_conversations
from server.records.desk_stats import desk_stats
from server.records.errors import (
    AgentNotFound,
    ConversationClosed,
    HandoffNotFound,
    HandoffNotWaiting,
)
from server.records.handoff_moves import claim_handoff, close_handoff, return_handoff
from server.records.handoffs import get_handoff, label_handoff
from server.records.locks import conversation_lock
from server.records.messages import append_message, messages_after
from server.records.models import Handoff, SentimentReadingRecord
from server.runtime import Runtime
from server.turns.hub import ConversationHub, closed_frame

log = logging.getLogger(__name__)

T = TypeVar("T")
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


class SignIn(BaseModel):
    token: str = Field(min_length=1, max_length=400)


class LabelIn(BaseModel):
    warranted: bool | None = None
    resolved: bool | None = None


def _readings_since(session: Session, handoff: Handoff) -> list[dict[str, Any]]:
    """The customer's readings after the handoff: how the human stretch is going."""
    rows = session.exec(
        select(SentimentReadingRecord)
        .where(
            SentimentReadingRecord.conversation_id == handoff.conversation_id,
            col(SentimentReadingRecord.created_at) > handoff.created_at,
        )
        .order_by(col(SentimentReadingRecord.id))
    ).all()
    return [
        {
            "score": r.score,
            "label": r.label,
            "frustration": r.frustration,
            "urgency": r.urgency,
            "signals": list(r.signals),
            "at": r.created_at,
        }
        for r in rows
    ]


def _hub(connection: HTTPConnection) -> ConversationHub:
    return connection.app.state.channel.hub  # type: ignore[no-any-return]


def _feed(connection: HTTPConnection) -> DeskFeed:
    return connection.app.state.desk.feed  # type: ignore[no-any-return]


def _me(agent: DeskAgent, runtime: Runtime) -> dict[str, Any]:
    return {
        "id": agent.id,
        "name": agent.name,
        "role": agent.role,
        "live_scores": agent.sees_live_scores(runtime.settings.console_live_scores),
    }


async def _in_session(runtime: Runtime, work: Callable[[Session], T]) -> T:
    """Run blocking records work off the event loop, in a session of its own."""

    def run() -> T:
        with Session(runtime.engine) as session:
            return work(session)

    return await asyncio.to_thread(run)


def _refuse(code: int, message: str) -> HTTPException:
    return HTTPException(status_code=code, detail=message)


def _readable(handoff: Handoff, agent: DeskAgent) -> None:
    if agent.can_read(handoff):
        return
    raise _refuse(status.HTTP_403_FORBIDDEN, "This handoff belongs to another agent.")


def _owned(handoff: Handoff, agent: DeskAgent, *, supervisor_may: bool) -> None:
    """Only the claiming agent acts on a claimed handoff (and a supervisor, where allowed)."""
    if handoff.claimed_by == agent.id or (supervisor_may and agent.is_supervisor):
        return
    if handoff.status == "waiting":
        raise _refuse(status.HTTP_409_CONFLICT, "This handoff is still waiting: claim it first.")
    raise _refuse(status.HTTP_403_FORBIDDEN, "This handoff belongs to another agent.")


def _load(session: Session, handoff_id: str) -> Handoff:
    try:
        return get_handoff(session=session, handoff_id=handoff_id)
    except HandoffNotFound:
        raise _refuse(status.HTTP_404_NOT_FOUND, "No such handoff.") from None


def _conflict(exc: HandoffNotWaiting) -> HTTPException:
    if exc.status == "claimed":
        return _refuse(status.HTTP_409_CONFLICT, "Another agent already claimed this handoff.")
    return _refuse(status.HTTP_409_CONFLICT, f"This handoff is already {exc.status}.")


def _translate(work: Callable[[Session], T]) -> Callable[[Session], T]:
    """Turn the records' refusals into plain HTTP answers."""

    def run(session: Session) -> T:
        try:
            return work(session)
        except HandoffNotWaiting as exc:
            raise _conflict(exc) from None
        except AgentNotFound:
            raise _refuse(status.HTTP_401_UNAUTHORIZED, "This agent account is disabled.") from None
        except (OwnershipError, ConversationClosed) as exc:
            raise _refuse(status.HTTP_409_CONFLICT, str(exc)) from None

    return run


@router.post("/session")
async def sign_in(
    body: SignIn, runtime: RuntimeDep, sessions: SessionsDep, connection: HTTPConnection
) -> Response:
    """Exchange an agent token for the console's session cookie (HttpOnly, SameSite=Strict)."""
    agent = await check_token(runtime, body.token.strip())
    if agent is None:
        raise _refuse(
            status.HTTP_401_UNAUTHORIZED,
            "That is not a valid agent token. Ask an administrator to run "
            "`tideline agents add NAME` for a new one.",
        )
    response = JSONResponse(_me(agent, runtime))
    response.set_cookie(
        CONSOLE_COOKIE,
        sessions.issue(agent.id),
        max_age=int(sessions.max_age_s),
        httponly=True,
        samesite="strict",
        secure=connection.url.scheme == "https",
        path="/",
    )
    return response


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out() -> Response:
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(CONSOLE_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/me")
async def me(agent: CurrentAgent, runtime: RuntimeDep) -> dict[str, Any]:
    return _me(agent, runtime)


@router.get("/stats")
async def stats(
    agent: CurrentSupervisor,
    runtime: RuntimeDep,
    days: Annotated[float, Query(gt=0, le=365)] = 7.0,
) -> dict[str, Any]:
    """The supervisor's figures over the last ``days`` (supervisors only)."""

    def read(session: Session) -> dict[str, Any]:
        return desk_stats(session=session, now=runtime.conversations.clock(), days=days)

    return await _in_session(runtime, read)


@router.get("/handoffs")
async def list_handoffs(agent: CurrentAgent, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """The queue, most severe then longest waiting first, then the claimed handoffs: an agent's
    own, or everyone's for a supervisor."""

    def read(session: Session) -> list[dict[str, Any]]:
        return desk_queue(session, agent, now=runtime.conversations.clock())

    return await _in_session(runtime, read)


@router.get("/handoffs/{handoff_id}")
async def read_handoff(handoff_id: str, agent: CurrentAgent, runtime: RuntimeDep) -> dict[str, Any]:
    def read(session: Session) -> dict[str, Any]:
        handoff = _load(session, handoff_id)
        _readable(handoff, agent)
        conversation = get_conversation(session=session, conversation_id=handoff.conversation_id)
        messages = messages_after(session=session, conversation_id=handoff.conversation_id)
        package = handoff_package(handoff, messages, now=runtime.conversations.clock())
        package["thresholds"] = policy_thresholds(runtime.policy.config)
        package["customer_id"] = conversation.customer_id
        package["earlier_conversations"] = (
            earlier_conversations(
                session=session, customer_id=conversation.customer_id, before=conversation
            )
            if conversation.customer_id
            else []
        )
        live = agent.sees_live_scores(runtime.settings.console_live_scores)
        package["live_scores"] = live
        package["live_readings"] = _readings_since(session, handoff) if live else []
        return package

    return await _in_session(runtime, read)


@router.post("/handoffs/{handoff_id}/claim")
async def claim(
    handoff_id: str, agent: CurrentAgent, runtime: RuntimeDep, connection: HTTPConnection
) -> dict[str, Any]:
    """Exactly one of concurrent claims wins; the others get 409."""

    def write(session: Session) -> dict[str, Any]:
        _load(session, handoff_id)
        handoff = claim_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            now=runtime.conversations.clock(),
        )
        return queue_item(handoff, now=runtime.conversations.clock())

    claimed = await _in_session(runtime, _translate(write))
    _feed(connection).announce_item("claimed", claimed)
    conversation_id = claimed["conversation_id"]
    hub = _hub(connection)
    await _sync_bot(
        hub, runtime, conversation_id, lambda: runtime.bot.set_owner(conversation_id, "human")
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
        raise _refuse(422, "The message is empty.")

    def write(session: Session) -> tuple[str, dict[str, Any], dict[str, Any]]:
        handoff = _load(session, handoff_id)
        _owned(handoff, agent, supervisor_may=False)
        if handoff.status != "claimed":
            raise _refuse(status.HTTP_409_CONFLICT, f"This handoff is already {handoff.status}.")
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

    conversation_id, frame, view = await _in_session(runtime, _translate(write))
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
        raise _refuse(422, "Say what the human stretch settled.")

    def write(session: Session) -> dict[str, Any]:
        _owned(_load(session, handoff_id), agent, supervisor_may=True)
        handoff = return_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            reason=f"handed back: {note}",
            now=runtime.conversations.clock(),
        )
        return queue_item(handoff, now=runtime.conversations.clock())

    returned = await _in_session(runtime, _translate(write))
    _feed(connection).announce_item("returned", returned)
    conversation_id = returned["conversation_id"]
    hub = _hub(connection)
    await _sync_bot(
        hub, runtime, conversation_id, lambda: runtime.bot.hand_back(conversation_id, note)
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
        _owned(_load(session, handoff_id), agent, supervisor_may=True)
        handoff = close_handoff(
            session=session,
            handoff_id=handoff_id,
            agent_id=agent.id,
            reason=reason,
            now=runtime.conversations.clock(),
        )
        return queue_item(handoff, now=runtime.conversations.clock())

    closed = await _in_session(runtime, _translate(write))
    _feed(connection).announce_item("closed", closed)
    conversation_id = closed["conversation_id"]
    hub = _hub(connection)
    await _sync_bot(
        hub, runtime, conversation_id, lambda: runtime.bot.set_owner(conversation_id, "closed")
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
        raise _refuse(422, "Give at least one label: warranted or resolved.")

    def write(session: Session) -> dict[str, Any]:
        handoff = _load(session, handoff_id)
        _owned(handoff, agent, supervisor_may=True)
        if handoff.status == "waiting":
            raise _refuse(status.HTTP_409_CONFLICT, "Claim this handoff before labelling it.")
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

    labelled = await _in_session(runtime, _translate(write))
    _feed(connection).announce(handoff_id, "labelled")
    return labelled


async def _sync_bot(
    hub: ConversationHub, runtime: Runtime, conversation_id: str, move: Callable[[], None]
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

    async with hub.conversation_lock(conversation_id):
        try:
            await asyncio.to_thread(locked_move)
        except Exception:
            log.exception("could not move the bot's owner of conversation %s", conversation_id)
