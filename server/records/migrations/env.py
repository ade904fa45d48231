"""Alembic's entry point: runs the records revisions on the connection the caller passes in.

Callers go through `server.records.migrations` (`init_db`, `tideline db upgrade`), which holds
the lock, adopts databases made before migrations existed, and passes the connection in
``config.attributes["connection"]``. No alembic.ini is shipped, so there is no URL to fall back on.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import String
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from server.records import models  # noqa: F401  (registers the tables on SQLModel.metadata)


def render_item(type_: str, obj: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    """Write SQLModel's AutoString as plain ``sa.String`` so revisions need no sqlmodel import."""
    if type_ == "type" and isinstance(obj, AutoString):
        length = cast(String, obj.impl_instance).length
        return "sa.String()" if length is None else f"sa.String(length={length})"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # Every revision runs on both databases, whichever one autogenerate compared with: batch
        # operations copy the table on SQLite (which alters little in place) and are plain
        # ALTERs on PostgreSQL.
        render_as_batch=True,
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if not isinstance(_connection, Connection):
    raise RuntimeError(
        "run the records migrations with `tideline db upgrade` (or server.records.migrations), "
        "which passes the connection in; the alembic command line is not set up for them"
    )
run_migrations(_connection)
