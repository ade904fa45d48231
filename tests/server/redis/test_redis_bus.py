"""The Redis event bus between server processes: each bus object here stands for one process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis.asyncio as aioredis
from redis_relay import RedisRelay

from server.events.bus import Frame, conversation_topic
from server.events.redis_bus import RedisEventBus
from server.events.redis_connection import RedisUnreachable

pytestmark = pytest.mark.redis

CHAT = conversation_topic("c-1")


class Received:
    """A bus handler that keeps what it is given."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Frame]] = []

    def __call__(self, topic: str, frame: Frame) -> None:
        self.events.append((topic, frame))

    async def until(self, count: int) -> None:
        await eventually(lambda: len(self.events) >= count, f"{count} frames arrive")

    def numbers(self, topic: str, sender: str | None = None) -> list[int]:
        return [f["n"] for t, f in self.events if t == topic and sender in (None, f.get("sender"))]


async def eventually(check: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.002)


async def open_bus(
    stack: contextlib.AsyncExitStack, url: str, prefix: str, **options: Any
) -> tuple[RedisEventBus, Received]:
    bus = RedisEventBus(url, prefix=prefix, **options)
    received = Received()
    bus.listen(received)
    await bus.start()
    stack.push_async_callback(bus.close)
    return bus, received


async def kill_connection(url: str, name: str) -> None:
    """Have Redis drop the client connection called ``name``, as a restart or a proxy would."""
    admin = aioredis.Redis.from_url(url, decode_responses=True)
    try:
        ids = [c["id"] for c in await admin.client_list() if c["name"] == name]
        assert ids, f"no connection named {name}"
        for client_id in ids:
            await admin.client_kill_filter(_id=client_id)
    finally:
        await admin.aclose()


def test_frames_reach_every_process_in_the_order_each_process_published_them(
    redis_url: str, prefix: str
) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            a, got_a = await open_bus(stack, redis_url, prefix)
            b, got_b = await open_bus(stack, redis_url, prefix)
            assert a.healthy() and b.healthy()
            for n in range(500):  # both publish at once, as fast as the loop allows
                a.publish(CHAT, {"type": "token", "sender": "a", "n": n})
                b.publish("desk", {"type": "queue", "sender": "b", "n": n})
            for got in (got_a, got_b):
                await got.until(1000)
                assert got.numbers(CHAT, "a") == list(range(500))
                assert got.numbers("desk", "b") == list(range(500))
                assert {topic for topic, _ in got.events} == {CHAT, "desk"}

    asyncio.run(scenario())


def test_a_frame_published_as_soon_as_start_returns_is_received(
    redis_url: str, prefix: str
) -> None:
    async def scenario() -> None:
        # The new process is 50 ms away from Redis; the one publishing is next to it.
        relay = RedisRelay(latency_s=0.05)
        await relay.start()
        other_process = aioredis.Redis.from_url(redis_url)
        try:
            for n in range(3):
                async with contextlib.AsyncExitStack() as stack:
                    _, got = await open_bus(stack, relay.url, prefix)
                    frame = json.dumps({"type": "queue", "n": n})
                    assert await other_process.publish(f"{prefix}:desk", frame) >= 1
                    await got.until(1)
                    assert got.events == [("desk", {"type": "queue", "n": n})]
        finally:
            await other_process.aclose()
            await relay.cut()

    asyncio.run(scenario())


def test_start_names_redis_url_and_what_to_start_when_redis_is_down(prefix: str) -> None:
    async def scenario() -> None:
        bus = RedisEventBus("redis://tideline:s3cret@127.0.0.1:1/0", prefix=prefix)
        with pytest.raises(RedisUnreachable) as raised:
            await bus.start()
        message = str(raised.value)
        assert "REDIS_URL" in message and "redis-server" in message
        assert "127.0.0.1:1" in message and "s3cret" not in message
        assert not bus.healthy()
        await bus.close()

    asyncio.run(scenario())


def test_a_killed_subscription_is_reported_then_restored(redis_url: str, prefix: str) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            a, got_a = await open_bus(stack, redis_url, prefix)
            b, got_b = await open_bus(stack, redis_url, prefix, reconnect_first_s=0.4)

            await kill_connection(redis_url, f"{b.connection_name}:listener")
            await eventually(lambda: not b.healthy(), "b reports the lost connection")
            assert a.healthy()
            # b's frames wait for its listener, so b's own sockets get them too
            for n in range(3):
                b.publish(CHAT, {"type": "message", "sender": "b", "n": n})
            await eventually(b.healthy, "b is connected again")

            a.publish(CHAT, {"type": "message", "sender": "a", "n": 0})
            for got in (got_a, got_b):
                await got.until(4)
                assert got.numbers(CHAT, "b") == [0, 1, 2]
                assert got.numbers(CHAT, "a") == [0]

    asyncio.run(scenario())


def test_a_killed_publisher_connection_loses_no_frame(redis_url: str, prefix: str) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            a, _ = await open_bus(stack, redis_url, prefix, reconnect_first_s=0.05)
            _, got_b = await open_bus(stack, redis_url, prefix)
            for n in range(100):
                a.publish(CHAT, {"type": "token", "n": n})
                if n == 50:
                    await kill_connection(redis_url, f"{a.connection_name}:publisher")
            await eventually(lambda: got_b.numbers(CHAT)[-1:] == [99], "the last frame arrives")
            # At least once: a batch whose answer was lost with the connection is sent again,
            # so frames may come twice, but first arrivals are all there and in order.
            assert list(dict.fromkeys(got_b.numbers(CHAT))) == list(range(100))
            await eventually(a.healthy, "a is healthy")

    asyncio.run(scenario())


def test_frames_published_while_redis_is_unreachable_are_sent_after_reconnecting(
    redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        relay = RedisRelay()
        await relay.start()
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(relay.cut)
            a, got_a = await open_bus(
                stack, relay.url, prefix, max_pending=30, reconnect_first_s=0.05
            )
            _, got_b = await open_bus(stack, redis_url, prefix)

            await relay.cut()
            await eventually(lambda: not a.healthy(), "a reports Redis unreachable")
            for n in range(40):
                a.publish(CHAT, {"type": "token", "n": n})
            await asyncio.sleep(0.5)  # several failed reconnection attempts
            assert not a.healthy() and got_b.events == []

            await relay.start()
            await eventually(a.healthy, "a is connected again")
            for got in (got_a, got_b):
                await got.until(30)
                assert got.numbers(CHAT) == list(range(10, 40))  # the 10 oldest were dropped

        logged = [r.getMessage() for r in caplog.records if r.name == "server.events.redis_bus"]
        assert any("dropped the oldest" in m for m in logged)
        assert any("lost the Redis subscription" in m for m in logged)

    with caplog.at_level(logging.INFO, logger="server.events.redis_bus"):
        asyncio.run(scenario())


def test_a_connection_gone_silent_is_detected_and_replaced(redis_url: str, prefix: str) -> None:
    async def scenario() -> None:
        relay = RedisRelay()
        await relay.start()
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(relay.cut)
            a, got_a = await open_bus(
                stack, relay.url, prefix, ping_interval_s=0.1, reconnect_first_s=0.05
            )
            b, _ = await open_bus(stack, redis_url, prefix)

            relay.freeze()  # nothing is closed: only unanswered PINGs can tell
            await eventually(lambda: not a.healthy(), "a notices the silence")
            relay.thaw()
            await eventually(a.healthy, "a is connected again")
            b.publish(CHAT, {"type": "message", "n": 1})
            await eventually(lambda: got_a.numbers(CHAT) == [1], "b's frame reaches a")

    asyncio.run(scenario())


def test_close_sends_what_was_queued(redis_url: str, prefix: str) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            _, got_b = await open_bus(stack, redis_url, prefix)
            a = RedisEventBus(redis_url, prefix=prefix)
            await a.start()
            for n in range(2000):
                a.publish(CHAT, {"type": "token", "n": n})
            await a.close()
            assert not a.healthy()
            a.publish(CHAT, {"type": "token", "n": 2000})  # after close: dropped, no error
            await eventually(lambda: len(got_b.events) == 2000, "the queued frames arrive")
            assert got_b.numbers(CHAT) == list(range(2000))

    asyncio.run(scenario())


def test_close_gives_up_after_its_timeout_when_redis_is_unreachable(prefix: str) -> None:
    async def scenario() -> None:
        relay = RedisRelay()
        await relay.start()
        bus = RedisEventBus(relay.url, prefix=prefix, flush_timeout_s=0.3)
        await bus.start()
        await relay.cut()
        bus.publish(CHAT, {"type": "token", "n": 0})
        began = time.monotonic()
        await bus.close()
        assert time.monotonic() - began < 2.0
        assert not bus.healthy()

    asyncio.run(scenario())


def test_a_failing_handler_does_not_stop_delivery(redis_url: str, prefix: str) -> None:
    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            bus, got = await open_bus(stack, redis_url, prefix)

            def handler(topic: str, frame: Frame) -> None:
                if frame["n"] == 0:
                    raise RuntimeError("a socket went away mid-send")
                got(topic, frame)

            bus.listen(handler)
            bus.publish(CHAT, {"type": "token", "n": 0})
            bus.publish(CHAT, {"type": "token", "n": 1})
            await eventually(lambda: got.numbers(CHAT) == [1], "the second frame arrives")
            assert bus.healthy()

    asyncio.run(scenario())


def test_a_frame_that_is_not_json_is_refused_at_publish(redis_url: str, prefix: str) -> None:
    bus = RedisEventBus(redis_url, prefix=prefix)
    with pytest.raises(TypeError):
        bus.publish(CHAT, {"type": "token", "at": object()})
