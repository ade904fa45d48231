"""The engine: URL normalisation, SQLite pragmas, and the constraints both databases enforce."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from server.records.conversations import create_conversation
from server.records.db import init_db, make_engine, normalise_url
from server.records.messages import append_message
from server.records.models import Message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h:5432/d", "postgresql+psycopg://u@h:5432/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_urls_are_routed_to_the_shipped_drivers(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    init_db(engine)
    init_db(engine)  # idempotent
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_a_message_needs_a_real_conversation(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Message(conversation_id="missing", seq=1, role="bot", text="x", created_at=0.0))
        with pytest.raises(IntegrityError):
            session.commit()


def test_seq_is_unique_per_conversation_in_the_schema(engine: Engine) -> None:
    with Session(engine) as session:
        conversation_id = create_conversation(session=session).id
        append_message(session=session, conversation_id=conversation_id, role="bot", text="a")
        session.add(
            Message(conversation_id=conversation_id, seq=1, role="bot", text="b", created_at=0.0)
        )
        with pytest.raises(IntegrityError):
            session.commit()
