"""The review log's report on the API, for supervisors (``GET /api/outreach/report``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from server.deps import CurrentSupervisor, RuntimeDep
from server.desk.http import in_session
from server.proactive.review import outreach_report

router = APIRouter(prefix="/api/outreach", tags=["proactive support"])


@router.get("/report")
async def report(agent: CurrentSupervisor, runtime: RuntimeDep) -> dict[str, Any]:
    """Customers who got outreach against similar flagged ones who did not."""

    return await in_session(runtime, outreach_report)
