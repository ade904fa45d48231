"""`tideline db upgrade` and `tideline db current`: the records database's schema revision."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError

from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import CommandError
from server.records import migrations
from server.records.db import make_engine
from server.settings import ServerSettings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("db", help="the records database's schema")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade",
        help="apply the migrations the database lacks",
        description="Bring the records database (SQLite under --data-dir, or DATABASE_URL) to "
        "the current schema. Safe to run again, and while servers run on it.",
    )
    current = actions.add_parser("current", help="show the database's schema revision")
    for action, handler in ((upgrade, run_upgrade), (current, run_current)):
        add_common_options(action)
        action.set_defaults(handler=handler)


def run_upgrade(args: argparse.Namespace) -> int:
    with records_engine(settings_from_args(args)) as engine:
        print(f"database: {engine.url.render_as_string(hide_password=True)}")
        result = migrations.upgrade(engine)
    if result.adopted:
        before = f"none (tables from before migrations, adopted at {migrations.BASELINE})"
    else:
        before = describe(result.before, empty="none (empty database)")
    print(f"before: {before}")
    print(f"after: {describe(result.after)}")
    return 0


def run_current(args: argparse.Namespace) -> int:
    with records_engine(settings_from_args(args)) as engine:
        print(f"database: {engine.url.render_as_string(hide_password=True)}")
        revision = migrations.current_revision(engine)
    print(f"revision: {describe(revision, empty='none (run `tideline db upgrade`)')}")
    return 0


def describe(revision: str | None, *, empty: str = "none") -> str:
    if revision is None:
        return empty
    head = migrations.head_revision()
    if revision == head:
        return f"{revision} (head)"
    if not migrations.is_known(revision):
        return f"{revision} (newer than this Tideline, whose head is {head})"
    return f"{revision} (head is {head})"


@contextmanager
def records_engine(settings: ServerSettings) -> Iterator[Engine]:
    """The records engine, with a bad URL or an unreachable database as a one-line error."""
    source = "DATABASE_URL" if settings.database_url else "the SQLite file"
    try:
        engine = make_engine(settings.records_url)
    except (ArgumentError, ImportError) as exc:
        raise CommandError(f"{source} is not a database URL Tideline can open ({exc})") from None
    where = engine.url.render_as_string(hide_password=True)
    try:
        yield engine
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise CommandError(f"records database {where} ({source}): {reason}") from None
    except migrations.MigrationError as exc:
        raise CommandError(f"records database {where}: {exc}") from None
    finally:
        engine.dispose()
