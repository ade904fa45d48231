"""One console's /ws/agent connection: the live queue, the conversations it watches, typing.

The console signs in with its session cookie (or an API client with ``Authorization: Bearer``).
On connect it gets ``hello`` and a ``queue`` snapshot, then every queue change as a ``handoff``
event. It ``watch``es the handoffs it has open and receives their conversation's frames (messages,
typing, the customer's live sentiment ``reading`` when the setting allows) tagged with the
conversation id. Actions (claim, reply, hand back, close, label) stay on the REST API, where each
has a plain status code; the socket carries what must be live. Documented in docs/agent-api.md.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.websockets import WebSocket

from server.channel.frames import encode, error_frame
from server.channel.json_text import UnreadableJSON, read_json
from server.channel.outbox import Outbox, text_frames
from server.channel.rate_limits import TokenBucket
from server.channel.resume_tokens import ResumeTokens
from server.desk.auth import (
    DISABLED,
    SIGNED_OUT,
    AccountDisabled,
    DeskAgent,
    authenticate,
    still_signed_in,
)
from server.desk.feed import DeskFeed
from server.desk.views import desk_queue
from server.records.errors import HandoffNotFound
from server.records.handoffs import get_handoff
from server.runtime import Runtime
from server.turns.hub import Audience, ConversationHub, Frame

MAX_AGENT_FRAME_BYTES = 16 * 1024
MAX_WATCHED = 50
UNAUTHORIZED = 4401  # close code: sign in first
# Frames of a conversation a console has no use for: the bot's reply arrives whole as a message.
_SKIPPED = {"token"}


@dataclass
class Desk:
    """Everything an agent connection needs, built once per app."""

    runtime: Runtime
    hub: ConversationHub
    feed: DeskFeed
    sessions: ResumeTokens
    live_scores: str  # Settings.console_live_scores
    # How often an open console checks that its agent is still enabled and its token current.
    account_check_s: float = 15.0


class _Watch:
    """A console's subscription to one conversation on the hub (frames get the id added)."""

    audience: Audience = "desk"

    def __init__(self, connection: AgentConnection, conversation_id: str, handoff_id: str) -> None:
        self.connection = connection
        self.conversation_id = conversation_id
        self.handoff_id = handoff_id

    def deliver(self, frame: Frame) -> None:
        self.connection.conversation_frame(self, frame)

    def resync(self) -> None:
        return None  # the console as a whole re-reads (DeskFeed.resync)


class AgentConnection:
    def __init__(self, websocket: WebSocket, desk: Desk, agent: DeskAgent) -> None:
        self.websocket = websocket
        self.desk = desk
        self.agent = agent
        self.live_scores = agent.sees_live_scores(desk.live_scores)
        self.outbox = Outbox(websocket)
        self.watches: dict[str, _Watch] = {}  # by handoff id
        self.frames = TokenBucket(burst=40, rate=10.0)
        self.closed = False
        self._tasks: set[asyncio.Task[None]] = set()

    # --- outbound ---------------------------------------------------------------------------

    def send(self, frame: Frame) -> None:
        if not self.closed:
            self.outbox.put(frame)

    def conversation_frame(self, watch: _Watch, frame: Frame) -> None:
        kind = frame["type"]
        if kind in _SKIPPED or (kind == "reading" and not self.live_scores):
            return
        self.send(
            {**frame, "conversation_id": watch.conversation_id, "handoff_id": watch.handoff_id}
        )

    def resync(self) -> None:
        """The bus missed events for a while: send the queue again and have the console re-read
        the conversations it has open."""
        task = asyncio.create_task(self._resync())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resync(self) -> None:
        self.send({"type": "queue", "items": await self._queue()})
        self.send({"type": "resync"})

    def on_desk_event(self, frame: Frame) -> None:
        item = frame["handoff"]
        if (
            self.agent.is_supervisor
            or item["status"] == "waiting"
            or item["claimed_by"] == self.agent.id
        ):
            self.send(frame)
        else:
            # Another agent's now: the row leaves this agent's queue, and so does its conversation.
            self._unwatch(item["id"])
            self.send(
                {
                    **frame,
                    "handoff": {
                        "id": item["id"],
                        "conversation_id": item["conversation_id"],
                        "status": item["status"],
                    },
                }
            )

    # --- the connection ---------------------------------------------------------------------

    async def serve(self) -> None:
        self.outbox.start()
        self.desk.feed.join(self)
        checker = asyncio.create_task(self._keep_account_checked())
        try:
            self.send(
                {
                    "type": "hello",
                    "agent": {
                        "id": self.agent.id,
                        "name": self.agent.name,
                        "role": self.agent.role,
                    },
                    "live_scores": self.live_scores,
                }
            )
            self.send({"type": "queue", "items": await self._queue()})
            async for text in text_frames(
                self.websocket,
                on_binary=lambda: self._error(
                    "unsupported_frame", "Frames must be JSON text, not binary."
                ),
            ):
                await self._handle(text)
        finally:
            checker.cancel()
            self.desk.feed.leave(self)
            for handoff_id in list(self.watches):
                self._unwatch(handoff_id)
            self.closed = True
            await self.outbox.close()

    async def _keep_account_checked(self) -> None:
        """A console stays open for hours: once its agent is disabled or its token rotated (by
        `tideline agents`, from any process), it is told why and closed at the next check."""
        engine = self.desk.runtime.engine
        while True:
            await asyncio.sleep(self.desk.account_check_s)
            refusal = await asyncio.to_thread(still_signed_in, engine, self.agent)
            if refusal is not None:
                break
        message = DISABLED if refusal == "account_disabled" else SIGNED_OUT
        self.send(error_frame(refusal, message, fatal=True))
        self.closed = True
        await self.outbox.close()
        await self.websocket.close(code=UNAUTHORIZED)

    async def _queue(self) -> list[dict[str, Any]]:
        runtime = self.desk.runtime

        def read() -> list[dict[str, Any]]:
            with Session(runtime.engine) as session:
                return desk_queue(session, self.agent, now=runtime.conversations.clock())

        return await asyncio.to_thread(read)

    def _error(self, code: str, message: str, *, ref: str | None = None) -> None:
        self.send(error_frame(code, message, ref=ref))

    async def _handle(self, text: str) -> None:
        # Every frame spends the allowance, unreadable ones too: a flood of junk is still a flood.
        if not self.frames.take():
            self._error("rate_limited", "Too many frames; slow down.")
            return
        try:
            frame = read_json(text, max_bytes=MAX_AGENT_FRAME_BYTES)
        except UnreadableJSON as exc:
            self._error(exc.code, str(exc))
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            self._error("invalid_frame", "A frame must be a JSON object with a 'type'.")
            return
        kind = frame["type"]
        if kind == "ping":
            self.send({"type": "pong"})
            return
        if kind == "queue":
            self.send({"type": "queue", "items": await self._queue()})
            return
        if kind not in ("watch", "unwatch", "typing"):
            self._error(
                "unknown_type",
                f"Unknown frame type {kind[:40]!r}; expected watch, unwatch, typing, queue or ping.",
            )
            return
        handoff_id = frame.get("handoff_id")
        if not isinstance(handoff_id, str) or not handoff_id:
            self._error("missing_field", f"A {kind} frame needs a 'handoff_id'.")
            return
        if kind == "unwatch":
            self._unwatch(handoff_id)
        elif kind == "watch":
            await self._watch(handoff_id)
        else:
            await self._typing(handoff_id, frame.get("active", True))

    async def _watch(self, handoff_id: str) -> None:
        if handoff_id in self.watches:
            return
        if len(self.watches) >= MAX_WATCHED:
            self._error("too_many_watched", f"A console watches at most {MAX_WATCHED} handoffs.")
            return

        def load() -> tuple[str, bool]:
            with Session(self.desk.runtime.engine) as session:
                handoff = get_handoff(session=session, handoff_id=handoff_id)
                return handoff.conversation_id, self.agent.can_read(handoff)

        try:
            conversation_id, readable = await asyncio.to_thread(load)
        except HandoffNotFound:
            self._error("not_found", "No such handoff.", ref=handoff_id)
            return
        if not readable:
            self._error("forbidden", "This handoff belongs to another agent.", ref=handoff_id)
            return
        watch = _Watch(self, conversation_id, handoff_id)
        self.watches[handoff_id] = watch
        self.desk.hub.subscribe(conversation_id, watch)
        self.send(
            {"type": "watching", "handoff_id": handoff_id, "conversation_id": conversation_id}
        )

    def _unwatch(self, handoff_id: str) -> None:
        watch = self.watches.pop(handoff_id, None)
        if watch is not None:
            self.desk.hub.unsubscribe(watch.conversation_id, watch)

    async def _typing(self, handoff_id: str, active: object) -> None:
        if not isinstance(active, bool):
            self._error("invalid_field", "'active' must be true or false.")
            return
        watch = self.watches.get(handoff_id)
        if watch is None:
            self._error("not_watching", "Watch the handoff before typing in it.", ref=handoff_id)
            return

        def owned() -> bool:
            with Session(self.desk.runtime.engine) as session:
                handoff = get_handoff(session=session, handoff_id=handoff_id)
                return handoff.status == "claimed" and handoff.claimed_by == self.agent.id

        # Only the agent who claimed the conversation types to its customer.
        if not await asyncio.to_thread(owned):
            self._error("not_yours", "Claim this handoff before writing to the customer.")
            return
        self.desk.hub.publish(
            watch.conversation_id,
            {"type": "typing", "role": "agent", "active": active, "agent": self.agent.name},
        )


async def serve_agent_socket(websocket: WebSocket, desk: Desk) -> None:
    """Authenticate the console (cookie or bearer token), then serve it to the end."""
    await websocket.accept()
    try:
        agent = await authenticate(websocket, desk.runtime, desk.sessions)
    except AccountDisabled:
        await _refuse(websocket, "account_disabled", DISABLED)
        return
    if agent is None:
        await _refuse(
            websocket,
            "unauthorized",
            "Sign in to the console first (or send 'Authorization: Bearer <agent token>').",
        )
        return
    await AgentConnection(websocket, desk, agent).serve()


async def _refuse(websocket: WebSocket, code: str, message: str) -> None:
    await websocket.send_text(encode(error_frame(code, message, fatal=True)))
    await websocket.close(code=UNAUTHORIZED)
