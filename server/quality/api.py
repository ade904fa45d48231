"""``/api/quality``: the supervisor's quality figures, and the per-person view (supervisors only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import Session, select

from server.deps import CurrentAgent, CurrentSupervisor, RuntimeDep
from server.desk.http import in_session
from server.quality.figures import by_agent, summary
from server.records.models import Agent
from server.records.quality import ended_since

router = APIRouter(prefix="/api/quality", tags=["quality"])
DAY_S = 86400.0
Days = Annotated[int, Query(ge=1, le=365)]


@router.get("/summary")
async def quality_summary(
    agent: CurrentAgent, runtime: RuntimeDep, days: Days = 30
) -> dict[str, Any]:
    """Every conversation that ended in the last ``days``: measured vs surveyed, arcs, trend."""

    def read(session: Session) -> dict[str, Any]:
        since = runtime.conversations.clock() - days * DAY_S
        return {"days": days, **summary(ended_since(session=session, since=since))}

    return await in_session(runtime, read)


@router.get("/agents")
async def quality_by_agent(
    agent: CurrentSupervisor, runtime: RuntimeDep, days: Days = 30
) -> dict[str, Any]:
    """Per person and problem type, for coaching: supervisors only (403 for agents)."""

    def read(session: Session) -> dict[str, Any]:
        since = runtime.conversations.clock() - days * DAY_S
        names = {a.id: a.name for a in session.exec(select(Agent)).all()}
        return {"days": days, **by_agent(ended_since(session=session, since=since), names)}

    return await in_session(runtime, read)
