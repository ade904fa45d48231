"""Fixtures of the channel tests: one runtime per session, and real servers on 127.0.0.1."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from channel_support import TEST_LIMITS, RunningServer, SlowResponder

from agent.bot import SupportBot
from server.app import create_app
from server.channel.rate_limits import ChannelLimits
from server.runtime import Runtime, open_runtime
from server.settings import ServerSettings


@pytest.fixture(scope="session")
def channel_settings(tmp_path_factory: pytest.TempPathFactory) -> ServerSettings:
    data_dir: Path = tmp_path_factory.mktemp("channel-data")
    return ServerSettings(data_dir=data_dir)


@pytest.fixture(scope="session")
def channel_runtime(channel_settings: ServerSettings) -> Iterator[Runtime]:
    """One runtime (sample help centre, SQLite records) shared by every server of the session."""
    with open_runtime(channel_settings) as runtime:
        yield runtime


@pytest.fixture(scope="session")
def chat_server(
    channel_settings: ServerSettings, channel_runtime: Runtime
) -> Iterator[RunningServer]:
    app = create_app(channel_settings, runtime=channel_runtime, limits=TEST_LIMITS)
    with RunningServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def slow_runtime(channel_runtime: Runtime) -> Runtime:
    """The shared runtime with replies that stream over a couple of seconds (to drop mid-reply)."""
    responder = SlowResponder(delay_s=0.08)
    bot = SupportBot(dataclasses.replace(channel_runtime.bot.deps, responder=responder))
    return dataclasses.replace(
        channel_runtime,
        responder=responder,
        bot=bot,
        conversations=dataclasses.replace(channel_runtime.conversations, bot=bot),
    )


@pytest.fixture(scope="session")
def slow_chat_server(
    channel_settings: ServerSettings, slow_runtime: Runtime
) -> Iterator[RunningServer]:
    app = create_app(channel_settings, runtime=slow_runtime, limits=TEST_LIMITS)
    with RunningServer(app) as server:
        yield server


@pytest.fixture
def make_server(
    channel_settings: ServerSettings, channel_runtime: Runtime
) -> Iterator[Callable[..., RunningServer]]:
    """Start a server with other limits or settings for one test."""
    started: list[RunningServer] = []

    def make(
        *, limits: ChannelLimits = TEST_LIMITS, settings: ServerSettings | None = None
    ) -> RunningServer:
        app = create_app(settings or channel_settings, runtime=channel_runtime, limits=limits)
        server = RunningServer(app).__enter__()
        started.append(server)
        return server

    yield make
    for server in started:
        server.__exit__(None, None, None)
