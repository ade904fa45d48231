"""The agent side of ``/api`` that reads: the console's session, the queue and a handoff's package.

What agents do to a handoff (claim, reply, hand back, close, label) is in ``server/desk/actions.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select
from starlette.requests import HTTPConnection

from server.deps import CurrentAgent, CurrentSupervisor, RuntimeDep, SessionsDep
from server.desk.auth import (
    CONSOLE_COOKIE,
    DISABLED,
    AccountDisabled,
    DeskAgent,
    check_token,
    session_subject,
)
from server.desk.http import in_session, load_handoff, readable, refuse
from server.desk.json_bodies import CheckedJSONRoute
from server.desk.package_extras import enrich_package
from server.desk.views import desk_queue, handoff_package, policy_thresholds
from server.records.conversations import get_conversation
from server.records.customers import earlier_conversations
from server.records.desk_stats import desk_stats
from server.records.messages import messages_after
from server.records.models import Handoff, SentimentReadingRecord
from server.runtime import Runtime

router = APIRouter(prefix="/api", tags=["agent desk"], route_class=CheckedJSONRoute)


class SignIn(BaseModel):
    token: str = Field(min_length=1, max_length=400)


def _readings_since(session: Session, handoff: Handoff) -> list[dict[str, Any]]:
    """The customer's readings after the handoff: how the human stretch is going.

    Counted by turn, not by time: the handoff turn's own reading is stored just after the
    package, and is already the last point of ``sentiment_series``.
    """
    rows = session.exec(
        select(SentimentReadingRecord)
        .where(SentimentReadingRecord.conversation_id == handoff.conversation_id)
        .order_by(col(SentimentReadingRecord.id))
    ).all()
    before = len(handoff.sentiment_series)
    return [
        {
            "turn": turn,
            "score": r.score,
            "label": r.label,
            "frustration": r.frustration,
            "urgency": r.urgency,
            "signals": list(r.signals),
            "at": r.created_at,
        }
        for turn, r in enumerate(rows[before:], before + 1)
    ]


def _me(agent: DeskAgent, runtime: Runtime) -> dict[str, Any]:
    return {
        "id": agent.id,
        "name": agent.name,
        "role": agent.role,
        "live_scores": agent.sees_live_scores(runtime.settings.console_live_scores),
    }


@router.post("/session")
async def sign_in(
    body: SignIn, runtime: RuntimeDep, sessions: SessionsDep, connection: HTTPConnection
) -> Response:
    """Exchange an agent token for the console's session cookie (HttpOnly, SameSite=Strict)."""
    try:
        agent = await check_token(runtime, body.token.strip())
    except AccountDisabled:
        raise refuse(status.HTTP_401_UNAUTHORIZED, DISABLED) from None
    if agent is None:
        raise refuse(
            status.HTTP_401_UNAUTHORIZED,
            "That is not a valid agent token. Ask an administrator to run "
            "`tideline agents add NAME` for a new one.",
        )
    response = JSONResponse(_me(agent, runtime))
    response.set_cookie(
        CONSOLE_COOKIE,
        sessions.issue(session_subject(agent)),
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

    return await in_session(runtime, read)


@router.get("/handoffs")
async def list_handoffs(agent: CurrentAgent, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """The queue, most severe then longest waiting first, then the claimed handoffs: an agent's
    own, or everyone's for a supervisor."""

    def read(session: Session) -> list[dict[str, Any]]:
        return desk_queue(session, agent, now=runtime.conversations.clock())

    return await in_session(runtime, read)


@router.get("/handoffs/{handoff_id}")
async def read_handoff(handoff_id: str, agent: CurrentAgent, runtime: RuntimeDep) -> dict[str, Any]:
    def read(session: Session) -> dict[str, Any]:
        handoff = load_handoff(session, handoff_id)
        readable(handoff, agent)
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
        return enrich_package(session, package)

    return await in_session(runtime, read)
