"""Real databases for the records tests: a SQLite file per test, a throwaway PostgreSQL database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from agent.handoff import HandoffPackage
from agent.policy.decision import Severity
from server.records.db import init_db, make_engine


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
