"""The LangGraph checkpointer: SQLite under the data directory, PostgreSQL when DATABASE_URL says so."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from agent.settings import Settings


@contextmanager
def open_checkpointer(settings: Settings) -> Iterator[BaseCheckpointSaver[Any]]:
    url = settings.database_url
    if url and url.startswith(("postgresql", "postgres")):
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row

        conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(conninfo, autocommit=True, row_factory=dict_row) as pg:
            saver = PostgresSaver(pg)
            saver.setup()
            yield saver
        return
    db = sqlite3.connect(settings.checkpoint_path, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    try:
        yield SqliteSaver(db)
    finally:
        db.close()
