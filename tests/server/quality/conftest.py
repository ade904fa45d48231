"""Fixtures of the quality tests: one runtime, a real server on 127.0.0.1, and console accounts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import Session

from server.app import create_app
from server.records.agents import create_agent
from server.runtime import Runtime, open_runtime
from server.settings import ServerSettings
from tests.server.channel.channel_support import TEST_LIMITS, RunningServer


@pytest.fixture(scope="session")
def quality_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    with open_runtime(ServerSettings(data_dir=tmp_path_factory.mktemp("quality-data"))) as runtime:
        yield runtime


@pytest.fixture(scope="session")
def quality_server(quality_runtime: Runtime) -> Iterator[RunningServer]:
    app = create_app(quality_runtime.settings, runtime=quality_runtime, limits=TEST_LIMITS)
    with RunningServer(app) as server:
        yield server


@pytest.fixture
def make_account(quality_runtime: Runtime) -> Callable[..., tuple[str, str]]:
    """Add a console account with a unique name; returns its id and token."""

    def make(role: str = "agent") -> tuple[str, str]:
        with Session(quality_runtime.engine) as session:
            agent, token = create_agent(
                session=session, name=f"{role}-{uuid.uuid4().hex[:8]}", role=role
            )
            return agent.id, token

    return make
