"""The event bus across server processes: frames go through Redis pub/sub (``REDIS_URL``).

Each process keeps two connections. The publisher sends the frames queued by ``publish`` in
order on one connection, so every listener sees one process's frames in the order it published
them. The listener pattern-subscribes ``<prefix>:*`` and hands each frame to the handler on the
event loop, the process's own frames included.

Delivery is Redis pub/sub's: a process whose listener is disconnected misses what the others
publish meanwhile (a customer catches up with ``resume`` and the replay by ``seq``). While either
of this process's connections is down, its own frames wait in a bounded queue (the oldest dropped
past ``max_pending``) and go out in order after reconnecting, so its own sockets get them too. A
publish whose connection broke before Redis answered is sent again: a frame may, rarely, arrive
twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import json
import logging
import re
from collections import deque
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from server.events.bus import EventHandler, Frame
from server.events.redis_connection import (
    CONNECTION_ERRORS,
    Backoff,
    client_name,
    instance_id,
    redacted_url,
    report_crash,
    unreachable_error,
)

log = logging.getLogger(__name__)

_CONNECT_TIMEOUT_S = 5.0
_COMMAND_TIMEOUT_S = 10.0
_PUBLISH_BATCH = 200  # frames sent per round trip (pipelined, still in order)


class BusState(enum.Enum):
    NEW = "new"
    RUNNING = "running"
    CLOSING = "closing"
    CLOSED = "closed"


class RedisEventBus:
    """An ``EventBus`` on Redis pub/sub: channel ``<prefix>:<topic>``, frames as JSON text."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        max_pending: int = 10_000,
        flush_timeout_s: float = 5.0,
        reconnect_first_s: float = 0.1,
        reconnect_max_s: float = 5.0,
        ping_interval_s: float = 5.0,
    ) -> None:
        self.url = url
        self.prefix = prefix
        # Names this process's connections in CLIENT LIST: "<name>:publisher", "<name>:listener".
        self.connection_name = client_name(f"{prefix}:{instance_id()}")
        self.max_pending = max_pending
        self.flush_timeout_s = flush_timeout_s
        self.ping_interval_s = ping_interval_s
        self._reconnect = (reconnect_first_s, reconnect_max_s)
        self._pattern = re.sub(r"([*?\[\]\\])", r"\\\1", prefix) + ":*"
        self._state = BusState.NEW
        self._handler: EventHandler | None = None
        # (number, channel, JSON text); numbers tell the publisher what it has already sent
        # even when the oldest frames were dropped while a batch was in flight.
        self._pending: deque[tuple[int, str, str]] = deque()
        self._numbered = 0
        self._dropped = 0
        self._wakeup = asyncio.Event()
        self._listening = asyncio.Event()
        self._publisher_ok = False
        self._publisher: aioredis.Redis | None = None
        self._subscriber: aioredis.Redis | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._resubscribed: list[Callable[[], None]] = []

    # -- EventBus ------------------------------------------------------------------------------

    def on_resubscribe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on the event loop) each time the subscription comes back after a
        loss: frames other processes published meanwhile were not received."""
        self._resubscribed.append(callback)

    def listen(self, handler: EventHandler) -> None:
        self._handler = handler

    def publish(self, topic: str, frame: Frame) -> None:
        """Queue the frame for the publisher task; raises TypeError for a non-JSON frame."""
        payload = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
        if self._state in (BusState.CLOSING, BusState.CLOSED):
            log.debug("event bus closed: frame on %s not sent", topic)
            return
        self._numbered += 1
        self._pending.append((self._numbered, f"{self.prefix}:{topic}", payload))
        if len(self._pending) > self.max_pending:
            self._pending.popleft()
            self._dropped += 1
            if self._dropped == 1 or self._dropped % 1000 == 0:
                log.warning(
                    "event bus queue full (%d frames waiting for Redis): dropped the oldest "
                    "(%d dropped so far)",
                    self.max_pending,
                    self._dropped,
                )
        self._wakeup.set()

    async def start(self) -> None:
        """Connect both connections; returns once the subscription is active."""
        if self._state is not BusState.NEW:
            raise RuntimeError(f"cannot start an event bus that is {self._state.value}")
        try:
            self._publisher = self._client("publisher", command_timeout_s=_COMMAND_TIMEOUT_S)
            self._subscriber = self._client("listener", command_timeout_s=None)
            await self._publisher.ping()
            pubsub = await self._subscribe()
        except CONNECTION_ERRORS as exc:
            await self._close_clients()
            raise unreachable_error(redacted_url(self.url), exc) from exc
        except BaseException:
            await self._close_clients()
            raise
        self._publisher_ok = True
        self._listening.set()
        self._state = BusState.RUNNING
        self._tasks = [
            asyncio.create_task(self._run_listener(pubsub), name="redis-bus-listener"),
            asyncio.create_task(self._run_publisher(), name="redis-bus-publisher"),
        ]
        for task in self._tasks:
            task.add_done_callback(report_crash)  # healthy() turns False too

    async def close(self) -> None:
        """Send what is queued (for at most ``flush_timeout_s``), then disconnect."""
        if self._state in (BusState.CLOSING, BusState.CLOSED):
            return
        started = self._state is BusState.RUNNING
        self._state = BusState.CLOSING
        if started:
            _, publisher = self._tasks
            self._wakeup.set()
            flushed, _ = await asyncio.wait({publisher}, timeout=self.flush_timeout_s)
            if not flushed:
                log.warning(
                    "event bus closed with %d frames not sent: Redis did not take them within %.1fs",
                    len(self._pending),
                    self.flush_timeout_s,
                )
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._pending.clear()
        self._listening.clear()
        self._publisher_ok = False
        await self._close_clients()
        self._state = BusState.CLOSED

    def healthy(self) -> bool:
        return (
            self._state is BusState.RUNNING
            and self._listening.is_set()
            and self._publisher_ok
            and not any(task.done() for task in self._tasks)
        )

    # -- connections -----------------------------------------------------------------------------

    def _client(self, role: str, *, command_timeout_s: float | None) -> aioredis.Redis:
        return aioredis.Redis.from_url(
            self.url,
            decode_responses=True,
            client_name=f"{self.connection_name}:{role}",
            socket_connect_timeout=_CONNECT_TIMEOUT_S,
            socket_timeout=command_timeout_s,
            # This module retries with its own backoff and reports health meanwhile.
            retry=Retry(NoBackoff(), 0),
        )

    async def _close_clients(self) -> None:
        for client in (self._publisher, self._subscriber):
            if client is not None:
                with contextlib.suppress(*CONNECTION_ERRORS):
                    await client.aclose()
        self._publisher = self._subscriber = None

    def _backoff(self) -> Backoff:
        first_s, max_s = self._reconnect
        return Backoff(first_s=first_s, max_s=max_s)

    async def _subscribe(self) -> PubSub:
        """A pubsub connection whose pattern subscription Redis has confirmed."""
        assert self._subscriber is not None
        pubsub = self._subscriber.pubsub()
        try:
            async with asyncio.timeout(_CONNECT_TIMEOUT_S):
                await pubsub.psubscribe(self._pattern)
                while True:
                    message = await pubsub.get_message(timeout=_CONNECT_TIMEOUT_S)
                    if message is not None and message["type"] == "psubscribe":
                        return pubsub
        except BaseException:
            await _discard(pubsub)
            raise

    # -- listener --------------------------------------------------------------------------------

    async def _run_listener(self, pubsub: PubSub | None) -> None:
        backoff = self._backoff()
        silent_reads = 0
        try:
            while True:
                if pubsub is None:
                    try:
                        pubsub = await self._subscribe()
                    except CONNECTION_ERRORS as exc:
                        delay = backoff.next_delay()
                        log.warning(
                            "event bus: cannot subscribe on Redis (%s); attempt %d, next in %.1fs",
                            exc,
                            backoff.failures,
                            delay,
                        )
                        await asyncio.sleep(delay)
                        continue
                    log.info("event bus: listening on Redis again")
                    backoff.reset()
                    silent_reads = 0
                    self._listening.set()
                    self._wakeup.set()  # frames held back while we were deaf can go now
                    # Other processes' frames of the deaf spell are gone: let the sockets catch up.
                    for callback in list(self._resubscribed):
                        try:
                            callback()
                        except Exception:
                            log.exception("event bus: a resubscribe callback failed")
                try:
                    message = await pubsub.get_message(timeout=self.ping_interval_s)
                    if message is None:
                        # Quiet: a PING proves the connection is alive; three silent
                        # intervals in a row mean it is gone without having been closed.
                        silent_reads += 1
                        if silent_reads >= 3:
                            raise ConnectionError("no answer from Redis to PING")
                        await pubsub.ping()
                        continue
                except CONNECTION_ERRORS as exc:
                    self._listening.clear()
                    await _discard(pubsub)
                    pubsub = None
                    # Wait even before the first attempt: when Redis restarts, every process
                    # loses it at once and should not all come back in the same instant.
                    delay = backoff.next_delay()
                    log.warning(
                        "event bus: lost the Redis subscription (%s); reconnecting in %.1fs",
                        exc,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                silent_reads = 0
                if message["type"] == "pmessage":
                    self._deliver(message["channel"], message["data"])
        finally:
            if pubsub is not None:
                await _discard(pubsub)

    def _deliver(self, channel: str, data: str) -> None:
        topic = channel[len(self.prefix) + 1 :]
        try:
            frame: Any = json.loads(data)
        except ValueError:
            log.warning("event bus: ignored a message that is not JSON on %s", channel)
            return
        if not isinstance(frame, dict):
            log.warning("event bus: ignored a message that is not a frame on %s", channel)
            return
        if self._handler is None:
            return
        try:
            self._handler(topic, frame)
        except Exception:
            log.exception("event bus: the handler failed on a frame of %s", topic)

    # -- publisher -------------------------------------------------------------------------------

    async def _run_publisher(self) -> None:
        backoff = self._backoff()
        while True:
            if not self._pending:
                if self._state is not BusState.RUNNING:
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            # Held back while the listener is deaf, so this process's own sockets get them too.
            await self._listening.wait()
            batch = list(itertools.islice(self._pending, _PUBLISH_BATCH))
            try:
                await self._send(batch)
            except CONNECTION_ERRORS as exc:
                self._publisher_ok = False
                delay = backoff.next_delay()
                log.warning(
                    "event bus: cannot publish on Redis (%s); %d frames waiting, next try in %.1fs",
                    exc,
                    len(self._pending),
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            if not self._publisher_ok:
                log.info("event bus: publishing on Redis again")
                self._publisher_ok = True
            backoff.reset()
            last_sent = batch[-1][0]
            while self._pending and self._pending[0][0] <= last_sent:
                self._pending.popleft()

    async def _send(self, batch: list[tuple[int, str, str]]) -> None:
        # One task awaiting each round trip: the pool hands it the same connection every time.
        assert self._publisher is not None
        async with self._publisher.pipeline(transaction=False) as pipe:
            for _, channel, payload in batch:
                pipe.publish(channel, payload)
            await pipe.execute()


async def _discard(pubsub: PubSub) -> None:
    with contextlib.suppress(*CONNECTION_ERRORS):
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
