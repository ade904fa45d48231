"""`tideline agents add`: the token is printed once, only its hash is stored, and it signs in."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from server.cli import main
from server.records.agents import authenticate_agent
from server.records.db import make_engine
from server.records.models import Agent


def test_add_prints_a_working_token_once_and_stores_only_its_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["agents", "add", "Dana Ruiz", "--role", "supervisor", "--data-dir", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "added supervisor 'Dana Ruiz'" in out
    token = out.split("token (shown once, store it now): ")[1].strip()

    engine = make_engine(f"sqlite:///{tmp_path / 'tideline.db'}")
    with Session(engine) as session:
        agent = session.exec(select(Agent)).one()
        assert agent.role == "supervisor"
        assert token.split(".", 1)[1] not in agent.token_hash
        signed_in = authenticate_agent(session=session, token=token)
        assert signed_in is not None and signed_in.name == "Dana Ruiz"
        assert authenticate_agent(session=session, token=token + "x") is None
    engine.dispose()


def test_a_taken_name_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agents", "add", "Sam", "--data-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["agents", "add", "Sam", "--data-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "tideline: an agent named 'Sam' already exists"
