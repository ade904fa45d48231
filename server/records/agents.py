"""Console agents and their tokens: a token is shown once and only its salted hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from server.records.clock import now_or_clock
from server.records.errors import AgentNameTaken, AgentNotFound
from server.records.models import AGENT_ROLES, Agent

# A token is "<agent id>.<secret>": the id finds the row, the secret is checked against the hash.
# The secret carries 256 random bits, so a single salted SHA-256 is enough; no slow KDF needed.
_SECRET_BYTES = 32
_SCHEME = "sha256"


def _hash_secret(secret: str, salt: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def _token_hash(secret: str) -> str:
    salt = secrets.token_hex(16)
    return f"{_SCHEME}${salt}${_hash_secret(secret, salt)}"


def create_agent(
    *, session: Session, name: str, role: str = "agent", now: float | None = None
) -> tuple[Agent, str]:
    """Add an agent; returns it with its token, which is not stored and cannot be shown again."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValueError("an agent name must be 1 to 200 characters")
    if role not in AGENT_ROLES:
        raise ValueError(f"role must be one of {', '.join(AGENT_ROLES)}, not {role!r}")
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    agent = Agent(
        name=name, role=role, token_hash=_token_hash(secret), created_at=now_or_clock(now)
    )
    session.add(agent)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise AgentNameTaken(name) from exc
    session.refresh(agent)
    return agent, f"{agent.id}.{secret}"


def get_agent(*, session: Session, agent_id: str) -> Agent:
    """The active agent with this id, else ``AgentNotFound``."""
    agent = session.get(Agent, agent_id)
    if agent is None or agent.disabled:
        raise AgentNotFound(agent_id)
    return agent


def authenticate_agent(
    *, session: Session, token: str, include_disabled: bool = False
) -> Agent | None:
    """The agent the token belongs to, or None for a wrong or malformed one (and for a disabled
    agent's, unless ``include_disabled``: the caller can then say why it is refused)."""
    agent_id, dot, secret = token.partition(".")
    if not dot or not agent_id or not secret or len(token) > 200:
        return None
    agent = session.exec(select(Agent).where(Agent.id == agent_id)).first()
    if agent is None or (agent.disabled and not include_disabled):
        return None
    scheme, _, rest = agent.token_hash.partition("$")
    salt, _, expected = rest.partition("$")
    if scheme != _SCHEME:
        return None
    if not hmac.compare_digest(_hash_secret(secret, salt), expected):
        return None
    return agent


def credential_mark(agent: Agent) -> str:
    """A short fingerprint of the agent's current token hash: console sessions carry it, so a
    rotated token ends the sessions signed in with the old one."""
    return hashlib.sha256(agent.token_hash.encode()).hexdigest()[:16]


def agent_named(*, session: Session, name: str) -> Agent:
    """The agent (active or not) with this display name, else ``AgentNotFound``."""
    agent = session.exec(select(Agent).where(Agent.name == name.strip())).first()
    if agent is None:
        raise AgentNotFound(name)
    return agent


def rotate_agent_token(*, session: Session, agent_id: str) -> str:
    """Give the agent a new token (returned, not stored); the old one and its sessions stop."""
    agent = get_agent(session=session, agent_id=agent_id)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    agent.token_hash = _token_hash(secret)
    session.add(agent)
    session.commit()
    return f"{agent.id}.{secret}"


def disable_agent(*, session: Session, agent_id: str) -> Agent:
    """Refuse the agent's token from now on; the agent's past records stay attributed."""
    agent = get_agent(session=session, agent_id=agent_id)
    agent.disabled = True
    session.add(agent)
    session.commit()
    session.refresh(agent)
    return agent
