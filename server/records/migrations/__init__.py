"""Alembic migrations of the records database, run from code (no alembic.ini, works installed).

`upgrade` is the one way a database gets its schema: it serialises concurrent callers, adopts a
database made by the old ``create_all`` (tables but no ``alembic_version``) by stamping it at the
baseline, and applies the revisions in ``versions/`` up to head.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent
BASELINE = "0001"

# The tables ``create_all`` made before migrations existed: all of them, or it was not Tideline.
LEGACY_TABLES = frozenset(
    {
        "agents",
        "conversations",
        "customers",
        "decisions",
        "handoffs",
        "messages",
        "ownership_changes",
        "sentiment_readings",
    }
)
# Columns the baseline has that older ``create_all`` databases lack (create_all never adds a
# column to an existing table), added before such a database is stamped:
# (table, column, type, value for the rows already there).
LEGACY_MISSING_COLUMNS: tuple[tuple[str, str, sa.types.TypeEngine[Any], str], ...] = (
    ("handoffs", "wait_raises", sa.Integer(), "0"),
)

# Processes upgrading one PostgreSQL database take turns on this advisory lock ("tideline").
PG_LOCK_KEY = int.from_bytes(b"tideline", "big")


class MigrationError(RuntimeError):
    """The database cannot be brought to the current schema without a person deciding how."""


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None  # the revision found; None for an empty or a create_all database
    after: str | None
    adopted: bool  # tables made before migrations existed were stamped at the baseline


def alembic_config(connection: Connection | None = None) -> Config:
    """A Config for the packaged scripts; env.py runs the revisions on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@cache
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = scripts().get_current_head()
    assert head is not None, "server/records/migrations/versions holds no revision"
    return head


def is_known(revision: str) -> bool:
    return any(script.revision == revision for script in scripts().walk_revisions())


def revision_of(connection: Connection) -> str | None:
    """The revision the database is at; None when it has no ``alembic_version`` row."""
    return MigrationContext.configure(connection).get_current_revision()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return revision_of(connection)


def upgrade(engine: Engine) -> UpgradeResult:
    """Bring the database to head; safe to run from several processes at once, and repeatedly."""
    with engine.connect() as connection, _exclusive(connection):
        before = revision_of(connection)
        if before is not None and not is_known(before):
            raise MigrationError(
                f"the database is at revision {before}, newer than this version of Tideline "
                f"knows (its newest is {head_revision()}): upgrade Tideline"
            )
        adopted = before is None and _adopt_create_all_tables(connection)
        config = alembic_config(connection)
        if adopted:
            command.stamp(config, BASELINE)
        if revision_of(connection) != head_revision():
            command.upgrade(config, "head")
        return UpgradeResult(before=before, after=revision_of(connection), adopted=adopted)


@contextmanager
def _exclusive(connection: Connection) -> Iterator[None]:
    """One transaction around the whole upgrade, held by one process at a time; commits on exit.

    PostgreSQL: a transaction-scoped advisory lock, so a second process waits, then finds the
    database at head. SQLite: ``BEGIN IMMEDIATE`` takes the write lock up front (the driver
    would otherwise run DDL outside any transaction), with foreign keys off as SQLite's table
    rebuilds in batch mode need, checked before commit.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(PG_LOCK_KEY)))
        yield
        connection.commit()
        return
    if connection.dialect.name != "sqlite":
        yield
        connection.commit()
        return
    # The pragma is ignored inside a transaction, so it goes first.
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
        if broken is not None:
            raise MigrationError(f"the migration broke a foreign key of table {broken[0]!r}")
        connection.commit()
    finally:
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def _adopt_create_all_tables(connection: Connection) -> bool:
    """True when the tables came from ``create_all``; they are first given the baseline's columns."""
    inspector = sa.inspect(connection)
    present = LEGACY_TABLES & set(inspector.get_table_names())
    if not present:
        return False
    if present != LEGACY_TABLES:
        missing = ", ".join(sorted(LEGACY_TABLES - present))
        raise MigrationError(
            f"the records database has no alembic_version and lacks tables {missing}: "
            "it was not made by Tideline; point DATABASE_URL at an empty database"
        )
    operations = Operations(MigrationContext.configure(connection))
    for table, name, type_, fill in LEGACY_MISSING_COLUMNS:
        if name in {column["name"] for column in inspector.get_columns(table)}:
            continue
        # The default fills the existing rows; the baseline column has none, so drop it after
        # (SQLite cannot drop a default without copying the table; there it stays, harmless).
        operations.add_column(table, sa.Column(name, type_, nullable=False, server_default=fill))
        if connection.dialect.name != "sqlite":
            operations.alter_column(table, name, server_default=None)
    return True
