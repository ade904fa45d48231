"""The one lock of a conversation: its customer turns and a hand back take turns, on every process.

Within a process an asyncio lock per conversation serialises them; across processes (scaled out on
PostgreSQL) the records' advisory lock (``server/records/locks.py``) is taken inside it, so one
``hold`` covers both. Both write the conversation's graph checkpoint, which must not interleave,
and a resend must see whether its first copy was already stored.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager

from sqlalchemy.engine import Engine

from server.records.locks import conversation_lock


class ConversationLocks:
    """Per-conversation locks, each dropped once nobody holds or awaits it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite serves one process: the records' lock is a no-op there, so no thread hop for it.
        self._across_processes = engine.dialect.name == "postgresql"
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: Counter[str] = Counter()

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        """Hold the conversation for the block: waits for its other turns and moves to finish."""
        self._users[conversation_id] += 1
        try:
            lock = self._locks.setdefault(conversation_id, asyncio.Lock())
            async with lock:
                if not self._across_processes:
                    yield
                    return
                shared: AbstractContextManager[None] = conversation_lock(
                    self.engine, conversation_id
                )
                await asyncio.to_thread(shared.__enter__)
                try:
                    yield
                finally:
                    await asyncio.to_thread(shared.__exit__, None, None, None)
        finally:
            self._users[conversation_id] -= 1
            if self._users[conversation_id] <= 0:
                del self._users[conversation_id]
                self._locks.pop(conversation_id, None)
