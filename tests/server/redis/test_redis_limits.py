"""Per-address limits shared through Redis: each RedisAddressLimits here stands for one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from redis_relay import RedisRelay

from server.events.redis_connection import RedisUnreachable
from server.events.redis_limits import RedisAddressLimits, limits_client

pytestmark = pytest.mark.redis

REPO = Path(__file__).resolve().parents[3]
ADDRESS = "203.0.113.7"


async def open_limits(
    stack: contextlib.AsyncExitStack, url: str, prefix: str, **options: Any
) -> RedisAddressLimits:
    """One process's limits on its own Redis client."""
    client = aioredis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    stack.push_async_callback(client.aclose)
    values: dict[str, Any] = {"limit": 3, "messages_burst": 4, "messages_per_s": 2.0}
    values.update(options)
    limits = RedisAddressLimits(client, prefix=prefix, **values)
    await limits.start()
    stack.push_async_callback(limits.close)
    return limits


def test_two_processes_share_the_socket_cap_of_an_address(redis_url: str, prefix: str) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            a = await open_limits(stack, redis_url, prefix)
            b = await open_limits(stack, redis_url, prefix)
            assert await a.acquire(ADDRESS) and await a.acquire(ADDRESS)
            assert await b.acquire(ADDRESS)
            assert not await b.acquire(ADDRESS)
            assert not await a.acquire(ADDRESS)
            assert await b.acquire("198.51.100.1"), "another address has its own count"

            await a.release(ADDRESS)
            assert await b.acquire(ADDRESS), "a released socket frees a place for anyone"
            assert not await a.acquire(ADDRESS)

    asyncio.run(scenario())


def test_concurrent_acquires_never_exceed_the_cap(redis_url: str, prefix: str) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            processes = [await open_limits(stack, redis_url, prefix, limit=7) for _ in range(4)]
            attempts = [p.acquire(ADDRESS) for p in processes for _ in range(10)]
            results = await asyncio.gather(*attempts)
            assert results.count(True) == 7

    asyncio.run(scenario())


def test_a_burst_of_hundreds_of_sockets_is_limited_not_let_through(
    redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    """500 customers opening sockets at once from one process: the pool makes them wait for a
    Redis connection; none is let in unlimited because the pool ran out (found by the socket
    benchmark with redis-py's default pool of 100)."""

    async def scenario() -> None:
        client = limits_client(redis_url)
        limits = RedisAddressLimits(client, prefix=prefix, limit=450)
        await limits.start()
        try:
            results = await asyncio.gather(*(limits.acquire(ADDRESS) for _ in range(500)))
            waits = await asyncio.gather(*(limits.take_message(ADDRESS) for _ in range(300)))
        finally:
            await limits.close()
            await client.aclose()
        assert results.count(True) == 450
        assert sum(w is None for w in waits) == 20  # the default burst, shared by all

    with caplog.at_level(logging.WARNING):
        asyncio.run(scenario())
    assert "unreachable" not in caplog.text


def test_two_processes_share_the_message_allowance_of_an_address(
    redis_url: str, prefix: str
) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            a = await open_limits(stack, redis_url, prefix, messages_burst=4, messages_per_s=2.0)
            b = await open_limits(stack, redis_url, prefix, messages_burst=4, messages_per_s=2.0)
            assert [await a.take_message(ADDRESS) for _ in range(2)] == [None, None]
            assert [await b.take_message(ADDRESS) for _ in range(2)] == [None, None]

            wait = await a.take_message(ADDRESS)
            assert wait is not None and 0 < wait <= 0.5
            again = await b.take_message(ADDRESS)
            assert again is not None and 0 < again <= wait, "the other process is refused too"
            assert await b.take_message("198.51.100.1") is None, "another address has its own"

            await asyncio.sleep(again + 0.02)
            assert await b.take_message(ADDRESS) is None, "one message refilled"
            refused = await a.take_message(ADDRESS)
            assert refused is not None and 0 < refused <= 0.5, "and only one"

    asyncio.run(scenario())


def test_a_crashed_process_stops_counting_after_the_lease_time(redis_url: str, prefix: str) -> None:
    crashing = textwrap.dedent(
        f"""
        import asyncio, os
        import redis.asyncio as aioredis
        from server.events.redis_limits import RedisAddressLimits, limits_client

        async def main():
            client = aioredis.Redis.from_url({redis_url!r})
            limits = RedisAddressLimits(client, prefix={prefix!r}, limit=3, lease_ttl_s=3.0)
            await limits.start()
            assert await limits.acquire({ADDRESS!r}) and await limits.acquire({ADDRESS!r})
            os._exit(0)  # no release, no close: the process dies holding both sockets

        asyncio.run(main())
        """
    )

    # A 3 s lease: long enough that a loaded machine still checks the crashed sockets while they
    # are counted, short enough to keep the test quick.
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            # The survivor keeps a socket of the same address open all along.
            survivor = await open_limits(stack, redis_url, prefix, limit=3, lease_ttl_s=3.0)
            assert await survivor.acquire(ADDRESS)
            crash = await asyncio.create_subprocess_exec(sys.executable, "-c", crashing, cwd=REPO)
            assert await crash.wait() == 0
            crashed_at = time.monotonic()
            assert not await survivor.acquire(ADDRESS)
            while not await survivor.acquire(ADDRESS):
                assert time.monotonic() - crashed_at < 8.0, "the crashed leases never expired"
                await asyncio.sleep(0.05)
            assert time.monotonic() - crashed_at > 1.0
            assert await survivor.acquire(ADDRESS), "both crashed sockets are gone"
            assert not await survivor.acquire(ADDRESS)

    asyncio.run(scenario())


def test_a_live_process_keeps_its_sockets_counted_past_the_lease_time(
    redis_url: str, prefix: str
) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            a = await open_limits(stack, redis_url, prefix, limit=2, lease_ttl_s=0.6)
            b = await open_limits(stack, redis_url, prefix, limit=2, lease_ttl_s=0.6)
            assert await a.acquire(ADDRESS) and await a.acquire(ADDRESS)
            await asyncio.sleep(1.5)  # 2.5 lease times: renewed, not expired
            assert not await b.acquire(ADDRESS)
            await a.close()  # a clean shutdown gives its places back at once
            assert await b.acquire(ADDRESS) and await b.acquire(ADDRESS)

    asyncio.run(scenario())


def test_limits_allow_while_redis_is_unreachable_and_apply_again_after(
    redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        relay = RedisRelay()
        await relay.start()
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(relay.cut)
            limits = await open_limits(stack, relay.url, prefix, limit=1, messages_burst=1)
            assert await limits.acquire(ADDRESS)
            assert await limits.take_message(ADDRESS) is None

            await relay.cut()
            assert await limits.acquire(ADDRESS), "a Redis outage does not lock customers out"
            assert await limits.take_message(ADDRESS) is None
            await limits.release(ADDRESS)  # the socket let in during the outage

            await relay.start()
            assert not await limits.acquire(ADDRESS), "the first socket still counts"
            assert await limits.take_message(ADDRESS) is not None

        warnings = [r for r in caplog.records if r.name == "server.events.redis_limits"]
        assert len([r for r in warnings if "unreachable" in r.getMessage()]) == 1

    with caplog.at_level(logging.INFO, logger="server.events.redis_limits"):
        asyncio.run(scenario())


def test_start_names_redis_url_when_redis_is_down(prefix: str) -> None:
    async def scenario() -> None:
        client = aioredis.Redis.from_url("redis://127.0.0.1:1/0")
        try:
            limits = RedisAddressLimits(client, prefix=prefix, limit=2)
            with pytest.raises(RedisUnreachable, match="REDIS_URL") as raised:
                await limits.start()
            assert "127.0.0.1:1" in str(raised.value)
        finally:
            await client.aclose()

    asyncio.run(scenario())
