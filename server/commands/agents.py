"""`tideline agents add|disable|rotate NAME`: console accounts; a token is shown once, when made."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import CommandError
from server.records.agents import agent_named, create_agent, disable_agent, rotate_agent_token
from server.records.db import init_db, make_engine
from server.records.errors import AgentNameTaken, AgentNotFound
from server.records.models import AGENT_ROLES, Agent

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("agents", help="human agents and supervisors")
    actions = parser.add_subparsers(dest="agents_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add an agent and print its token (once)",
        description="Add a human agent or supervisor. The token is printed once and only its "
        "salted hash is stored: keep it, it cannot be shown again.",
    )
    add_common_options(add)
    add.add_argument("name", help="the agent's display name (unique)")
    add.add_argument("--role", choices=AGENT_ROLES, default="agent")
    add.set_defaults(handler=run_add)
    disable = actions.add_parser(
        "disable",
        help="switch an agent's account off (its token and console sessions stop at once)",
        description="Disable an agent: its token and signed-in consoles are refused from the next "
        "request on, with a message saying the account is disabled. Its past work stays "
        "attributed to it.",
    )
    add_common_options(disable)
    disable.add_argument("name", help="the agent's display name")
    disable.set_defaults(handler=run_disable)
    rotate = actions.add_parser(
        "rotate",
        help="give an agent a new token (printed once); the old one stops working",
        description="Replace an agent's token: the new one is printed once, the old token and the "
        "console sessions signed in with it stop working at once.",
    )
    add_common_options(rotate)
    rotate.add_argument("name", help="the agent's display name")
    rotate.set_defaults(handler=run_rotate)


def run_add(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    engine = make_engine(settings.records_url)
    try:
        init_db(engine)
        with Session(engine) as session:
            agent, token = create_agent(session=session, name=args.name, role=args.role)
            agent_id, role = agent.id, agent.role
    except AgentNameTaken:
        raise CommandError(f"an agent named {args.name!r} already exists") from None
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
    print(f"added {role} {args.name!r} (id {agent_id})")
    print(f"token (shown once, store it now): {token}")
    return 0


def _with_agent(args: argparse.Namespace, change: Callable[[Session, Agent], T]) -> T:
    """Run ``change`` on the agent named ``args.name``, or fail with one clear line."""
    engine = make_engine(settings_from_args(args).records_url)
    try:
        init_db(engine)
        with Session(engine) as session:
            try:
                agent = agent_named(session=session, name=args.name)
            except AgentNotFound:
                raise CommandError(f"no agent named {args.name!r}") from None
            if agent.disabled:
                raise CommandError(f"the agent {args.name!r} is already disabled")
            return change(session, agent)
    finally:
        engine.dispose()


def run_disable(args: argparse.Namespace) -> int:
    def disable(session: Session, agent: Agent) -> str:
        return disable_agent(session=session, agent_id=agent.id).id

    agent_id = _with_agent(args, disable)
    print(f"disabled {args.name!r} (id {agent_id}): its token and console sessions are refused")
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    def rotate(session: Session, agent: Agent) -> str:
        return rotate_agent_token(session=session, agent_id=agent.id)

    token = _with_agent(args, rotate)
    print(f"rotated the token of {args.name!r}: the old token and its console sessions stop now")
    print(f"token (shown once, store it now): {token}")
    return 0
