"""Real databases for the proactive-support tests: a SQLite file per test, or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from agent.outreach.policy import OutreachPolicy, read_outreach_policy
from server.records.db import init_db, make_engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'records.db'}")
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """The session's PostgreSQL database at head, emptied after the test."""
    engine = make_engine(postgres_url)
    init_db(engine)
    yield engine
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))
    engine.dispose()


@pytest.fixture(scope="session")
def outreach_policy() -> OutreachPolicy:
    return read_outreach_policy()
