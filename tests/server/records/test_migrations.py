"""Migrations: the revisions build exactly the models' schema, adopt old databases, run by CLI."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

from agent.handoff import HandoffPackage
from server.cli import main
from server.records import migrations
from server.records.conversations import create_conversation
from server.records.db import init_db, make_engine, normalise_url
from server.records.messages import append_message, messages_after
from server.records.migrations import MigrationError
from server.records.models import Handoff
from server.records.queue import SqlHandoffQueue
from server.records.queue_order import waiting_handoffs

HEAD = migrations.head_revision()


@contextmanager
def scratch_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    server_url = normalise_url(server_url)
    name = f"{make_url(server_url).database}_{secrets.token_hex(4)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    with scratch_postgres_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def empty_postgres_url(postgres_url: str) -> Iterator[str]:
    with scratch_postgres_database(postgres_url) as url:
        yield url


@pytest.fixture
def empty_engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


@pytest.fixture
def no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands use the SQLite file under --data-dir, whatever the shell running pytest set."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TIDELINE_DATABASE_URL", raising=False)


def create_legacy_tables(engine: Engine) -> None:
    """What ``create_all`` made before migrations existed: the baseline's tables, no later ones."""
    tables = [SQLModel.metadata.tables[name] for name in sorted(migrations.LEGACY_TABLES)]
    SQLModel.metadata.create_all(engine, tables=tables)


def schema_differences(engine: Engine, metadata: sa.MetaData = SQLModel.metadata) -> list[Any]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


def table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_an_empty_database_is_brought_to_exactly_the_models_schema(empty_engine: Engine) -> None:
    init_db(empty_engine)
    assert migrations.current_revision(empty_engine) == HEAD
    # Fails as soon as a model changes without a revision that makes the same change.
    assert schema_differences(empty_engine) == []
    init_db(empty_engine)  # a second start-up changes nothing
    assert migrations.current_revision(empty_engine) == HEAD


def test_the_schema_check_sees_a_model_change_that_has_no_revision(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'records.db'}")
    init_db(engine)
    changed = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["handoffs"].append_column(sa.Column("queue_name", sa.String(40)))
    differences = schema_differences(engine, changed)
    engine.dispose()
    assert [(d[0], d[2], d[3].name) for d in differences] == [
        ("add_column", "handoffs", "queue_name")
    ]


def test_the_one_waiting_handoff_rule_holds_on_a_migrated_database(
    empty_engine: Engine, make_package: Callable[..., HandoffPackage]
) -> None:
    init_db(empty_engine)
    with Session(empty_engine) as session:
        conversation_id = create_conversation(session=session).id
    queue = SqlHandoffQueue(empty_engine)
    queue.enqueue(make_package(conversation_id, severity="medium"))
    queue.enqueue(make_package(conversation_id, severity="high"))  # raises, never a second ticket
    with Session(empty_engine) as session:
        (handoff,) = waiting_handoffs(session=session)
        assert handoff.severity == "high"
        # The partial unique index itself refuses a second waiting row written behind its back,
        # and lets a closed one through.
        for status in ("closed", "waiting"):
            session.add(
                Handoff(
                    conversation_id=conversation_id,
                    status=status,
                    severity="low",
                    severity_rank=0,
                    rule="manual",
                    risk=0.1,
                    rationale="",
                    summary="",
                    created_at=0.0,
                )
            )
            if status == "waiting":
                with pytest.raises(sa.exc.IntegrityError):
                    session.commit()
            else:
                session.commit()


@pytest.mark.parametrize("made_by", ["create_all", "create_all before wait_raises"])
def test_a_database_made_before_migrations_keeps_its_rows(
    empty_engine: Engine, made_by: str, make_package: Callable[..., HandoffPackage]
) -> None:
    create_legacy_tables(empty_engine)
    with Session(empty_engine) as session:
        # Anonymous: today's code opening a handoff for a known customer also reads their outreach
        # tag, from a table the legacy schema has not got (a migrated database has it).
        conversation_id = create_conversation(session=session).id
        append_message(
            session=session, conversation_id=conversation_id, role="customer", text="refund?"
        )
    SqlHandoffQueue(empty_engine).enqueue(make_package(conversation_id, created_at=100.0))
    if made_by == "create_all before wait_raises":  # the schema of the first release
        with empty_engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE handoffs DROP COLUMN wait_raises"))

    init_db(empty_engine)

    assert migrations.current_revision(empty_engine) == HEAD
    assert schema_differences(empty_engine) == []
    with Session(empty_engine) as session:
        (handoff,) = waiting_handoffs(session=session)
        assert (handoff.conversation_id, handoff.wait_raises) == (conversation_id, 0)
        later = append_message(
            session=session, conversation_id=conversation_id, role="customer", text="hello?"
        )
        assert later.seq == 2
        texts = [
            m.text for m in messages_after(session=session, conversation_id=conversation_id, seq=0)
        ]
        assert texts == ["refund?", "hello?"]


def test_a_database_with_only_some_tideline_tables_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'records.db'}")
    SQLModel.metadata.tables["customers"].create(engine)
    with pytest.raises(MigrationError, match="lacks tables agents, conversations"):
        init_db(engine)
    assert table_names(engine) == {"customers"}  # nothing half-done
    engine.dispose()


def test_processes_starting_together_migrate_the_database_once(empty_url: str) -> None:
    engines = [make_engine(empty_url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def start_up(engine: Engine) -> None:
        start.wait()
        try:
            init_db(engine)
        except BaseException as exc:  # reported below, with every thread's outcome
            failures.append(exc)

    threads = [threading.Thread(target=start_up, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engines[0].connect() as conn:
        versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    for engine in engines:
        engine.dispose()
    assert failures == []
    assert versions == [(HEAD,)]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


@pytest.mark.usefixtures("no_database_url")
def test_db_upgrade_on_a_data_dir_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"database: sqlite:///{tmp_path.resolve() / 'tideline.db'}"
    assert run_cli(capsys, "db", "current", "--data-dir", str(tmp_path)) == (
        0,
        [database, "revision: none (run `tideline db upgrade`)"],
        "",
    )
    assert run_cli(capsys, "db", "upgrade", "--data-dir", str(tmp_path)) == (
        0,
        [database, "before: none (empty database)", f"after: {HEAD} (head)"],
        "",
    )
    assert run_cli(capsys, "db", "upgrade", "--data-dir", str(tmp_path)) == (
        0,
        [database, f"before: {HEAD} (head)", f"after: {HEAD} (head)"],
        "",
    )
    assert run_cli(capsys, "db", "current", "--data-dir", str(tmp_path)) == (
        0,
        [database, f"revision: {HEAD} (head)"],
        "",
    )


@pytest.mark.usefixtures("no_database_url")
def test_db_upgrade_says_when_it_adopted_an_old_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tideline.db'}")
    create_legacy_tables(engine)
    engine.dispose()
    status, out, _ = run_cli(capsys, "db", "upgrade", "--data-dir", str(tmp_path))
    assert status == 0
    assert out[1:] == [
        f"before: none (tables from before migrations, adopted at {migrations.BASELINE})",
        f"after: {HEAD} (head)",
    ]


@pytest.mark.postgres
def test_db_upgrade_applies_to_database_url(
    empty_postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_postgres_url)
    database = f"database: {normalise_url(empty_postgres_url)}"
    assert run_cli(capsys, "db", "upgrade", "--data-dir", str(tmp_path)) == (
        0,
        [database, "before: none (empty database)", f"after: {HEAD} (head)"],
        "",
    )
    assert run_cli(capsys, "db", "upgrade", "--data-dir", str(tmp_path)) == (
        0,
        [database, f"before: {HEAD} (head)", f"after: {HEAD} (head)"],
        "",
    )
    assert not (tmp_path / "tideline.db").exists()  # the SQLite file was not touched


@pytest.mark.parametrize(
    ("database_url", "reason"),
    [
        ("postgresql://tideline:hunter2@127.0.0.1:1/records", "Connection refused"),
        ("not a url", "is not a database URL Tideline can open"),
        ("nosuchdb://tideline:hunter2@localhost/records", "Can't load plugin"),
    ],
)
def test_a_bad_database_url_is_one_line_and_exit_2(
    database_url: str,
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    status, _, err = run_cli(capsys, "db", "upgrade", "--data-dir", str(tmp_path))
    assert status == 2
    assert err.startswith("tideline: ") and err.count("\n") == 1
    assert reason in err
    assert "hunter2" not in err


@pytest.mark.usefixtures("no_database_url")
def test_a_database_newer_than_this_tideline_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tideline.db'}")
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    status, out, err = run_cli(capsys, "db", "upgrade", "--data-dir", str(tmp_path))
    assert status == 2
    assert "at revision 9999, newer than this version of Tideline" in err
    assert err.count("\n") == 1
    status, out, err = run_cli(capsys, "db", "current", "--data-dir", str(tmp_path))
    assert (status, out[1]) == (
        0,
        f"revision: 9999 (newer than this Tideline, whose head is {HEAD})",
    )


def test_customer_and_agent_message_ids_are_apart_after_the_upgrade(empty_engine: Engine) -> None:
    # A database at the revision before: one client id space for the whole conversation.
    with empty_engine.connect() as connection:
        command.upgrade(migrations.alembic_config(connection), "0002_feedback_replies_notes")
        connection.commit()
    with Session(empty_engine) as session:
        conversation_id = create_conversation(session=session).id
        append_message(session=session, conversation_id=conversation_id, role="customer", text="x")
        session.execute(
            sa.text("UPDATE messages SET client_message_id = 'c-1' WHERE conversation_id = :c"),
            {"c": conversation_id},
        )
        session.commit()

    init_db(empty_engine)

    assert schema_differences(empty_engine) == []
    with Session(empty_engine) as session:
        agent = append_message(
            session=session,
            conversation_id=conversation_id,
            role="agent",
            text="Hello from support",
            client_message_id="c-1",
        )
        assert (agent.role, agent.text, agent.seq) == ("agent", "Hello from support", 2)
        again = append_message(
            session=session,
            conversation_id=conversation_id,
            role="agent",
            text="Hello from support",
            client_message_id="c-1",
        )
        assert again.seq == 2  # the agent's own retry is still stored once
