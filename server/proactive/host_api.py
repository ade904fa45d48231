"""The host system's API (server-to-server, its own key) and the customer timeline agents read.

``PUT /api/host/customers/{id}`` replaces the customer's attributes; ``POST .../events`` adds
events. Both take ``Authorization: Bearer <TIDELINE_HOST_API_KEY>`` and nothing else: an agent's
token is refused, and with no key configured every call is.
"""

from __future__ import annotations

import asyncio
import hmac
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session
from starlette.requests import HTTPConnection

from agent.outreach.history import HistoryError, parse_time
from server.deps import CurrentAgent, RuntimeDep
from server.desk.auth import bearer_token
from server.records.host_data import (
    HostEvent,
    add_events,
    customer_exists,
    customer_timeline,
    set_attributes,
)
from server.runtime import Runtime

router = APIRouter(prefix="/api", tags=["proactive support"])
CustomerId = Annotated[str, Path(min_length=1, max_length=255)]
HOST_REFUSAL = "Send the host API key: 'Authorization: Bearer <TIDELINE_HOST_API_KEY>'."


def host_caller(connection: HTTPConnection, runtime: RuntimeDep) -> None:
    key = runtime.settings.host_api_key
    token = bearer_token(connection)
    if (
        key is None
        or token is None
        or not hmac.compare_digest(token.encode(), key.get_secret_value().encode())
    ):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, HOST_REFUSAL, headers={"WWW-Authenticate": "Bearer"}
        )


HostCaller = Annotated[None, Depends(host_caller)]


class CustomerAttributes(BaseModel):
    """The attributes Tideline reads; any other key is kept as sent."""

    model_config = ConfigDict(extra="allow")

    plan: str | None = Field(default=None, max_length=200)
    segment: str | None = Field(default=None, max_length=200)
    account_value: float | None = Field(default=None, ge=0)
    renewal_date: date | None = None
    customer_since: date | None = None
    account_manager: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)


EVENT_TYPES = (
    "login",
    "order",
    "purchase",
    "usage",
    "session",
    "visit",
    "survey",
    "cancellation",
    "downgrade",
    "contact",
    "phone",
    "email",
    "call",
)


class EventIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(min_length=1, max_length=64)
    at: str
    id: str | None = Field(default=None, max_length=128, description="the host's id: sent once")
    channel: str | None = Field(default=None, max_length=32)
    score: float | None = Field(default=None, description="a survey score")

    @field_validator("type")
    @classmethod
    def known_type(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in EVENT_TYPES:
            raise ValueError(f"type must be one of {', '.join(EVENT_TYPES)}")
        return value

    @field_validator("at")
    @classmethod
    def a_time(cls, value: str) -> str:
        try:
            parse_time(value, "at")
        except HistoryError as exc:
            raise ValueError(str(exc)) from None
        return value


class EventsIn(BaseModel):
    events: list[EventIn] = Field(min_length=1, max_length=1000)


def _host_event(event: EventIn) -> HostEvent:
    data = event.model_dump(exclude={"type", "at", "id"}, exclude_none=True)
    return HostEvent(
        type=event.type, at=parse_time(event.at, "at").timestamp(), event_key=event.id, data=data
    )


@router.put("/host/customers/{customer_id}")
async def put_attributes(
    customer_id: CustomerId, body: CustomerAttributes, caller: HostCaller, runtime: RuntimeDep
) -> dict[str, Any]:
    attributes = body.model_dump(mode="json", exclude_none=True)

    def write() -> dict[str, Any]:
        with Session(runtime.engine) as session:
            profile = set_attributes(
                session=session,
                customer_id=customer_id,
                attributes=attributes,
                now=runtime.conversations.clock(),
            )
            return {"customer_id": customer_id, "attributes": profile.attributes}

    return await asyncio.to_thread(write)


@router.post("/host/customers/{customer_id}/events", status_code=status.HTTP_201_CREATED)
async def post_events(
    customer_id: CustomerId, body: EventsIn, caller: HostCaller, runtime: RuntimeDep
) -> dict[str, Any]:
    events = [_host_event(e) for e in body.events]

    def write() -> dict[str, Any]:
        with Session(runtime.engine) as session:
            stored, known = add_events(
                session=session,
                customer_id=customer_id,
                events=events,
                now=runtime.conversations.clock(),
            )
            return {"customer_id": customer_id, "stored": stored, "already_known": known}

    return await asyncio.to_thread(write)


def read_timeline(runtime: Runtime, customer_id: str) -> dict[str, Any]:
    with Session(runtime.engine) as session:
        if not customer_exists(session=session, customer_id=customer_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No such customer.")
        return customer_timeline(
            session=session, customer_id=customer_id, now=runtime.conversations.clock()
        )


@router.get("/customers/{customer_id}/timeline")
async def timeline(
    customer_id: CustomerId, agent: CurrentAgent, runtime: RuntimeDep
) -> dict[str, Any]:
    """A verified customer's conversations (when, channel, arc, outcome, rating, topic) and the
    host's events, oldest first."""
    return await asyncio.to_thread(read_timeline, runtime, customer_id)
