"""Bearer-token authentication of console agents and supervisors for the ``/api`` routes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, status
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import HTTPConnection

from server.records.agents import authenticate_agent
from server.runtime import Runtime

# Told to every refused caller alike, so a response never says whether a token exists.
_REFUSAL = "Sign in with an agent token: 'Authorization: Bearer <token>'."


@dataclass(frozen=True)
class DeskAgent:
    """The signed-in agent, detached from any database session."""

    id: str
    name: str
    role: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


def desk_runtime(connection: HTTPConnection) -> Runtime:
    return connection.app.state.runtime  # type: ignore[no-any-return]


def _bearer_token(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _lookup(engine: Engine, token: str) -> DeskAgent | None:
    with Session(engine) as session:
        agent = authenticate_agent(session=session, token=token)
        if agent is None:
            return None
        return DeskAgent(id=agent.id, name=agent.name, role=agent.role)


async def current_agent(
    connection: HTTPConnection, runtime: Annotated[Runtime, Depends(desk_runtime)]
) -> DeskAgent:
    """The agent the bearer token belongs to; 401 for none, a customer token or a disabled agent."""
    token = _bearer_token(connection)
    agent = None if token is None else await asyncio.to_thread(_lookup, runtime.engine, token)
    if agent is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail=_REFUSAL,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return agent


DeskRuntimeDep = Annotated[Runtime, Depends(desk_runtime)]
CurrentAgent = Annotated[DeskAgent, Depends(current_agent)]
