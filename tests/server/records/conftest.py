"""Real databases for the records tests: a SQLite file per test, a throwaway PostgreSQL database."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from agent.handoff import HandoffPackage
from agent.policy.decision import Severity
from server.records.db import init_db, make_engine

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START_POSTGRES = (
    "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres, database test, trust auth). "
    "Start it, e.g. `sudo service postgresql start` or `docker run -d -p 5432:5432 "
    "-e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16`"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end; fails (never skips) if down."""
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


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The records database: a SQLite file, or PostgreSQL emptied after the test."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'records.db'}")
        init_db(engine)
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("postgres_engine")
    yield engine
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def make_package() -> Callable[..., HandoffPackage]:
    def make(
        conversation_id: str,
        *,
        severity: Severity = "medium",
        rule: str = "frustration",
        created_at: float = 0.0,
    ) -> HandoffPackage:
        return HandoffPackage(
            conversation_id=conversation_id,
            rule=rule,
            severity=severity,
            risk=0.8,
            rationale=f"{rule} fired",
            summary="customer asked about a refund twice; the bot could not find the order",
            transcript=[{"role": "customer", "text": "where is my refund", "seq": 1}],
            sentiment_series=[{"score": -0.7, "label": "negative", "frustration": 0.8}],
            decisions=[{"escalate": True, "rule": rule, "severity": severity}],
            cited_doc_ids=["refunds"],
            created_at=created_at,
        )

    return make
