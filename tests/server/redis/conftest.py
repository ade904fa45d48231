"""The Redis server on 127.0.0.1:6379 (the tests fail, never skip, when it is down) and a key and
channel prefix of its own for each test, whose keys are deleted afterwards."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/0"
START_REDIS = (
    "Redis is not reachable at 127.0.0.1:6379. Start it, e.g. `sudo service redis-server start` "
    "or `docker run -d -p 6379:6379 redis:7`"
)


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    failure = None
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        failure = f"{START_REDIS}\n({exc})"
    finally:
        client.close()
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    return REDIS_URL


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A prefix no other test (or other run) uses; its keys are deleted after the test."""
    name = f"tideline-test-{secrets.token_hex(6)}"
    yield name
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{name}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
