"""One customer's /ws/chat connection: reads client frames, keeps delivery in order, resumes.

Every frame the customer receives goes through one outbox and one sender task, so frames are never
interleaved or reordered. Messages carry a ``seq``; a connection never sends a seq twice, and token
frames carry their offset in the reply, so a resume that overlaps live delivery sends no duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

from starlette.websockets import WebSocket

from agent.messages import InvalidMessage, clean_customer_message
from server.channel.catch_up import catch_up
from server.channel.channel import CONNECTION_MOVES, Channel, ConnectionState
from server.channel.feedback import take_feedback
from server.channel.frames import (
    ClientEnd,
    ClientFeedback,
    ClientHello,
    ClientMessage,
    ClientRating,
    ClientResume,
    ClientTyping,
    FrameError,
    closed_frame,
    encode,
    error_frame,
    handoff_frame,
    parse_client_frame,
)
from server.channel.identity import verify_customer
from server.channel.outbox import Outbox, text_frames
from server.channel.rate_limits import TokenBucket, rate_limited_message
from server.channel.resume_tokens import InvalidResumeToken
from server.proactive.widget import open_proactive_conversation
from server.quality.ending import rating_request_frame
from server.quality.rating import take_quality_frame
from server.records.errors import ConversationNotFound
from server.turns.hub import Audience, Frame

log = logging.getLogger(__name__)

# Close codes (RFC 6455 §7.4.1; 4000-4999 are ours to define).
TRY_AGAIN_LATER = 1013


class ChatConnection:
    audience: Audience = "customer"

    def __init__(self, websocket: WebSocket, channel: Channel, *, address: str = "unknown") -> None:
        self.websocket = websocket
        self.channel = channel
        self.address = address
        self.state = ConnectionState.OPEN
        self.conversation_id: str | None = None
        self.outbox = Outbox(websocket)
        self.last_sent_seq = 0
        self.streamed: dict[str, int] = {}  # reply_to -> characters of that reply already sent
        self.holding: list[Frame] | None = None  # frames that arrive while a resume replays
        self._tasks: set[asyncio.Task[None]] = set()
        limits = channel.limits
        self.messages = TokenBucket(burst=limits.messages_burst, rate=limits.messages_per_s)
        self.frames = TokenBucket(burst=limits.frames_burst, rate=limits.frames_per_s)

    def _move(self, target: ConnectionState) -> None:
        if target not in CONNECTION_MOVES[self.state]:
            raise RuntimeError(f"a connection cannot move from {self.state} to {target}")
        self.state = target

    # --- outbound -------------------------------------------------------------------------

    def deliver(self, frame: Frame) -> None:
        """Queue a frame for the customer, dropping what this socket has already sent."""
        if self.state is ConnectionState.CLOSED:
            return
        if self.holding is not None:
            self.holding.append(frame)
            return
        kind = frame["type"]
        if kind == "typing" and frame.get("role") == "customer":
            return  # the customer's own typing, relayed to the agent
        if kind == "message":
            if frame["seq"] <= self.last_sent_seq:
                return
            self.last_sent_seq = frame["seq"]
            if frame.get("reply_to"):
                self.streamed.pop(frame["reply_to"], None)
        elif kind == "token":
            frame = self._unsent_part(frame)
            if not frame["delta"]:
                return
        self.outbox.put(frame)

    def _unsent_part(self, frame: Frame) -> Frame:
        sent = self.streamed.get(frame["reply_to"], 0)
        start = max(0, sent - frame["offset"])
        delta = frame["delta"][start:]
        self.streamed[frame["reply_to"]] = max(sent, frame["offset"] + len(frame["delta"]))
        return {**frame, "offset": frame["offset"] + start, "delta": delta}

    def resync(self) -> None:
        """Send what the records hold beyond what this socket was sent (see ConversationHub)."""
        if self.conversation_id is None or self.state is ConnectionState.CLOSED:
            return
        task = asyncio.create_task(self._resync(self.conversation_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resync(self, conversation_id: str) -> None:
        service = self.channel.service
        try:
            owner = await asyncio.to_thread(service.owner, conversation_id)
            missed, ticket, _ = await asyncio.to_thread(
                catch_up, self.channel.service, conversation_id, self.last_sent_seq, owner
            )
        except Exception:
            # The next resync or the widget's own resume will catch up.
            log.exception("could not catch up conversation %s", conversation_id)
            return
        for frame in missed:
            self.deliver(frame)  # frames already sent are dropped by their seq
        self._deliver_owner_state(owner, ticket)

    def _deliver_owner_state(self, owner: str, ticket: dict[str, Any] | None) -> None:
        """Where the conversation stands: queued (with its place), with a person, or closed."""
        if ticket is not None:
            self.deliver(handoff_frame(ticket))
        elif owner == "human":
            self.deliver({"type": "agent_joined"})
        elif owner == "closed":
            self.deliver(closed_frame("The conversation has been closed."))
            if self.conversation_id is not None:
                self.deliver(rating_request_frame(self.conversation_id))

    def error(
        self, code: str, message: str, *, ref: str | None = None, fatal: bool = False
    ) -> None:
        self.channel.metrics.errors.labels(code=code).inc()
        self.deliver(error_frame(code, message, ref=ref, fatal=fatal))

    # --- the connection -------------------------------------------------------------------

    async def serve(self) -> None:
        await self.websocket.accept()
        self.outbox.start()
        try:
            async for text in text_frames(
                self.websocket,
                on_binary=lambda: self.error(
                    "unsupported_frame", "Frames must be JSON text, not binary."
                ),
            ):
                await self._handle(text)
        finally:
            if self.conversation_id is not None:
                self.channel.hub.unsubscribe(self.conversation_id, self)
            self._move(ConnectionState.CLOSED)
            # Let frames already queued go out (e.g. a fatal error) before the socket goes.
            await self.outbox.close()

    async def _handle(self, text: str) -> None:
        # Every frame spends the allowance, unreadable ones too: a flood of junk is still a flood.
        allowed = self.frames.take()
        try:
            frame = parse_client_frame(text)
        except FrameError as exc:
            if allowed:
                self.error(exc.code, str(exc), ref=exc.ref)
            else:
                self._rate_limited(self.frames.retry_after(), exc.ref)
            return
        if not allowed:
            self._rate_limited(self.frames.retry_after(), getattr(frame, "client_message_id", None))
            return
        channel, conversation_id = self.channel, self.conversation_id
        if isinstance(frame, ClientMessage):
            await self._message(frame)
        elif isinstance(frame, ClientResume):
            await self._resume(frame)
        elif isinstance(frame, ClientFeedback):
            await take_feedback(channel.service, channel.hub, conversation_id, frame, self.deliver)
        elif isinstance(frame, ClientHello):
            await self._hello(frame)
        elif isinstance(frame, ClientRating | ClientEnd):
            listeners = channel.turns.handoff_listeners  # a left queue is announced to consoles
            await take_quality_frame(
                channel.quality, channel.hub, conversation_id, frame, self.deliver, listeners
            )
        elif isinstance(frame, ClientTyping) and conversation_id is not None:
            # The agent's console shows it; the bot does not care.
            typing = {"type": "typing", "role": "customer", "active": frame.active}
            channel.hub.publish(conversation_id, typing)

    def _rate_limited(self, retry_after_s: float, ref: str | None) -> None:
        self.error("rate_limited", rate_limited_message(retry_after_s), ref=ref)

    async def _message(self, frame: ClientMessage) -> None:
        service = self.channel.service
        try:
            text = clean_customer_message(frame.text, max_chars=service.bot.max_message_chars)
        except InvalidMessage as exc:
            self.error(exc.code, str(exc), ref=frame.client_message_id)
            return
        if not self.messages.take():
            self._rate_limited(self.messages.retry_after(), frame.client_message_id)
            return
        wait = await self.channel.addresses.take_message(self.address)
        if wait is not None:
            self._rate_limited(wait, frame.client_message_id)
            return
        if self.conversation_id is None:
            await self._start_session(frame)
        assert self.conversation_id is not None
        self.channel.turns.submit_turn(
            self.conversation_id, frame.client_message_id, text, on_error=self.deliver
        )

    async def _start_session(self, frame: ClientMessage) -> None:
        customer_id = None
        claim = frame.customer
        if claim is not None:
            if verify_customer(self.channel.customer_secret, claim.id, claim.signature):
                customer_id = claim.id
            else:
                # The chat goes on without the account rather than losing the customer's message.
                self.error(
                    "customer_not_verified",
                    "We couldn't confirm your account, so this chat continues without it.",
                )
        conversation_id = await asyncio.to_thread(
            partial(self.channel.service.start_conversation, customer_id=customer_id)
        )
        self._bind(conversation_id)
        self.deliver(self._session_frame(conversation_id, resumed=False, owner="bot"))

    async def _hello(self, frame: ClientHello) -> None:
        """Approved outreach waiting for this verified customer opens a new conversation."""
        claim = frame.customer
        if self.conversation_id is not None or not verify_customer(
            self.channel.customer_secret, claim.id, claim.signature
        ):
            return  # nothing to show an unverified visitor, and no error for a plain visit
        service = self.channel.service
        opened = await asyncio.to_thread(
            open_proactive_conversation, service.engine, claim.id, service.clock()
        )
        if opened is None:
            return
        conversation_id, messages = opened
        self._bind(conversation_id)
        self.deliver(self._session_frame(conversation_id, resumed=False, owner="bot"))
        for message in messages:
            self.deliver(message)

    def _bind(self, conversation_id: str) -> None:
        self._move(ConnectionState.IN_SESSION)
        self.conversation_id = conversation_id
        self.channel.hub.subscribe(conversation_id, self)

    def _session_frame(self, conversation_id: str, *, resumed: bool, owner: str) -> Frame:
        return {
            "type": "session",
            "conversation_id": conversation_id,
            "resume_token": self.channel.tokens.issue(conversation_id),
            "resumed": resumed,
            "owner": owner,
        }

    async def _resume(self, frame: ClientResume) -> None:
        service, hub = self.channel.service, self.channel.hub
        try:
            conversation_id = self.channel.tokens.verify(
                frame.token, conversation_id=frame.conversation_id
            )
            owner = await asyncio.to_thread(service.owner, conversation_id)
        except (InvalidResumeToken, ConversationNotFound):
            # One answer for forged, expired and foreign tokens: nothing to learn from a refusal.
            self.error(
                "invalid_resume_token",
                "This chat session can't be resumed. Send a message to start a new conversation.",
            )
            return
        if self.conversation_id not in (None, conversation_id):
            self.error("already_in_session", "This connection already belongs to a conversation.")
            return
        self.holding = []
        if self.conversation_id is None:
            self._bind(conversation_id)
        try:
            missed, ticket, latest = await asyncio.to_thread(
                catch_up, service, conversation_id, frame.last_seq, owner
            )
        except BaseException:
            self._release_held()
            raise
        held, self.holding = self.holding, None
        # A widget claiming more than was ever sent must not silence the messages still to come.
        self.last_sent_seq = min(frame.last_seq, latest)
        self.streamed.clear()
        self.deliver(self._session_frame(conversation_id, resumed=True, owner=owner))
        for replayed in missed:
            self.deliver(replayed)
        self._deliver_owner_state(owner, ticket)
        stream = hub.streaming(conversation_id)
        if stream is not None:
            self.deliver({"type": "typing", "role": "bot", "active": True})
            self.deliver(
                {"type": "token", "reply_to": stream.reply_to, "offset": 0, "delta": stream.text}
            )
        for live in held:
            self.deliver(live)
        # A server process that died mid-turn left the customer's last message unanswered.
        self.channel.turns.recover_turn(conversation_id)

    def _release_held(self) -> None:
        held, self.holding = self.holding or [], None
        for live in held:
            self.deliver(live)


async def serve_chat_socket(websocket: WebSocket, channel: Channel) -> None:
    """Accept one customer socket within the per-address limit, and serve it to the end."""
    address = channel.proxies.client_address(websocket)
    if not await channel.addresses.acquire(address):
        await websocket.accept()
        channel.metrics.errors.labels(code="too_many_connections").inc()
        await websocket.send_text(
            encode(
                error_frame(
                    "too_many_connections",
                    "Too many chats are open from your network; close one and try again.",
                    fatal=True,
                )
            )
        )
        await websocket.close(code=TRY_AGAIN_LATER)
        return
    channel.metrics.open_sockets.inc()
    try:
        await ChatConnection(websocket, channel, address=address).serve()
    finally:
        channel.metrics.open_sockets.dec()
        await channel.addresses.release(address)
