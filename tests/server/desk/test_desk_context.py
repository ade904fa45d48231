"""What the agent is given: a signed-in customer's earlier conversations, and handoffs that rise
in severity while they wait."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator

import httpx
import pytest
from desk_support import Account, bearer, event_for, handoff_of, open_console
from pydantic import SecretStr

from server.app import create_app
from server.channel.identity import sign_customer
from server.runtime import Runtime
from tests.server.channel.channel_support import TEST_LIMITS, RunningServer, bot_reply, open_client

SITE_SECRET = "site-shared-secret-for-tests"


@pytest.fixture(scope="module")
def signed_server(desk_runtime: Runtime) -> Iterator[RunningServer]:
    """A server whose host site signs customer ids, and whose handoffs rise after 1 s of waiting."""
    settings = desk_runtime.settings.model_copy(
        update={"customer_secret": SecretStr(SITE_SECRET), "handoff_wait_raise_s": 1.0}
    )
    runtime = dataclasses.replace(desk_runtime, settings=settings)
    with RunningServer(create_app(settings, runtime=runtime, limits=TEST_LIMITS)) as server:
        yield server


async def _chat(server: RunningServer, customer: dict[str, str] | None, *texts: str) -> str:
    client = await open_client(server)
    for i, text in enumerate(texts):
        frame = {"type": "message", "id": f"m{i}", "text": text}
        if customer is not None:
            frame["customer"] = customer  # type: ignore[assignment]
        await client.send(frame)
        await client.until(bot_reply)
    session = client.of_type("session")[0]
    await client.close()
    return str(session["conversation_id"])


def test_a_signed_in_customer_arrives_with_their_earlier_conversations(
    signed_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, supervisor = make_account("supervisor")
    me = {"id": "customer-4711", "signature": sign_customer(SITE_SECRET, "customer-4711")}

    async def scenario() -> None:
        first = await _chat(signed_server, me, "Where is my parcel?", "It still has not arrived")
        current = await _chat(signed_server, me, "I need to talk to a person about my parcel")
        async with httpx.AsyncClient(base_url=signed_server.url) as api:
            handoff = await handoff_of(api, supervisor, current)
            package = (
                await api.get(f"/api/handoffs/{handoff['id']}", headers=bearer(supervisor))
            ).json()
        assert package["customer_id"] == "customer-4711"
        earlier = package["earlier_conversations"]
        assert [c["conversation_id"] for c in earlier] == [first]
        assert earlier[0]["opening"] == "Where is my parcel?" and earlier[0]["turns"] == 2

    asyncio.run(scenario())


def test_a_forged_customer_id_is_not_linked_and_the_chat_goes_on(
    signed_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, supervisor = make_account("supervisor")
    forged = {"id": "customer-4711", "signature": sign_customer("guessed", "customer-4711")}

    async def scenario() -> None:
        client = await open_client(signed_server)
        await client.send(
            {"type": "message", "id": "f1", "text": "let me speak to a human", "customer": forged}
        )
        notice = await client.until(lambda f: f["type"] == "error")
        assert notice["code"] == "customer_not_verified" and notice["fatal"] is False
        await client.until(lambda f: f["type"] == "handoff")  # the message itself went through
        conversation_id = client.of_type("session")[0]["conversation_id"]
        await client.close()
        async with httpx.AsyncClient(base_url=signed_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            package = (
                await api.get(f"/api/handoffs/{handoff['id']}", headers=bearer(supervisor))
            ).json()
        assert package["customer_id"] is None and package["earlier_conversations"] == []

    asyncio.run(scenario())


def test_a_waiting_handoff_rises_in_severity_and_consoles_are_told(
    signed_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, agent = make_account()

    async def scenario() -> None:
        console = await open_console(signed_server, token=agent)
        await console.until(lambda f: f["type"] == "queue")
        client = await open_client(signed_server)
        await client.say("w1", "Could I talk to someone on your team, please?")
        await client.until(lambda f: f["type"] == "handoff")
        conversation_id = client.of_type("session")[0]["conversation_id"]
        opened = await console.until(event_for(conversation_id, "opened"))
        start = opened["handoff"]["severity"]
        waited = await console.until(event_for(conversation_id, "waited"), timeout=10)
        order = ["low", "medium", "high", "critical"]
        assert order.index(waited["handoff"]["severity"]) == order.index(start) + 1
        await console.close()
        await client.close()

    asyncio.run(scenario())
