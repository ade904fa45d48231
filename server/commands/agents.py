"""`tideline agents add NAME --role agent|supervisor`: create a console account; its token is shown once."""

from __future__ import annotations

import argparse

from sqlmodel import Session

from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import CommandError
from server.records.agents import create_agent
from server.records.db import init_db, make_engine
from server.records.errors import AgentNameTaken
from server.records.models import AGENT_ROLES


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
