"""The HTTP dependencies of the app and the desk API, as ``Annotated`` aliases: one function per part."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from starlette.requests import HTTPConnection

from server.channel.channel import Channel
from server.channel.resume_tokens import ResumeTokens
from server.desk.auth import DISABLED, REFUSAL, AccountDisabled, DeskAgent, authenticate
from server.desk.socket import Desk
from server.runtime import Runtime


def get_runtime(connection: HTTPConnection) -> Runtime:
    return connection.app.state.runtime  # type: ignore[no-any-return]


def get_channel(connection: HTTPConnection) -> Channel:
    return connection.app.state.channel  # type: ignore[no-any-return]


def get_desk(connection: HTTPConnection) -> Desk:
    return connection.app.state.desk  # type: ignore[no-any-return]


def console_sessions(connection: HTTPConnection) -> ResumeTokens:
    return connection.app.state.console_sessions  # type: ignore[no-any-return]


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ChannelDep = Annotated[Channel, Depends(get_channel)]
DeskDep = Annotated[Desk, Depends(get_desk)]
SessionsDep = Annotated[ResumeTokens, Depends(console_sessions)]


async def current_agent(
    connection: HTTPConnection, runtime: RuntimeDep, sessions: SessionsDep
) -> DeskAgent:
    """The calling agent; 401 for none, a customer token, a bad cookie or a disabled agent."""
    try:
        agent = await authenticate(connection, runtime, sessions)
    except AccountDisabled:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail=DISABLED,
            headers={"WWW-Authenticate": "Bearer"},
        ) from None
    if agent is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail=REFUSAL,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return agent


CurrentAgent = Annotated[DeskAgent, Depends(current_agent)]


async def current_supervisor(agent: CurrentAgent) -> DeskAgent:
    if not agent.is_supervisor:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="This needs a supervisor's account."
        )
    return agent


CurrentSupervisor = Annotated[DeskAgent, Depends(current_supervisor)]
