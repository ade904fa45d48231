"""Helpers shared by the test folders: free ports and throwaway PostgreSQL databases."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START_POSTGRES = (
    "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres, database test, trust auth). "
    "Start it, e.g. `sudo service postgresql start` or `docker run -d -p 5432:5432 "
    "-e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16`"
)


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; fails (never skips) if the server is
    down, saying what to start."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"tideline_test_{secrets.token_hex(6)}"
    failure = None
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        failure = f"{START_POSTGRES}\n({exc.orig})"
    if failure is not None:
        admin.dispose()
        pytest.fail(failure, pytrace=False)
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def delete_redis_prefix(redis_url: str, prefix: str) -> None:
    """Remove every key a test (or a test cluster) wrote under ``prefix``."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
