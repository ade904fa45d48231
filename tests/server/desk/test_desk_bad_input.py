"""Bad input on the agent side: the API answers a 4xx with a reason (never a 500) and stores
nothing, the console socket answers an error frame and stays open, and an agent's message id
never collides with the customer's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
from desk_support import Account, bearer, handoff_of, open_console, queued_customer

from tests.server.channel.channel_support import ChatClient, RunningServer

JSON = {"Content-Type": "application/json"}


def resume_token(client: ChatClient) -> str:
    return str(client.of_type("session")[0]["resume_token"])


DEEP = "[" * 5000 + "]" * 5000


def test_api_bodies_with_lone_surrogates_or_deep_nesting_get_a_4xx_and_store_nothing(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, agent = make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        client, conversation_id = await queued_customer(desk_server, "bad-body")
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            path = f"/api/handoffs/{(await handoff_of(api, supervisor, conversation_id))['id']}"
            assert (await api.post(f"{path}/claim", headers=bearer(agent))).status_code == 200
            before = (await api.get(path, headers=bearer(agent))).json()["messages"]
            bodies = [
                '{"text": "refund \\ud800 please"}',
                '{"text": "hello", "id": "\\udfff"}',
                '{"text": ' + DEEP + "}",
                '{"text": "unterminated',
            ]
            for body in bodies:
                refused = await api.post(
                    f"{path}/messages", content=body, headers={**JSON, **bearer(agent)}
                )
                assert refused.status_code == 422, (body[:40], refused.text)
                assert len(refused.json()["detail"]) > 10
            too_large = await api.post(
                f"{path}/messages",
                json={"text": "x" * 70_000},
                headers=bearer(agent),
            )
            assert too_large.status_code == 413
            signed_in = await api.post(
                "/api/session", content='{"token": "\\ud800.x"}', headers=JSON
            )
            assert signed_in.status_code == 422
            # The same connection serves the next request, and nothing was stored.
            after = (await api.get(path, headers=bearer(agent))).json()["messages"]
            assert after == before
            sent = await api.post(f"{path}/messages", json={"text": "Hi"}, headers=bearer(agent))
            assert sent.status_code == 201
        await client.close()

    asyncio.run(scenario())


def test_console_frames_with_lone_surrogates_or_deep_nesting_get_an_error_frame(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, agent = make_account()

    async def scenario() -> None:
        console = await open_console(desk_server, token=agent)
        await console.until(lambda f: f["type"] == "queue")
        await console.send('{"type": "watch", "handoff_id": "\\ud800"}')
        await console.send(DEEP)
        await console.send("{" * 40 + "}" * 40)
        await console.send("not json")
        await console.send({"type": "ping"})
        await console.until(lambda f: f["type"] == "pong")
        codes = [f["code"] for f in console.received if f["type"] == "error"]
        assert codes == ["invalid_text", "invalid_json", "invalid_json", "invalid_json"]
        await console.close()

    asyncio.run(scenario())


def test_an_agent_retry_id_equal_to_the_customers_id_stores_the_agents_text(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    agent_id, agent = make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        client, conversation_id = await queued_customer(desk_server, "space")
        customer_id = "space-1"  # the id the customer's widget used for its first message
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            path = f"/api/handoffs/{(await handoff_of(api, supervisor, conversation_id))['id']}"
            assert (await api.post(f"{path}/claim", headers=bearer(agent))).status_code == 200
            body = {"text": "Hello, I'm Sam from support.", "id": customer_id}
            sent = await api.post(f"{path}/messages", json=body, headers=bearer(agent))
            assert sent.status_code == 201
            assert (sent.json()["role"], sent.json()["text"]) == ("agent", body["text"])
            delivered = await client.until(lambda f: f["type"] == "message")
            assert (delivered["role"], delivered["text"]) == ("agent", body["text"])
            # A retry of the agent's own message is still stored once.
            again = await api.post(f"{path}/messages", json=body, headers=bearer(agent))
            assert again.json()["seq"] == sent.json()["seq"]
            messages = (await api.get(path, headers=bearer(agent))).json()["messages"]
            assert [m["text"] for m in messages].count(body["text"]) == 1
            # Typing and a resume's replay too: the customer sees the name, never the account id.
            await api.post(f"{path}/messages", json={"text": "One moment."}, headers=bearer(agent))
        await client.until(lambda f: f.get("text") == "One moment.")
        await client.send({"type": "resume", "token": resume_token(client), "last_seq": 0})
        await client.until(lambda f: f["type"] == "agent_joined" and "agent" not in f)
        assert agent_id not in json.dumps(client.received)
        assert any(f.get("agent_name") or f.get("agent") for f in client.received)
        await client.close()

    asyncio.run(scenario())
