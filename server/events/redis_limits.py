"""Per-address limits shared by every server process through Redis: open sockets and messages.

The same two limits as ``server.channel.rate_limits.AddressSockets``, counted across processes: at most
``limit`` open sockets per client address, and one token bucket of customer messages per address
(``messages_burst`` at once, then ``messages_per_s``), whichever process the sockets are on.

How open sockets are counted, and why: each open socket holds a *lease*, a member of the sorted
set ``<prefix>:sockets:<address>`` whose score is the time (Redis server time, ms) it expires.
``acquire`` runs one Lua script: drop the expired leases, refuse when ``limit`` remain, else add
one. ``release`` removes this socket's lease. A background task renews the leases this process
holds every third of ``lease_ttl_s``, so a process that crashes (or is cut off from Redis) stops
counting after at most ``lease_ttl_s`` without anyone cleaning up after it; the key itself expires
with its last lease. The price is a renewal write per address with open sockets every few seconds.
Simpler schemes were rejected: a plain INCR/DECR counter keeps a crashed process's sockets
forever, and a counter with a TTL must choose between forgetting long-lived sockets and refusing
an address long after the crash. Renewal only extends leases that still exist
(so a lease released meanwhile never comes back): the sockets of a process cut off from Redis for
longer than ``lease_ttl_s`` are no longer counted, and the cap is loose for that address until
they close.

The message bucket is a hash ``<prefix>:messages:<address>`` updated by one Lua script on Redis
server time, so processes with skewed clocks share it fairly; it expires once it would be full
again. Unlike ``AddressSockets`` it is not reset when an address closes its last socket, so
reconnecting does not buy a fresh burst.

When Redis cannot be reached the limits fail open (allow, and log once per outage): a Redis
outage should not lock every customer out of the chat. ``start`` checks Redis is reachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from typing import Any

import redis.asyncio as aioredis

from server.events.redis_connection import (
    CONNECTION_ERRORS,
    instance_id,
    report_crash,
    unreachable_error,
)

log = logging.getLogger(__name__)

_ACQUIRE = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
    return 0
end
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
"""

# Returns 0 when the message may go, else the milliseconds until it may (at least 1).
_TAKE_MESSAGE = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local burst = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - updated) * per_ms)
local wait = 0
if tokens >= 1 then
    tokens = tokens - 1
else
    wait = math.max(1, math.ceil((1 - tokens) / per_ms))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / per_ms) + 1000)
return wait
"""


# Connections one process uses for the limits. A burst of customers (hundreds of sockets opening
# at once) waits for one of these instead of failing: redis-py's plain pool refuses past its
# maximum, and a refusal would let the burst through unlimited.
POOL_CONNECTIONS = 32
POOL_WAIT_S = 10.0


def limits_client(url: str) -> aioredis.Redis:
    """A Redis client for the limits whose connection pool makes callers wait, never refuses."""
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=POOL_CONNECTIONS,
        timeout=POOL_WAIT_S,
        socket_timeout=2.0,
        socket_connect_timeout=2.0,
    )
    return aioredis.Redis.from_pool(pool)


class RedisAddressLimits:
    """Open sockets and customer messages per client address, across all server processes.

    Call ``start`` before the first ``acquire`` (it renews this process's leases) and ``close``
    at shutdown. The Redis client belongs to the caller, who closes it.
    """

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str,
        limit: int,
        messages_burst: int = 20,
        messages_per_s: float = 5.0,
        lease_ttl_s: float = 30.0,
    ) -> None:
        if messages_burst < 1 or messages_per_s <= 0:
            raise ValueError("messages_burst must be at least 1 and messages_per_s positive")
        self.client = client
        self.prefix = prefix
        self.limit = limit
        self.messages_burst = messages_burst
        self.messages_per_s = messages_per_s
        self.lease_ttl_ms = max(1, round(lease_ttl_s * 1000))
        self._acquire = client.register_script(_ACQUIRE)
        self._take_message = client.register_script(_TAKE_MESSAGE)
        self._process = instance_id()
        self._numbers = itertools.count(1)
        # The leases this process holds, per address; None for a socket let in while Redis was
        # unreachable, which holds no lease.
        self._leases: dict[str, list[str | None]] = {}
        self._renewal: asyncio.Task[None] | None = None
        self._closed = False
        self._degraded = False

    async def start(self) -> None:
        """Check Redis is reachable and start renewing this process's leases."""
        if self._renewal is not None or self._closed:
            raise RuntimeError("RedisAddressLimits can only be started once")
        try:
            await self.client.ping()
        except CONNECTION_ERRORS as exc:
            raise unreachable_error(self._server(), exc) from exc
        self._renewal = asyncio.create_task(self._renew_forever(), name="redis-limits-renewal")
        self._renewal.add_done_callback(report_crash)

    async def close(self) -> None:
        """Stop renewing and give back the leases still held (best effort)."""
        self._closed = True
        if self._renewal is not None:
            self._renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewal
        leases = self._leases
        self._leases = {}
        with contextlib.suppress(*CONNECTION_ERRORS):
            async with self.client.pipeline(transaction=False) as pipe:
                for address, held in leases.items():
                    members = [lease for lease in held if lease is not None]
                    if members:
                        pipe.zrem(self._sockets_key(address), *members)
                await pipe.execute()

    async def acquire(self, address: str) -> bool:
        """Count one more open socket from ``address``; False when it already has ``limit``."""
        if self._renewal is None or self._closed:
            raise RuntimeError("call start() before acquire(), and not after close()")
        lease = f"{self._process}:{next(self._numbers)}"
        try:
            allowed = await self._acquire(
                keys=[self._sockets_key(address)], args=[self.limit, self.lease_ttl_ms, lease]
            )
        except CONNECTION_ERRORS as exc:
            self._fail_open(exc)
            self._leases.setdefault(address, []).append(None)
            return True
        self._recovered()
        if not allowed:
            return False
        self._leases.setdefault(address, []).append(lease)
        return True

    async def release(self, address: str) -> None:
        """Count one socket from ``address`` fewer."""
        held = self._leases.get(address)
        if not held:
            return
        lease = held.pop()
        if not held:
            del self._leases[address]
        if lease is None:
            return
        try:
            await self.client.zrem(self._sockets_key(address), lease)
        except CONNECTION_ERRORS as exc:
            # No longer renewed, the lease expires by itself within lease_ttl_s.
            self._fail_open(exc)

    async def take_message(self, address: str) -> float | None:
        """None when ``address`` may send one more message now, else the seconds to wait."""
        try:
            wait_ms = await self._take_message(
                keys=[self._messages_key(address)],
                args=[self.messages_burst, repr(float(self.messages_per_s))],
            )
        except CONNECTION_ERRORS as exc:
            self._fail_open(exc)
            return None
        self._recovered()
        return int(wait_ms) / 1000 if wait_ms else None

    def _sockets_key(self, address: str) -> str:
        return f"{self.prefix}:sockets:{address}"

    def _messages_key(self, address: str) -> str:
        return f"{self.prefix}:messages:{address}"

    def _server(self) -> str:
        kwargs: dict[str, Any] = self.client.connection_pool.connection_kwargs
        if "path" in kwargs:
            return f"unix://{kwargs['path']}"
        return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"

    def _fail_open(self, exc: BaseException) -> None:
        if not self._degraded:
            self._degraded = True
            log.warning("address limits: Redis unreachable (%s); allowing until it is back", exc)

    def _recovered(self) -> None:
        if self._degraded:
            self._degraded = False
            log.info("address limits: Redis reachable again; limits apply")

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.lease_ttl_ms / 3000)
            try:
                await self._renew()
            except CONNECTION_ERRORS as exc:
                log.warning("address limits: cannot renew socket leases on Redis (%s)", exc)

    async def _renew(self) -> None:
        """Push back the expiry of every lease this process holds, in one round trip."""
        held = {
            address: [lease for lease in leases if lease is not None]
            for address, leases in self._leases.items()
        }
        held = {address: leases for address, leases in held.items() if leases}
        if not held:
            return
        seconds, microseconds = await self.client.time()
        expiry = seconds * 1000 + microseconds // 1000 + self.lease_ttl_ms
        async with self.client.pipeline(transaction=False) as pipe:
            for address, leases in held.items():
                key = self._sockets_key(address)
                # XX: a lease released while this ran must not come back
                pipe.zadd(key, dict.fromkeys(leases, expiry), xx=True)
                pipe.pexpire(key, self.lease_ttl_ms)
            await pipe.execute()
