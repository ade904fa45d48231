"""A socket's frames both ways, shared by the customer socket and the agent console's socket.

Out: a queue and a single sender task, so frames never interleave. ``put`` is called on the event
loop by whoever has a frame for the socket; ``close`` lets what is queued go out (a fatal error,
say) for up to two seconds before the socket goes. In: ``text_frames`` yields the client's text
frames until it disconnects, telling ``on_binary`` of each binary frame it skips.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from server.channel.frames import encode


class Outbox:
    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._sender: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._sender = asyncio.create_task(self._send_loop())

    def put(self, frame: dict[str, Any]) -> None:
        self._queue.put_nowait(frame)

    async def close(self, *, grace_s: float = 2.0) -> None:
        self._queue.put_nowait(None)
        if self._sender is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._sender, timeout=grace_s)

    async def _send_loop(self) -> None:
        while True:
            frame = await self._queue.get()
            if frame is None:
                return
            try:
                await self.websocket.send_text(encode(frame))
            except (WebSocketDisconnect, RuntimeError, OSError):
                return


async def text_frames(websocket: WebSocket, *, on_binary: Callable[[], None]) -> AsyncIterator[str]:
    """The client's text frames, until it disconnects."""
    try:
        while True:
            received = await websocket.receive()
            if received["type"] == "websocket.disconnect":
                return
            text = received.get("text")
            if text is None:
                on_binary()
                continue
            yield text
    except WebSocketDisconnect:
        return
