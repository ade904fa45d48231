"""The review log's report on the API, for supervisors (``GET /api/outreach/report``)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from sqlmodel import Session

from server.deps import CurrentSupervisor, RuntimeDep
from server.proactive.review import outreach_report

router = APIRouter(prefix="/api/outreach", tags=["proactive support"])


@router.get("/report")
async def report(agent: CurrentSupervisor, runtime: RuntimeDep) -> dict[str, Any]:
    """Customers who got outreach against similar flagged ones who did not."""

    def read() -> dict[str, Any]:
        with Session(runtime.engine) as session:
            return outreach_report(session)

    return await asyncio.to_thread(read)
