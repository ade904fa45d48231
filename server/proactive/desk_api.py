"""``/api/outreach``: the outreach desk's queue, one item with the customer's timeline, and the
moves a person makes on it (approve, optionally edited; dismiss with a reason; snooze).

Who may act: any signed-in agent on the tiers that only tag or check in
(``tag_and_prioritise``, ``draft_checkin``); a supervisor on the costlier ones
(``alert_account_manager``, ``recommend_retention``). Everyone signed in may read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session
from starlette.requests import HTTPConnection

from agent.outreach.policy import Tier
from server.deps import CurrentAgent, RuntimeDep
from server.desk.auth import DeskAgent
from server.desk.http import in_session
from server.proactive.host_api import read_timeline
from server.records.outreach import (
    OutreachNotFound,
    OutreachNotOpen,
    approve_item,
    dismiss_item,
    get_item,
    item_view,
    list_items,
    snooze_item,
    wake_snoozed,
)
from server.records.proactive_models import OutreachItem
from server.runtime import Runtime

router = APIRouter(prefix="/api/outreach", tags=["proactive support"])
T = TypeVar("T")
AGENT_TIERS = frozenset({"tag_and_prioritise", "draft_checkin"})
Status = Literal["open", "approved", "sent", "dismissed", "snoozed", "applied"]


def may_act(agent: DeskAgent, tier: str) -> bool:
    return agent.is_supervisor or tier in AGENT_TIERS


class ApproveIn(BaseModel):
    subject: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, min_length=1, max_length=8000)


class DismissIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class SnoozeIn(BaseModel):
    until: datetime | None = Field(default=None, description="ISO-8601; or give hours")
    hours: float | None = Field(default=None, gt=0, le=24 * 365)

    @model_validator(mode="after")
    def _one(self) -> SnoozeIn:
        if (self.until is None) == (self.hours is None):
            raise ValueError("give either 'until' (ISO-8601) or 'hours'")
        return self


async def _work(runtime: Runtime, work: Callable[[Session], T]) -> T:
    """``in_session``, with the outreach records' refusals as plain HTTP answers."""

    def run(session: Session) -> T:
        try:
            return work(session)
        except OutreachNotFound:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No such outreach item.") from None
        except OutreachNotOpen as exc:
            raise HTTPException(
                status.HTTP_409_CONFLICT, f"This item is already {exc.status}."
            ) from None

    return await in_session(runtime, run)


def _allowed(session: Session, agent: DeskAgent, item_id: str) -> OutreachItem:
    item = get_item(session=session, item_id=item_id)
    if not may_act(agent, item.tier):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"A supervisor decides on '{item.tier}' outreach."
        )
    return item


@router.get("")
async def outreach_queue(
    agent: CurrentAgent,
    runtime: RuntimeDep,
    status_: Annotated[Status | None, Query(alias="status")] = "open",
    tier: Annotated[Tier | None, Query()] = None,
    customer_id: Annotated[str | None, Query(max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Flagged customers, riskiest first; ``status=open`` unless asked otherwise."""

    def read(session: Session) -> list[dict[str, Any]]:
        wake_snoozed(session=session, now=runtime.conversations.clock())
        items = list_items(
            session=session, status=status_, tier=tier, customer_id=customer_id, limit=limit
        )
        return [item_view(i) | {"may_act": may_act(agent, i.tier)} for i in items]

    return await _work(runtime, read)


@router.get("/{item_id}")
async def outreach_item(item_id: str, agent: CurrentAgent, runtime: RuntimeDep) -> dict[str, Any]:
    def read(session: Session) -> dict[str, Any]:
        item = get_item(session=session, item_id=item_id)
        return item_view(item) | {"may_act": may_act(agent, item.tier)}

    view = await _work(runtime, read)
    view["timeline"] = await asyncio.to_thread(read_timeline, runtime, view["customer_id"])
    return view


@router.post("/{item_id}/approve")
async def approve(
    item_id: str,
    body: ApproveIn,
    agent: CurrentAgent,
    runtime: RuntimeDep,
    connection: HTTPConnection,
) -> dict[str, Any]:
    """Approve the draft, or the edited ``subject``/``body``; the webhook sends it when set."""
    sender = connection.app.state.outreach_webhook

    def write(session: Session) -> dict[str, Any]:
        _allowed(session, agent, item_id)
        item = approve_item(
            session=session,
            item_id=item_id,
            agent_id=agent.id,
            subject=body.subject.strip() if body.subject else None,
            body=body.body.strip() if body.body else None,
            deliver=sender is not None,
            now=runtime.conversations.clock(),
        )
        return item_view(item)

    view = await _work(runtime, write)
    if sender is not None:
        sender.submit(item_id)
    return view


@router.post("/{item_id}/dismiss")
async def dismiss(
    item_id: str, body: DismissIn, agent: CurrentAgent, runtime: RuntimeDep
) -> dict[str, Any]:
    reason = body.reason.strip()
    if not reason:
        raise HTTPException(422, "Say why the outreach is dismissed.")

    def write(session: Session) -> dict[str, Any]:
        _allowed(session, agent, item_id)
        return item_view(
            dismiss_item(
                session=session,
                item_id=item_id,
                agent_id=agent.id,
                reason=reason,
                now=runtime.conversations.clock(),
            )
        )

    return await _work(runtime, write)


@router.post("/{item_id}/snooze")
async def snooze(
    item_id: str, body: SnoozeIn, agent: CurrentAgent, runtime: RuntimeDep
) -> dict[str, Any]:
    now = runtime.conversations.clock()
    if body.until is not None:
        moment = body.until if body.until.tzinfo else body.until.replace(tzinfo=UTC)
        until = moment.timestamp()
    else:
        until = now + (body.hours or 0) * 3600
    if until <= now:
        raise HTTPException(422, "Snooze until a time in the future.")

    def write(session: Session) -> dict[str, Any]:
        _allowed(session, agent, item_id)
        return item_view(
            snooze_item(session=session, item_id=item_id, agent_id=agent.id, until=until, now=now)
        )

    return await _work(runtime, write)
