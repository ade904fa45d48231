"""Helpers of the agent-desk tests: a customer who asked for a person, and API calls as an agent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from websockets.asyncio.client import connect

from tests.server.channel.channel_support import ChatClient, RunningServer, bot_reply, open_client

# (agent id, bearer token), as the make_account fixture returns it
Account = tuple[str, str]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def queued_customer(server: RunningServer, tag: str) -> tuple[ChatClient, str]:
    """A customer socket whose conversation is waiting in the human queue; returns it and its id."""
    client = await open_client(server)
    await client.say(f"{tag}-1", "I want to talk to a human, right now please")
    session = await client.until(lambda f: f["type"] == "session")
    await client.until(bot_reply)
    await client.until(lambda f: f["type"] == "handoff")
    return client, session["conversation_id"]


async def handoff_of(
    api: httpx.AsyncClient, supervisor_token: str, conversation_id: str
) -> dict[str, Any]:
    """The queue row of the conversation's handoff, as a supervisor sees the queue."""
    response = await api.get("/api/handoffs", headers=bearer(supervisor_token))
    assert response.status_code == 200, response.text
    rows = [row for row in response.json() if row["conversation_id"] == conversation_id]
    assert len(rows) == 1, rows
    return rows[0]  # type: ignore[no-any-return]


async def open_console(
    server: RunningServer, *, token: str | None = None, headers: dict[str, str] | None = None
) -> ChatClient:
    """An agent console's /ws/agent socket, signed in with a bearer token or given headers."""
    sent = dict(headers or {})
    if token is not None:
        sent.update(bearer(token))
    connection = await connect(
        server.url.replace("http://", "ws://") + "/ws/agent",
        additional_headers=sent,
        max_size=2**22,
    )
    return ChatClient(connection)


def event_for(conversation_id: str, event: str) -> Callable[[dict[str, Any]], bool]:
    """Matches the console's queue event of that kind for that conversation."""

    def match(frame: dict[str, Any]) -> bool:
        return (
            frame["type"] == "handoff"
            and frame["event"] == event
            and frame["handoff"]["conversation_id"] == conversation_id
        )

    return match
