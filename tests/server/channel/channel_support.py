"""Helpers for the channel tests: uvicorn in a thread, a slow responder and a websocket client."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from agent.responders.base import Reply, ReplyRequest, TokenSink
from agent.responders.grounded import GroundedResponder
from server.channel.rate_limits import ChannelLimits
from tests.support import free_port

# Generous limits so only the tests about limits meet them.
TEST_LIMITS = ChannelLimits(messages_burst=50, frames_burst=200, sockets_per_address=200)


class RunningServer:
    """uvicorn serving an app on a free port in a background thread."""

    def __init__(self, app: Any, *, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws_max_size=1024 * 1024,
            lifespan="on",
            proxy_headers=False,  # as `tideline serve`: the app resolves client addresses
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat"

    def __enter__(self) -> RunningServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


class SlowResponder:
    """The grounded responder, streaming each token after a pause: a reply that takes a while."""

    name = "grounded"

    def __init__(self, delay_s: float) -> None:
        self.inner = GroundedResponder()
        self.delay_s = delay_s

    def respond(self, request: ReplyRequest, on_token: TokenSink | None = None) -> Reply:
        def slow(delta: str) -> None:
            time.sleep(self.delay_s)
            if on_token is not None:
                on_token(delta)

        return self.inner.respond(request, on_token=slow)


class ChatClient:
    """A customer's websocket: sends frames and collects everything the server sends."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.received: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.connection.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def say(self, client_id: str, text: str) -> None:
        await self.send({"type": "message", "id": client_id, "text": text})

    async def recv(self, timeout: float = 10.0) -> dict[str, Any]:
        frame = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
        self.received.append(frame)
        return frame  # type: ignore[no-any-return]

    async def until(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15.0
    ) -> dict[str, Any]:
        """Receive until a frame matches; return it (everything read stays in ``received``)."""
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.recv(max(0.01, deadline - time.monotonic()))
            if predicate(frame):
                return frame

    async def quiet(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        """Whatever arrives within ``seconds``: used to show nothing more came."""
        frames = []
        try:
            while True:
                frames.append(await self.recv(seconds))
        except TimeoutError:
            return frames

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.received if f["type"] == kind]

    async def close(self) -> None:
        await self.connection.close()


async def open_client(server: RunningServer) -> ChatClient:
    return ChatClient(await connect(server.ws_url, max_size=2**22))


def bot_reply(frame: dict[str, Any]) -> bool:
    return frame["type"] == "message" and frame["role"] in ("bot", "system")
