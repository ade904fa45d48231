"""Limits on what one socket and one address may do: token buckets and an open-socket count."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class ChannelLimits:
    """How much one customer connection and one client address may do."""

    messages_burst: int = 5  # customer messages sent back to back before the rate applies
    messages_per_s: float = 1.0
    frames_burst: int = 40  # any frame, typing included
    frames_per_s: float = 10.0
    sockets_per_address: int = 20  # open /ws/chat sockets from one IP address
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


class AddressSockets:
    """Counts open sockets per client address (the event loop is the only caller)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: Counter[str] = Counter()

    def acquire(self, address: str) -> bool:
        if self.open[address] >= self.limit:
            return False
        self.open[address] += 1
        return True

    def release(self, address: str) -> None:
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]
