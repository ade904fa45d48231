"""The console's live socket /ws/agent: the queue as it changes, and both sides of a live chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from desk_support import Account, bearer, event_for, handoff_of, open_console, queued_customer
from websockets.exceptions import ConnectionClosed

from tests.server.channel.channel_support import RunningServer, open_client


def test_a_console_without_an_agent_is_refused_with_a_reason(desk_server: RunningServer) -> None:
    async def scenario() -> None:
        customer = await open_client(desk_server)
        await customer.say("c-1", "hello")
        session = await customer.until(lambda f: f["type"] == "session")
        for token in (None, "not-a-token", session["resume_token"]):
            console = await open_console(desk_server, token=token)
            refused = await console.recv()
            assert refused["type"] == "error" and refused["code"] == "unauthorized"
            assert refused["fatal"] is True
            with pytest.raises(ConnectionClosed) as closed:
                await console.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        await customer.close()

    asyncio.run(scenario())


def test_a_new_handoff_reaches_a_connected_console_and_claims_move_it(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    agent_id, agent = make_account()
    _, other = make_account()

    async def scenario() -> None:
        console = await open_console(desk_server, token=agent)
        hello = await console.until(lambda f: f["type"] == "hello")
        assert hello["agent"]["id"] == agent_id and hello["live_scores"] is False
        await console.until(lambda f: f["type"] == "queue")
        watcher = await open_console(desk_server, token=other)
        await watcher.until(lambda f: f["type"] == "queue")

        customer, conversation_id = await queued_customer(desk_server, "socket-new")
        opened = await console.until(event_for(conversation_id, "opened"))
        row = opened["handoff"]
        assert row["status"] == "waiting" and row["rule"] == "explicit_request"
        assert row["severity"] == "high" and "Customer's first message" in row["summary"]
        await watcher.until(event_for(conversation_id, "opened"))

        # The other agent opens it, then the first claims it: it leaves the other agent's queue.
        await watcher.send({"type": "watch", "handoff_id": row["id"]})
        await watcher.until(lambda f: f["type"] == "watching")
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            claim = await api.post(f"/api/handoffs/{row['id']}/claim", headers=bearer(agent))
            assert claim.status_code == 200
        mine = await console.until(event_for(conversation_id, "claimed"))
        assert mine["handoff"]["claimed_by"] == agent_id
        theirs = await watcher.until(event_for(conversation_id, "claimed"))
        assert theirs["handoff"] == {
            "id": row["id"],
            "conversation_id": conversation_id,
            "status": "claimed",
        }
        # ... and the other agent no longer hears the conversation.
        await customer.say("socket-new-2", "hello? anyone there?")
        await customer.until(lambda f: f["type"] == "message" and f["role"] == "customer")
        assert not [f for f in await watcher.quiet(0.5) if f.get("conversation_id")]
        for client in (console, watcher, customer):
            await client.close()

    asyncio.run(scenario())


def test_messages_and_typing_flow_both_ways_in_real_time(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, agent = make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        customer, conversation_id = await queued_customer(desk_server, "socket-live")
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            path = f"/api/handoffs/{handoff['id']}"
            console = await open_console(desk_server, token=agent)
            await console.until(lambda f: f["type"] == "queue")
            # Typing before the claim is refused: only the agent who owns it writes.
            await console.send({"type": "watch", "handoff_id": handoff["id"]})
            await console.until(lambda f: f["type"] == "watching")
            await console.send({"type": "typing", "handoff_id": handoff["id"], "active": True})
            refused = await console.until(lambda f: f["type"] == "error")
            assert refused["code"] == "not_yours"
            assert (await api.post(f"{path}/claim", headers=bearer(agent))).status_code == 200
            joined = await console.until(lambda f: f["type"] == "agent_joined")
            assert joined["conversation_id"] == conversation_id
            await customer.until(lambda f: f["type"] == "agent_joined")

            await customer.send({"type": "typing", "active": True})
            typing = await console.until(lambda f: f["type"] == "typing")
            assert typing["role"] == "customer" and typing["conversation_id"] == conversation_id
            await customer.say("socket-live-2", "My order 5521 never arrived")
            said = await console.until(lambda f: f["type"] == "message")
            assert (said["role"], said["text"]) == ("customer", "My order 5521 never arrived")
            # The customer never sees their own typing echoed.
            assert not [
                f
                for f in customer.received
                if f["type"] == "typing" and f.get("role") == "customer"
            ]

            await console.send({"type": "typing", "handoff_id": handoff["id"], "active": True})
            agent_typing = await customer.until(lambda f: f["type"] == "typing")
            assert agent_typing["role"] == "agent" and agent_typing["active"] is True
            sent = await api.post(
                f"{path}/messages", json={"text": "Let me check 5521."}, headers=bearer(agent)
            )
            assert sent.status_code == 201
            reply = await customer.until(lambda f: f["type"] == "message")
            assert (reply["role"], reply["text"]) == ("agent", "Let me check 5521.")
            echoed = await console.until(lambda f: f["type"] == "message")
            assert echoed["role"] == "agent" and echoed["seq"] == reply["seq"]
            # Live scores go to supervisors only by default: this agent got no reading.
            assert not console.of_type("reading")
        await console.close()
        await customer.close()

    asyncio.run(scenario())


def test_supervisors_see_live_scores_of_the_customer(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, supervisor = make_account("supervisor")

    async def scenario() -> None:
        customer, conversation_id = await queued_customer(desk_server, "socket-scores")
        async with httpx.AsyncClient(base_url=desk_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            package = (
                await api.get(f"/api/handoffs/{handoff['id']}", headers=bearer(supervisor))
            ).json()
            assert package["live_scores"] is True
            assert package["thresholds"]["frustration"] == 0.75
        console = await open_console(desk_server, token=supervisor)
        await console.until(lambda f: f["type"] == "queue")
        await console.send({"type": "watch", "handoff_id": handoff["id"]})
        await console.until(lambda f: f["type"] == "watching")
        await customer.say("s-2", "This is ridiculous, I have waited for weeks and nobody helps!")
        reading = await console.until(lambda f: f["type"] == "reading")
        assert reading["conversation_id"] == conversation_id
        assert reading["reading"]["score"] < 0 and reading["reading"]["frustration"] > 0.5
        # The customer's own socket never receives a reading.
        await customer.until(lambda f: f["type"] == "message" and f["role"] == "customer")
        await customer.quiet(0.3)
        assert not customer.of_type("reading")
        await console.close()
        await customer.close()

    asyncio.run(scenario())


def test_bad_console_frames_get_clear_errors_and_keep_the_socket(
    desk_server: RunningServer, make_account: Callable[..., Account]
) -> None:
    _, agent = make_account()

    async def scenario() -> None:
        console = await open_console(desk_server, token=agent)
        await console.until(lambda f: f["type"] == "queue")
        for frame, code in (
            ("{not json", "invalid_json"),
            ('["a"]', "invalid_frame"),
            ('{"type": "dance"}', "unknown_type"),
            ('{"type": "watch"}', "missing_field"),
            ('{"type": "watch", "handoff_id": "nope"}', "not_found"),
            ("x" * 20_000, "frame_too_large"),
        ):
            await console.send(frame)
            error = await console.until(lambda f: f["type"] == "error")
            assert error["code"] == code, (frame[:30], error)
        await console.send({"type": "ping"})
        assert (await console.until(lambda f: f["type"] != "error"))["type"] == "pong"
        await console.close()

    asyncio.run(scenario())
