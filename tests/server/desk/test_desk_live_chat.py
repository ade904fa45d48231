"""The human stretch: the agent talks to the customer, then hands back to the bot or closes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from desk_support import Account, bearer, handoff_of, queued_customer

from tests.server.channel.channel_support import RunningServer, bot_reply


def test_agent_talks_to_the_customer_then_hands_back_to_the_bot(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    agent_id, agent = make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        client, conversation_id = await queued_customer(desk_server, "live")
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            path = f"/api/handoffs/{handoff['id']}"
            assert (await api.post(f"{path}/claim", headers=bearer(agent))).status_code == 200
            await client.until(lambda f: f["type"] == "agent_joined")
            last_seq = max(f["seq"] for f in client.of_type("message"))

            sent = await api.post(
                f"{path}/messages",
                json={"text": "Hi, I'm Sam from support. Let me look at your order."},
                headers=bearer(agent),
            )
            assert sent.status_code == 201, sent.text
            delivered = await client.until(lambda f: f["type"] == "message")
            assert delivered["role"] == "agent"
            assert delivered["text"] == "Hi, I'm Sam from support. Let me look at your order."
            assert delivered["seq"] == last_seq + 1 == sent.json()["seq"]

            # While the agent owns the conversation the bot stays quiet.
            await client.say("live-2", "Thanks Sam, it is order 1234")
            echo = await client.until(lambda f: f["type"] == "message")
            assert echo["role"] == "customer"
            assert not [f for f in await client.quiet(0.5) if f["type"] in ("message", "token")]

            package = (await api.get(path, headers=bearer(agent))).json()
            assert [m["role"] for m in package["messages"]][-2:] == ["agent", "customer"]
            assert package["messages"][-2]["author_agent_id"] == agent_id

            empty = await api.post(f"{path}/return", json={"note": "  "}, headers=bearer(agent))
            assert empty.status_code == 422
            returned = await api.post(
                f"{path}/return",
                json={"note": "Order 1234 was refunded; the customer is satisfied."},
                headers=bearer(agent),
            )
            assert returned.status_code == 200, returned.text
            assert returned.json()["status"] == "returned"
            await client.until(lambda f: f["type"] == "returned_to_bot")

            # The bot answers again.
            await client.say("live-3", "How do I reset my password?")
            answer = await client.until(bot_reply)
            assert answer["role"] == "bot" and answer["reply_to"] == "live-3"
            assert "password" in answer["text"].lower()

            # The stretch is over: no more agent messages, but the outcome can be labelled.
            late = await api.post(f"{path}/messages", json={"text": "hi"}, headers=bearer(agent))
            assert late.status_code == 409
            labelled = await api.post(
                f"{path}/label", json={"warranted": True, "resolved": True}, headers=bearer(agent)
            )
            assert labelled.status_code == 200
            stored = (await api.get(path, headers=bearer(supervisor))).json()
            assert (stored["warranted"], stored["resolved"]) == (True, True)
            assert stored["labelled_by"] == agent_id
        await client.close()

    asyncio.run(scenario())


def test_closing_ends_the_conversation_for_the_customer(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, agent = make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        client, conversation_id = await queued_customer(desk_server, "close")
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            path = f"/api/handoffs/{handoff['id']}"
            unclaimed = await api.post(
                f"{path}/label", json={"warranted": False}, headers=bearer(agent)
            )
            assert unclaimed.status_code == 409
            assert (await api.post(f"{path}/claim", headers=bearer(agent))).status_code == 200
            no_labels = await api.post(f"{path}/label", json={}, headers=bearer(agent))
            assert no_labels.status_code == 422
            closed = await api.post(
                f"{path}/close", json={"reason": "Refund issued."}, headers=bearer(agent)
            )
            assert closed.status_code == 200 and closed.json()["status"] == "closed"
            frame = await client.until(lambda f: f["type"] == "closed")
            assert frame["reason"] == "Refund issued."

            await client.say("close-2", "one more thing")
            refused = await client.until(lambda f: f["type"] == "error")
            assert refused["code"] == "conversation_closed"
            again = await api.post(f"{path}/close", headers=bearer(agent))
            assert again.status_code == 409
        await client.close()

    asyncio.run(scenario())
