"""A server process that loses Redis for a while catches its customers up from the records.

Two apps stand for two processes sharing Redis (and, here, one records database). Process X
reaches Redis through a relay the test cuts: while X is deaf, an agent on Y writes to X's
customer. Pub/sub does not keep that frame for X; when X hears Redis again its sockets catch up
from the records, so the customer sees the agent's message without reloading anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis_relay import RedisRelay
from sqlmodel import Session
from websockets.asyncio.client import connect

from server.app import create_app
from server.records.agents import create_agent
from server.runtime import Runtime, open_runtime
from server.settings import ServerSettings
from tests.server.channel.channel_support import (
    TEST_LIMITS,
    ChatClient,
    RunningServer,
    open_client,
)

pytestmark = pytest.mark.redis


@pytest.fixture
def shared_runtime(sample_data_dir: Path, tmp_path: Path) -> Iterator[Runtime]:
    settings = ServerSettings(
        data_dir=sample_data_dir, database_url=f"sqlite:///{tmp_path / 'r.db'}"
    )
    with open_runtime(settings, load_sample=False) as runtime:
        yield runtime


def test_a_process_that_lost_redis_catches_its_customers_up(
    shared_runtime: Runtime, redis_url: str, prefix: str
) -> None:
    with Session(shared_runtime.engine) as session:
        _, token = create_agent(session=session, name="resync-agent")
    bearer = {"Authorization": f"Bearer {token}"}

    async def scenario() -> None:
        relay = RedisRelay()
        await relay.start()
        base = shared_runtime.settings.model_copy(update={"redis_prefix": prefix})
        x_settings = base.model_copy(update={"redis_url": relay.url})
        y_settings = base.model_copy(update={"redis_url": redis_url})
        x_app = create_app(x_settings, runtime=shared_runtime, limits=TEST_LIMITS)
        y_app = create_app(y_settings, runtime=shared_runtime, limits=TEST_LIMITS)
        # Started off the event loop: the relay runs on it and must answer X while X starts.
        x = await asyncio.to_thread(RunningServer(x_app).__enter__)
        y = await asyncio.to_thread(RunningServer(y_app).__enter__)
        try:
            customer = await open_client(x)
            await customer.say("s1", "I want to talk to a human please")
            session = await customer.until(lambda f: f["type"] == "session")
            await customer.until(lambda f: f["type"] == "handoff")
            async with httpx.AsyncClient(base_url=y.url) as api:
                rows = (await api.get("/api/handoffs", headers=bearer)).json()
                handoff = next(
                    r for r in rows if r["conversation_id"] == session["conversation_id"]
                )
                path = f"/api/handoffs/{handoff['id']}"
                assert (await api.post(f"{path}/claim", headers=bearer)).status_code == 200
                await customer.until(lambda f: f["type"] == "agent_joined")

                console = ChatClient(
                    await connect(
                        x.url.replace("http", "ws") + "/ws/agent", additional_headers=bearer
                    )
                )
                await console.until(lambda f: f["type"] == "queue")
                await relay.cut()  # X is deaf to Redis now
                await asyncio.sleep(0.5)
                sent = await api.post(
                    f"{path}/messages", json={"text": "Sorry for the wait!"}, headers=bearer
                )
                assert sent.status_code == 201
                # Nothing reaches the customer while X cannot hear Redis.
                assert not [f for f in await customer.quiet(1.0) if f["type"] == "message"], (
                    "the relay did not cut X off"
                )

                await relay.start()  # Redis is back for X
                caught_up = await customer.until(
                    lambda f: f["type"] == "message" and f["role"] == "agent", timeout=20
                )
                assert caught_up["text"] == "Sorry for the wait!"
                assert caught_up["seq"] == sent.json()["seq"]
                # X's consoles are told to re-read: the queue again, then "resync".
                await console.until(lambda f: f["type"] == "resync", timeout=10)
                assert [f["type"] for f in console.received][-2:] == ["queue", "resync"]
                await console.close()
            await customer.close()
        finally:
            await asyncio.to_thread(y.__exit__, None, None, None)
            await asyncio.to_thread(x.__exit__, None, None, None)
            await relay.cut()

    asyncio.run(scenario())
