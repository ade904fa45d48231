"""A conversation left idle past TIDELINE_IDLE_CLOSE_MINUTES closes, is measured and asks a rating;
a queued one too once its customer has gone (no socket open)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlmodel import Session, select

from server.app import create_app
from server.records.conversations import get_conversation
from server.records.models import Handoff
from server.records.ownership import ownership_changes
from server.records.quality import get_quality
from server.runtime import Runtime
from tests.server.channel.channel_support import TEST_LIMITS, RunningServer, bot_reply, open_client
from tests.server.desk.desk_support import event_for, open_console, queued_customer


def test_an_idle_conversation_is_closed_measured_and_the_customer_asked_to_rate(
    quality_runtime: Runtime,
) -> None:
    # 0.02 minutes: idle after 1.2 s, swept every 0.3 s.
    settings = quality_runtime.settings.model_copy(update={"idle_close_minutes": 0.02})
    app = create_app(settings, runtime=quality_runtime, limits=TEST_LIMITS)

    async def scenario(server: RunningServer) -> str:
        client = await open_client(server)
        await client.say("idle-1", "Do you ship to Norway?")
        session = await client.until(lambda f: f["type"] == "session")
        await client.until(bot_reply)
        started = asyncio.get_running_loop().time()
        closed = await client.until(lambda f: f["type"] == "closed", timeout=10)
        waited = asyncio.get_running_loop().time() - started
        assert waited >= 0.8, "closed before the idle time had passed"
        assert "without messages" in closed["reason"]
        await client.until(lambda f: f["type"] == "rating_request")
        await client.send({"type": "rating", "score": 3})
        await client.until(lambda f: f["type"] == "rated")
        await client.close()
        return str(session["conversation_id"])

    with RunningServer(app) as server:
        conversation_id = asyncio.run(scenario(server))
    with Session(quality_runtime.engine) as session:
        assert get_conversation(session=session, conversation_id=conversation_id).owner == "closed"
        row = get_quality(session=session, conversation_id=conversation_id)
    assert row is not None
    assert (row.ended_by, row.rating) == ("idle", 3)
    assert 1.0 <= row.predicted <= 5.0


def test_a_queued_customer_who_went_silent_and_left_is_closed_out_of_the_queue(
    quality_runtime: Runtime, make_account: Callable[..., tuple[str, str]]
) -> None:
    settings = quality_runtime.settings.model_copy(update={"idle_close_minutes": 0.02})
    app = create_app(settings, runtime=quality_runtime, limits=TEST_LIMITS)
    _, supervisor = make_account("supervisor")

    async def scenario(server: RunningServer) -> tuple[str, str]:
        console = await open_console(server, token=supervisor)
        await console.until(lambda f: f["type"] == "queue")
        gone, gone_id = await queued_customer(server, "idle-gone")
        staying, staying_id = await queued_customer(server, "idle-staying")
        await gone.close()  # the customer closed the tab: no socket left
        closed = await console.until(event_for(gone_id, "closed"), timeout=10)
        assert closed["handoff"]["status"] == "closed"
        # The customer still on the page (socket open) keeps their place, however quiet.
        await asyncio.sleep(1.0)
        with Session(quality_runtime.engine) as session:
            assert get_conversation(session=session, conversation_id=staying_id).owner == "queued"
        await staying.close()
        await console.close()
        return gone_id, staying_id

    with RunningServer(app) as server:
        gone_id, staying_id = asyncio.run(scenario(server))
    with Session(quality_runtime.engine) as session:
        assert get_conversation(session=session, conversation_id=gone_id).owner == "closed"
        moves = ownership_changes(session=session, conversation_id=gone_id)
        assert (moves[-1].actor, moves[-1].reason) == ("system", "customer left")
        row = get_quality(session=session, conversation_id=gone_id)
        handoff = session.exec(select(Handoff).where(Handoff.conversation_id == gone_id)).one()
    assert row is not None and row.ended_by == "idle"
    assert handoff.status == "closed" and handoff.closed_at is not None
