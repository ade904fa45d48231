"""Reaching Redis: which errors mean "not reachable now", the start-up error, reconnection backoff,
and names that tell this process's connections apart in CLIENT LIST.

Shared by the event bus (``server/events/redis_bus.py``) and the per-address limits
(``server/events/redis_limits.py``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import secrets
import socket
from urllib.parse import urlsplit

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Errors that mean "Redis cannot be reached right now": retried with backoff, never fatal.
CONNECTION_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError, TimeoutError)

START_REDIS = (
    "start Redis (e.g. `service redis-server start` or `docker run -p 6379:6379 redis:7`), "
    "point REDIS_URL at a running server, or unset REDIS_URL to run one process on the "
    "in-process bus"
)


class RedisUnreachable(RuntimeError):
    """Redis could not be reached when the server started."""


def unreachable_error(where: str, exc: BaseException) -> RedisUnreachable:
    """The start-up error naming the server, REDIS_URL and what to start."""
    return RedisUnreachable(f"Redis is not reachable at {where} (REDIS_URL): {exc}. {START_REDIS}.")


def redacted_url(url: str) -> str:
    """The URL without its user name and password, for messages and logs."""
    parts = urlsplit(url)
    if parts.hostname is None:
        return f"{parts.scheme}://{parts.path}"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    port = f":{parts.port}" if parts.port is not None else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def instance_id() -> str:
    """Host, process id and a random part: unique to one object of one process."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def client_name(text: str) -> str:
    """``text`` as Redis accepts it for CLIENT SETNAME (no spaces or newlines)."""
    return re.sub(r"[^!-~]", "_", text)


class Backoff:
    """Delays between reconnection attempts: doubling from ``first_s`` up to ``max_s``, jittered
    so that processes losing Redis together spread their attempts."""

    def __init__(self, *, first_s: float, max_s: float) -> None:
        self.first_s = first_s
        self.max_s = max_s
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        delay = min(self.max_s, self.first_s * 2.0 ** (self.failures - 1))
        return delay * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.failures = 0


def report_crash(task: asyncio.Task[None]) -> None:
    """Log a background task that stopped on a bug, when it stops rather than at shutdown."""
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("%s stopped", task.get_name(), exc_info=exc)
