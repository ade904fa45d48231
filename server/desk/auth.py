"""Who is calling the agent side: a bearer token (API clients) or the console's session cookie.

Agents and supervisors sign in with the token `tideline agents add` printed. API clients send it as
``Authorization: Bearer``; the console exchanges it once for a signed, HttpOnly, SameSite=Strict
session cookie. A cookie is honoured only from the server's own pages (the ``Origin`` check), so
another site cannot act with a signed-in agent's browser. Customers' resume tokens never pass.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import HTTPConnection

from server.channel.resume_tokens import InvalidResumeToken, ResumeTokens
from server.records.agents import authenticate_agent, credential_mark
from server.records.models import Agent, Handoff
from server.runtime import Runtime

CONSOLE_COOKIE = "tideline_console"
# Told to every refused caller alike, so a response never says whether a token exists.
REFUSAL = "Sign in with an agent token: 'Authorization: Bearer <token>'."
# Told only to a caller whose token or cookie is right: the account itself is switched off.
DISABLED = "This agent account has been disabled; ask a supervisor or an administrator."
# Told to an open console whose agent's token was rotated since it signed in.
SIGNED_OUT = "Your sign-in has ended: this agent's token was replaced. Sign in with the new token."


class AccountDisabled(Exception):
    """A valid token or console cookie of an agent who has been disabled."""


@dataclass(frozen=True)
class DeskAgent:
    """The signed-in agent, detached from any database session."""

    id: str
    name: str
    role: str
    credential: str = ""  # records.agents.credential_mark: signs the console session cookie

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    def can_read(self, handoff: Handoff) -> bool:
        """Agents read the queue and what they claimed; supervisors read everything."""
        return self.is_supervisor or handoff.status == "waiting" or handoff.claimed_by == self.id

    def sees_live_scores(self, setting: str) -> bool:
        """Whether the console shows this agent the customer's scores while they chat."""
        return self.is_supervisor or setting == "everyone"


def console_session_tokens(
    secret: bytes, *, hours: float, previous: tuple[bytes, ...] = ()
) -> ResumeTokens:
    """Signs console session cookies (an agent id, its credential mark and when it was issued)."""
    return ResumeTokens(
        secret, previous=previous, max_age_s=hours * 3600.0, purpose=b"tideline console session"
    )


def session_subject(agent: DeskAgent) -> str:
    """What a console cookie vouches for: this agent, signed in with its current token."""
    return f"{agent.id}:{agent.credential}"


def bearer_token(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def same_origin(connection: HTTPConnection) -> bool:
    """False when a browser says the call comes from another site's page."""
    origin = connection.headers.get("origin")
    if origin is None:
        return True  # not sent by browsers for same-origin GETs; SameSite keeps the cookie home
    return urlsplit(origin).netloc == connection.headers.get("host", "")


def _desk_agent(engine: Engine, *, token: str | None, subject: str | None) -> DeskAgent | None:
    """The agent of a bearer token or a cookie's subject; raises ``AccountDisabled`` for a right
    credential of a disabled account."""
    with Session(engine) as session:
        agent: Agent | None = None
        if token is not None:
            agent = authenticate_agent(session=session, token=token, include_disabled=True)
        elif subject is not None:
            agent_id, _, mark = subject.partition(":")
            agent = session.get(Agent, agent_id)
            if agent is not None and not hmac.compare_digest(credential_mark(agent), mark):
                agent = None  # signed in with a token that has since been rotated
        if agent is None:
            return None
        if agent.disabled:
            raise AccountDisabled(agent.id)
        return DeskAgent(
            id=agent.id, name=agent.name, role=agent.role, credential=credential_mark(agent)
        )


async def check_token(runtime: Runtime, token: str) -> DeskAgent | None:
    """The active agent a bearer token belongs to (None for anything else; ``AccountDisabled``
    for a disabled agent's)."""
    return await asyncio.to_thread(_desk_agent, runtime.engine, token=token, subject=None)


async def authenticate(
    connection: HTTPConnection, runtime: Runtime, sessions: ResumeTokens
) -> DeskAgent | None:
    """The caller's agent from the bearer token, else from the session cookie; None if neither.

    Raises ``AccountDisabled`` when the credential is right but the account is disabled.
    """
    token = bearer_token(connection)
    if token is not None:
        return await check_token(runtime, token)
    cookie = connection.cookies.get(CONSOLE_COOKIE)
    if cookie is None or not same_origin(connection):
        return None
    try:
        subject = sessions.verify(cookie)
    except InvalidResumeToken:
        return None
    # The account is read again each time: a disabled agent's cookie stops working at once.
    return await asyncio.to_thread(_desk_agent, runtime.engine, token=None, subject=subject)


def still_signed_in(engine: Engine, agent: DeskAgent) -> str | None:
    """None while the signed-in agent may go on; else why not: ``account_disabled``, or
    ``signed_out`` when its token was rotated (or the account is gone)."""
    with Session(engine) as session:
        row = session.get(Agent, agent.id)
        if row is not None and row.disabled:
            return "account_disabled"
        if row is None or not hmac.compare_digest(credential_mark(row), agent.credential):
            return "signed_out"
    return None
