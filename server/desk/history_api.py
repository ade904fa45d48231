"""``GET /api/history``: handed-back and closed handoffs, to come back to and label outcomes."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import Session

from server.deps import CurrentAgent, RuntimeDep
from server.desk.json_bodies import CheckedJSONRoute
from server.desk.views import queue_item
from server.records.handoff_history import ending_reasons, finished_handoffs

router = APIRouter(prefix="/api", tags=["agent desk"], route_class=CheckedJSONRoute)


@router.get("/history")
async def history(
    agent: CurrentAgent,
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=200)] = "",
    unlabelled: bool = False,
    customer: Annotated[str | None, Query(max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """Recent finished handoffs (an agent's own; everyone's for a supervisor), newest first."""

    def read() -> list[dict[str, Any]]:
        with Session(runtime.engine) as session:
            now = runtime.conversations.clock()
            rows = finished_handoffs(
                session=session,
                claimed_by=None if agent.is_supervisor else agent.id,
                query=q,
                unlabelled=unlabelled,
                customer_id=customer,
                limit=limit,
            )
            reasons = ending_reasons(
                session=session, conversation_ids=[h.conversation_id for h in rows]
            )
            return [
                {
                    **queue_item(h, now=now),
                    "ended_at": h.closed_at or h.returned_at,
                    # e.g. "customer left the queue" when no agent ended it
                    "ended_reason": reasons.get(h.conversation_id),
                    "warranted": h.warranted,
                    "resolved": h.resolved,
                }
                for h in rows
            ]

    return await asyncio.to_thread(read)
