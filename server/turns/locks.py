"""One lock per conversation, within this process: customer turns and agents' moves take turns."""

from __future__ import annotations

import asyncio
from collections import Counter


class ConversationLocks:
    """Per-conversation asyncio locks, each dropped once nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: Counter[str] = Counter()

    def hold(self, conversation_id: str) -> _ConversationLock:
        """Serialises everything that changes one conversation: customer turns and agent moves."""
        return _ConversationLock(self, conversation_id)


class _ConversationLock:
    """A per-conversation asyncio lock, dropped from the hub once nobody holds or awaits it."""

    def __init__(self, locks: ConversationLocks, conversation_id: str) -> None:
        self.locks = locks
        self.conversation_id = conversation_id

    async def __aenter__(self) -> None:
        locks, cid = self.locks, self.conversation_id
        locks._users[cid] += 1
        lock = locks._locks.setdefault(cid, asyncio.Lock())
        try:
            await lock.acquire()
        except BaseException:
            self._release_user()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.locks._locks[self.conversation_id].release()
        self._release_user()

    def _release_user(self) -> None:
        locks, cid = self.locks, self.conversation_id
        locks._users[cid] -= 1
        if locks._users[cid] <= 0:
            del locks._users[cid]
            locks._locks.pop(cid, None)
