"""A `tideline serve` process SIGKILLed in the middle of a handoff turn, restarted, and resumed.

The customer asks for a person; the process is killed at bounded points of that turn (the moment
its handoff row becomes visible in the records, and a few fixed delays after the customer's message
is stored). After a restart on the same SQLite files the customer resumes, as the widget does. The
handoff, the decision and the notice must have been kept together: one handoff at the severity of
one trigger, the notice stored and shown once, one decision per customer message, turns numbered
without a gap.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.scaleout.cluster_support import ServerProcess
from tests.server.channel.channel_support import ChatClient, bot_reply

pytestmark = pytest.mark.slow

ASK_FOR_A_PERSON = "I want to talk to a human right now"


@pytest.fixture(scope="module")
def crash_server(
    tmp_path_factory: pytest.TempPathFactory, sample_data_dir: Path
) -> Iterator[ServerProcess]:
    """One server process on the embedded defaults (SQLite records and checkpoints)."""
    data_dir = tmp_path_factory.mktemp("crash-data")
    shutil.copytree(sample_data_dir, data_dir, dirs_exist_ok=True)
    env = {**os.environ, "TIDELINE_DATA_DIR": str(data_dir)}
    for name in ("DATABASE_URL", "REDIS_URL", "CHROMA_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    server = ServerProcess("crash", env, data_dir).start()
    try:
        yield server
    finally:
        server.stop()


def _records(server: ServerProcess) -> sqlite3.Connection:
    path = Path(server.env["TIDELINE_DATA_DIR"]) / "tideline.db"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def _handoff_visible(conversation_id: str) -> Callable[[sqlite3.Connection], bool]:
    def seen(db: sqlite3.Connection) -> bool:
        query = "SELECT 1 FROM handoffs WHERE conversation_id = ?"
        return db.execute(query, (conversation_id,)).fetchone() is not None

    return seen


def _message_stored_then(
    conversation_id: str, delay_s: float
) -> Callable[[sqlite3.Connection], bool]:
    stored_at: list[float] = []

    def seen(db: sqlite3.Connection) -> bool:
        if not stored_at:
            query = "SELECT 1 FROM messages WHERE conversation_id = ? AND client_message_id = 'h2'"
            if db.execute(query, (conversation_id,)).fetchone() is None:
                return False
            stored_at.append(time.monotonic())
        return time.monotonic() - stored_at[0] >= delay_s

    return seen


def _kill_when(
    server: ServerProcess, point: Callable[[sqlite3.Connection], bool], timeout_s: float = 30.0
) -> threading.Thread:
    """Watch the records from another thread and SIGKILL the server the moment ``point`` holds
    (or once the turn is long over, which the assertions then show as an uninterrupted turn)."""

    def watch() -> None:
        deadline = time.monotonic() + timeout_s
        with _records(server) as db:
            while time.monotonic() < deadline:
                try:
                    if point(db):
                        break
                except sqlite3.OperationalError:  # the writer holds a lock for a moment
                    pass
                time.sleep(0.001)
        server.kill()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


async def _customer(server: ServerProcess) -> ChatClient:
    return ChatClient(await connect(server.ws_url, max_size=2**22))


def _conversation_rows(server: ServerProcess, conversation_id: str) -> dict[str, Any]:
    with _records(server) as db:
        handoffs = db.execute(
            "SELECT severity, priority_raises, status FROM handoffs WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchall()
        decisions = db.execute(
            "SELECT turn, message_id, rule FROM decisions WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        ).fetchall()
        messages = db.execute(
            "SELECT seq, role, client_message_id FROM messages WHERE conversation_id = ? "
            "ORDER BY seq",
            (conversation_id,),
        ).fetchall()
        owner = db.execute(
            "SELECT owner FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()[0]
    return {"handoffs": handoffs, "decisions": decisions, "messages": messages, "owner": owner}


@pytest.mark.parametrize(
    "kill_point",
    ["handoff-visible", "message+0ms", "message+40ms", "message+80ms"],
)
def test_a_crash_in_the_handoff_turn_keeps_the_notice_and_counts_one_trigger(
    crash_server: ServerProcess, kill_point: str
) -> None:
    async def scenario() -> None:
        customer = await _customer(crash_server)
        await customer.say("h1", "How do I reset my password?")
        session = await customer.until(lambda f: f["type"] == "session")
        conversation_id = session["conversation_id"]
        await customer.until(bot_reply, timeout=60)

        if kill_point == "handoff-visible":
            point = _handoff_visible(conversation_id)
        else:
            point = _message_stored_then(conversation_id, int(kill_point[8:-2]) / 1000)
        watcher = _kill_when(crash_server, point)
        await customer.say("h2", ASK_FOR_A_PERSON)
        await asyncio.to_thread(watcher.join)
        with_seq = [f for f in customer.received if f["type"] == "message"]
        acknowledged = {f.get("client_message_id") for f in with_seq if f["role"] == "customer"}
        last_seq = max(f["seq"] for f in with_seq)
        crash_server.start()

        # The widget reconnects, resumes, and resends what was never acknowledged.
        back = await _customer(crash_server)
        await back.send({"type": "resume", "token": session["resume_token"], "last_seq": last_seq})
        await back.until(lambda f: f["type"] == "session")
        if "h2" not in acknowledged:
            await back.say("h2", ASK_FOR_A_PERSON)
        notice = await back.until(
            lambda f: bot_reply(f) and f.get("reply_to") == "h2", timeout=60
        )
        assert notice["role"] == "system" and "support team" in notice["text"]
        await back.until(lambda f: f["type"] == "handoff")

        # A new socket replays the whole stored conversation: each message once, in order.
        replay = await _customer(crash_server)
        await replay.send({"type": "resume", "token": session["resume_token"], "last_seq": 0})
        await replay.until(lambda f: f["type"] == "session")
        await replay.quiet(1.0)
        shown = [(f["role"], f.get("client_message_id")) for f in replay.of_type("message")]
        assert shown == [("customer", "h1"), ("bot", None), ("customer", "h2"), ("system", None)]
        for client in (customer, back, replay):
            await client.close()

        rows = _conversation_rows(crash_server, conversation_id)
        # One trigger, one handoff at its severity: the recovered turn did not count again.
        assert rows["handoffs"] == [("high", 0, "waiting")]
        assert rows["owner"] == "queued"
        # One decision per customer message, turns 1 and 2, the second the handoff's.
        customer_ids = [seq for seq, role, _ in rows["messages"] if role == "customer"]
        assert [turn for turn, _, _ in rows["decisions"]] == [1, 2]
        assert len({message_id for _, message_id, _ in rows["decisions"]}) == 2
        assert rows["decisions"][1][2] == "explicit_request"
        assert len(customer_ids) == 2

    asyncio.run(scenario())
