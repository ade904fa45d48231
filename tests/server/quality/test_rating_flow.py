"""Every conversation measured: ended by the customer or an agent, asked for a rating, stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from sqlmodel import Session

from server.records.models import ConversationQuality
from server.records.quality import get_quality
from server.runtime import Runtime
from tests.server.channel.channel_support import RunningServer, bot_reply, open_client
from tests.server.desk.desk_support import (
    bearer,
    event_for,
    handoff_of,
    open_console,
    queued_customer,
)


def quality_of(runtime: Runtime, conversation_id: str) -> ConversationQuality | None:
    with Session(runtime.engine) as session:
        return get_quality(session=session, conversation_id=conversation_id)


def test_a_customer_ends_the_chat_rates_it_and_the_rating_is_kept_with_the_prediction(
    quality_server: RunningServer, quality_runtime: Runtime
) -> None:
    async def scenario() -> str:
        client = await open_client(quality_server)
        # Before any message there is nothing to end or rate.
        await client.send({"type": "end"})
        assert (await client.until(lambda f: f["type"] == "error"))["code"] == "no_conversation"
        await client.send({"type": "rating", "score": 3})
        assert (await client.until(lambda f: f["type"] == "error"))["code"] == "not_ended"
        # A rating before the conversation ended is refused, and the socket stays usable.
        await client.say("q1", "How do I reset my password?")
        session = await client.until(lambda f: f["type"] == "session")
        await client.until(bot_reply)
        await client.send({"type": "rating", "score": 5})
        early = await client.until(lambda f: f["type"] == "error")
        assert early["code"] == "not_ended" and not early["fatal"]

        await client.say("q2", "That worked, thanks a lot!")
        await client.until(lambda f: bot_reply(f) and f["seq"] == 4)
        await client.send({"type": "end"})
        closed = await client.until(lambda f: f["type"] == "closed")
        assert closed["reason"] == "You ended the conversation."
        asked = await client.until(lambda f: f["type"] == "rating_request")
        assert asked["scale"] == [1, 5] and asked["question"]

        # Bad ratings: a clear error each, nothing stored, the socket stays open.
        for bad, code in (
            ({"type": "rating", "score": 6}, "invalid_field"),
            ({"type": "rating", "score": "5"}, "invalid_field"),
            ({"type": "rating"}, "missing_field"),
            ({"type": "rating", "score": 4, "comment": "x" * 2001}, "invalid_field"),
        ):
            await client.send(bad)
            error = await client.until(lambda f: f["type"] == "error")
            assert error["code"] == code and not error["fatal"], error
        cid = session["conversation_id"]
        stored = quality_of(quality_runtime, cid)
        assert stored is not None and stored.rating is None

        await client.send({"type": "rating", "score": 5, "comment": "  Quick and clear  "})
        rated = await client.until(lambda f: f["type"] == "rated")
        assert rated == {"type": "rated", "score": 5, "comment": "Quick and clear"}
        await client.close()
        return str(cid)

    conversation_id = asyncio.run(scenario())
    row = quality_of(quality_runtime, conversation_id)
    assert row is not None
    assert (row.ended_by, row.rating, row.comment) == ("customer", 5, "Quick and clear")
    assert row.arc_shape in ("improved", "steady")
    assert row.predicted >= 3.5 and 0 < row.confidence < 1
    assert row.topic  # the help-centre article the bot answered from


def test_an_agent_close_asks_the_customer_and_measures_the_unrated_conversation(
    quality_server: RunningServer,
    quality_runtime: Runtime,
    make_account: Callable[..., tuple[str, str]],
) -> None:
    agent_id, token = make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> str:
        client, conversation_id = await queued_customer(quality_server, "close")
        async with httpx.AsyncClient(base_url=quality_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            path = f"/api/handoffs/{handoff['id']}"
            assert (await api.post(f"{path}/claim", headers=bearer(token))).status_code == 200
            closed = await api.post(f"{path}/close", headers=bearer(token), json={"reason": ""})
            assert closed.status_code == 200, closed.text
        await client.until(lambda f: f["type"] == "closed")
        await client.until(lambda f: f["type"] == "rating_request")
        # Once closed, the customer can no longer end it again: they are asked to rate instead.
        await client.send({"type": "end"})
        await client.until(lambda f: f["type"] == "rating_request")
        await client.close()
        return conversation_id

    conversation_id = asyncio.run(scenario())
    row = quality_of(quality_runtime, conversation_id)
    assert row is not None, "every conversation that ends is measured, rated or not"
    assert row.ended_by == "agent" and row.rating is None
    assert row.agent_id == agent_id
    assert row.problem_type == "explicit_request"
    assert 1.0 <= row.predicted <= 5.0 and 0 < row.confidence < 1


def test_a_customer_waiting_in_the_queue_ends_the_chat_and_leaves_the_queue(
    quality_server: RunningServer,
    quality_runtime: Runtime,
    make_account: Callable[..., tuple[str, str]],
) -> None:
    _, supervisor = make_account("supervisor")

    async def scenario() -> str:
        console = await open_console(quality_server, token=supervisor)
        await console.until(lambda f: f["type"] == "queue")
        client, conversation_id = await queued_customer(quality_server, "leave")
        await console.until(event_for(conversation_id, "opened"))
        await client.send({"type": "end"})
        closed = await client.until(lambda f: f["type"] == "closed")
        assert closed["reason"] == "You left the queue and ended the conversation."
        await client.until(lambda f: f["type"] == "rating_request")
        # The console's row goes away: the handoff is closed, nobody claimed it.
        gone = await console.until(event_for(conversation_id, "closed"))
        assert gone["handoff"]["status"] == "closed" and gone["handoff"]["claimed_by"] is None
        await client.send({"type": "rating", "score": 2, "comment": "Waited too long"})
        await client.until(lambda f: f["type"] == "rated")
        async with httpx.AsyncClient(base_url=quality_server.url) as api:
            queue = await api.get("/api/handoffs", headers=bearer(supervisor))
            assert conversation_id not in [row["conversation_id"] for row in queue.json()]
            history = await api.get(
                "/api/history", params={"limit": 200}, headers=bearer(supervisor)
            )
        rows = [r for r in history.json() if r["conversation_id"] == conversation_id]
        assert [(r["status"], r["ended_reason"]) for r in rows] == [
            ("closed", "customer left the queue")
        ]
        await client.close()
        await console.close()
        return conversation_id

    row = quality_of(quality_runtime, asyncio.run(scenario()))
    assert row is not None, "a chat that ends in the queue is measured like any other"
    assert (row.ended_by, row.rating, row.comment) == ("customer", 2, "Waited too long")


def test_while_a_person_chats_the_widget_says_plainly_only_they_can_end_it(
    quality_server: RunningServer,
    quality_runtime: Runtime,
    make_account: Callable[..., tuple[str, str]],
) -> None:
    _, token = make_account()
    _, supervisor = make_account("supervisor")

    async def scenario() -> str:
        client, conversation_id = await queued_customer(quality_server, "with-person")
        async with httpx.AsyncClient(base_url=quality_server.url) as api:
            handoff = await handoff_of(api, supervisor, conversation_id)
            claim = await api.post(f"/api/handoffs/{handoff['id']}/claim", headers=bearer(token))
            assert claim.status_code == 200, claim.text
        await client.until(lambda f: f["type"] == "agent_joined")
        await client.send({"type": "end"})
        error = await client.until(lambda f: f["type"] == "error")
        assert error["code"] == "with_a_person" and not error["fatal"]
        assert "only they can end this conversation" in error["message"]
        await client.close()
        return conversation_id

    assert quality_of(quality_runtime, asyncio.run(scenario())) is None
