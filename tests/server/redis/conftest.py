"""A Redis key and channel prefix of its own for each test, whose keys are deleted afterwards (the
``redis_url`` fixture, in tests/conftest.py, fails when Redis is down)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from tests.support import delete_redis_prefix


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A prefix no other test (or other run) uses; its keys are deleted after the test."""
    name = f"tideline-test-{secrets.token_hex(6)}"
    yield name
    delete_redis_prefix(redis_url, name)
