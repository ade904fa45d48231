"""Limits on what one socket and one address may do: token buckets and an open-socket count."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class ChannelLimits:
    """How much one customer connection and one client address may do."""

    messages_burst: int = 5  # customer messages sent back to back before the rate applies
    messages_per_s: float = 1.0
    frames_burst: int = 40  # any frame, typing included
    frames_per_s: float = 10.0
    sockets_per_address: int = 20  # open /ws/chat sockets from one IP address
    # customer messages from one IP address across all its sockets (an office behind one NAT
    # legitimately has several customers; a script opening sockets to dodge the per-socket rate
    # does not get more than this)
    address_messages_burst: int = 20
    address_messages_per_s: float = 5.0
    turn_workers: int = 4  # turns run at once (threads); more wait their turn


class TokenBucket:
    """Allows ``burst`` events at once, then ``rate`` per second."""

    def __init__(
        self, *, burst: int, rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = float(burst)
        self.rate = rate
        self.clock = clock
        self.tokens = float(burst)
        self.updated = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def retry_after(self) -> float:
        """Seconds until the next event would be allowed."""
        return max(0.0, (1.0 - self.tokens) / self.rate) if self.rate > 0 else float("inf")


class AddressLimits(Protocol):
    """Open sockets and customer messages per client address (one process, or all via Redis)."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def acquire(self, address: str) -> bool:
        """Take a socket place for ``address``; False when it has its share open."""
        ...

    async def release(self, address: str) -> None: ...

    async def take_message(self, address: str) -> float | None:
        """None when ``address`` may send a message now, else the seconds to wait."""
        ...


class AddressSockets:
    """Counts open sockets per client address, and meters their messages together, in process.

    The event loop is the only caller, so no lock is needed. ``server.events.redis_limits`` keeps the
    same limits across server processes.
    """

    def __init__(
        self, limit: int, *, messages_burst: int = 20, messages_per_s: float = 5.0
    ) -> None:
        self.limit = limit
        self.open: Counter[str] = Counter()
        self.messages_burst = messages_burst
        self.messages_per_s = messages_per_s
        self.messages: dict[str, TokenBucket] = {}

    def message_bucket(self, address: str) -> TokenBucket:
        """The shared message allowance of every socket from ``address``."""
        bucket = self.messages.get(address)
        if bucket is None:
            bucket = TokenBucket(burst=self.messages_burst, rate=self.messages_per_s)
            self.messages[address] = bucket
        return bucket

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def acquire(self, address: str) -> bool:
        if self.open[address] >= self.limit:
            return False
        self.open[address] += 1
        return True

    async def release(self, address: str) -> None:
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]
        # An address keeps what it spent after its last socket closes (reconnecting must not
        # reset the allowance); a bucket is forgotten only once it has refilled completely.
        self._forget_refilled()

    def _forget_refilled(self) -> None:
        for address in [a for a in self.messages if a not in self.open]:
            bucket = self.messages[address]
            refilled = bucket.tokens + (bucket.clock() - bucket.updated) * bucket.rate
            if refilled >= bucket.capacity:
                del self.messages[address]

    async def take_message(self, address: str) -> float | None:
        bucket = self.message_bucket(address)
        return None if bucket.take() else bucket.retry_after()


def rate_limited_message(retry_after_s: float) -> str:
    """What the customer reads when a frame is refused for speed: how long to wait, what was lost."""
    wait = max(1, round(retry_after_s))
    return (
        f"You're sending messages too quickly; please wait {wait} second"
        f"{'s' if wait != 1 else ''} and try again. Your message was not sent."
    )
