"""A lock on one conversation shared by every server process: a PostgreSQL advisory lock.

Customer turns and the human side's ownership moves of one conversation must not interleave: both
write the conversation's graph checkpoint. Within a process the conversation hub serialises them;
across processes (scaled out on PostgreSQL) this lock does. SQLite is the one-process default, so
there it is a no-op. A process that dies holding the lock loses its connection, and PostgreSQL
releases the lock with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine


def _key(conversation_id: str) -> int:
    """A signed 64-bit key for ``pg_advisory_lock`` (collisions only make two chats wait)."""
    digest = hashlib.sha256(f"tideline conversation {conversation_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def conversation_lock(engine: Engine, conversation_id: str) -> Iterator[None]:
    """Hold the conversation's cross-process lock for the block (waits for another holder)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = _key(conversation_id)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()
