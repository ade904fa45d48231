"""Delivers each conversation's frames to its sockets and runs customer turns off the event loop.

A turn belongs to the conversation, not to the socket that sent it: when the socket drops mid-reply
the turn finishes, its reply is stored, and whichever socket resumes the conversation receives the
rest (the text streamed so far, then the final message). Across processes the frames travel over
the event bus (server/events/bus.py, Redis in server/events/redis_bus.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, Protocol

from agent.bot import TurnResult
from agent.messages import InvalidMessage
from server.channel.frames import error_frame, handoff_frame, message_frame
from server.events.bus import EventBus, LocalEventBus, conversation_of, conversation_topic
from server.metrics import ChannelMetrics
from server.records.errors import ConversationClosed, ConversationNotFound
from server.records.models import Message
from server.turns.service import ConversationService

log = logging.getLogger(__name__)

Frame = dict[str, Any]
ErrorSink = Callable[[Frame], None]
Audience = Literal["customer", "desk"]
HandoffListener = Callable[[str, str], None]  # (handoff id, event) when a turn opens or raises one


class Subscriber(Protocol):
    # Who is reading: a customer's socket never receives desk-only frames.
    audience: Audience

    def deliver(self, frame: Frame) -> None:
        """Take one frame for the socket (called on the event loop)."""
        ...

    def resync(self) -> None:
        """Catch up from the records: the bus may have missed frames (called on the event loop)."""
        ...


@dataclass
class StreamingReply:
    """The reply being streamed right now: what a socket that resumes mid-reply is sent first."""

    reply_to: str
    text: str = ""


def closed_frame(reason: str) -> Frame:
    return {"type": "closed", "reason": reason}


def reading_frame(result: TurnResult) -> Frame:
    """A turn's sentiment reading and decision, for the consoles watching the conversation."""
    return {
        "type": "reading",
        "turn": result.turn,
        "owner": result.owner,
        "reading": result.reading.to_dict(),
        "trend": result.sentiment.trend,
        "decision": {
            "escalate": result.decision.escalate,
            "rule": result.decision.rule,
            "severity": result.decision.severity,
            "risk": result.decision.risk,
            "reason": result.decision.reason,
        },
    }


class ConversationHub:
    def __init__(
        self,
        service: ConversationService,
        *,
        metrics: ChannelMetrics,
        turn_workers: int = 4,
        bus: EventBus | None = None,
    ) -> None:
        self.service = service
        self.metrics = metrics
        self.bus: EventBus = bus or LocalEventBus()
        # Told when a turn opens a handoff or raises a waiting one (the desk announces it).
        self.handoff_listeners: list[HandoffListener] = []
        self.executor = ThreadPoolExecutor(max_workers=turn_workers, thread_name_prefix="turn")
        self.subscribers: dict[str, set[Subscriber]] = {}
        self.streams: dict[str, StreamingReply] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._lock_users: Counter[str] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()

    # --- delivery -------------------------------------------------------------------------

    def subscribe(self, conversation_id: str, subscriber: Subscriber) -> None:
        self.subscribers.setdefault(conversation_id, set()).add(subscriber)

    def unsubscribe(self, conversation_id: str, subscriber: Subscriber) -> None:
        subscribers = self.subscribers.get(conversation_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self.subscribers[conversation_id]

    def publish(self, conversation_id: str, frame: Frame, *, desk_only: bool = False) -> None:
        """Send a frame to every socket of the conversation, on every server process."""
        if frame["type"] == "message":
            self.metrics.messages.labels(role=frame["role"]).inc()
        self.bus.publish(
            conversation_topic(conversation_id),
            {"audience": "desk" if desk_only else "all", "frame": frame},
        )

    def on_event(self, topic: str, event: Frame) -> bool:
        """Deliver a conversation event from the bus to this process's sockets; False if not one."""
        conversation_id = conversation_of(topic)
        if conversation_id is None:
            return False
        desk_only = event.get("audience") == "desk"
        frame = event["frame"]
        for subscriber in list(self.subscribers.get(conversation_id, ())):
            if desk_only and subscriber.audience != "desk":
                continue
            subscriber.deliver(frame)
        return True

    def resync(self) -> None:
        """The bus lost frames for a while (Redis went away and came back): every socket of this
        process catches up from the records, which hold every message."""
        for subscribers in list(self.subscribers.values()):
            for subscriber in list(subscribers):
                subscriber.resync()

    def streaming(self, conversation_id: str) -> StreamingReply | None:
        return self.streams.get(conversation_id)

    def _token(self, conversation_id: str, reply_to: str, delta: str) -> None:
        stream = self.streams.get(conversation_id)
        if stream is None or stream.reply_to != reply_to:
            stream = self.streams[conversation_id] = StreamingReply(reply_to=reply_to)
        offset = len(stream.text)
        stream.text += delta
        self.publish(
            conversation_id,
            {"type": "token", "reply_to": reply_to, "offset": offset, "delta": delta},
        )

    def _stored(self, conversation_id: str, frame: Frame) -> None:
        if frame["role"] != "customer":
            self.streams.pop(conversation_id, None)
        self.publish(conversation_id, frame)

    # --- turns ----------------------------------------------------------------------------

    def submit_turn(
        self, conversation_id: str, client_message_id: str, text: str, *, on_error: ErrorSink
    ) -> None:
        """Run the turn in the background; errors go to ``on_error`` (the sending socket)."""
        task = asyncio.create_task(self._turn(conversation_id, client_message_id, text, on_error))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _turn(
        self, conversation_id: str, client_message_id: str, text: str, on_error: ErrorSink
    ) -> None:
        # Turns of one conversation run one after another: the graph's checkpoint is per thread,
        # and a resend must see whether the first copy was already stored.
        async with self.conversation_lock(conversation_id):
            try:
                existing, owner = await asyncio.to_thread(
                    self._before_turn, conversation_id, client_message_id
                )
            except ConversationNotFound:
                self.metrics.errors.labels(code="unknown_conversation").inc()
                on_error(error_frame("unknown_conversation", "This conversation no longer exists."))
                return
            if existing is not None:
                # A resend: show the stored message again (sockets drop what they already have).
                self.publish(conversation_id, message_frame(existing))
                return
            if owner == "closed":
                self._refuse_closed(conversation_id, client_message_id, on_error)
                return
            try:
                await self._run(
                    conversation_id, client_message_id, text, on_error, bot_answers=owner == "bot"
                )
            finally:
                self.streams.pop(conversation_id, None)
                if owner == "bot":
                    self.publish(
                        conversation_id, {"type": "typing", "role": "bot", "active": False}
                    )

    def _before_turn(
        self, conversation_id: str, client_message_id: str
    ) -> tuple[Message | None, str]:
        existing = self.service.find_client_message(conversation_id, client_message_id)
        return existing, self.service.owner(conversation_id)

    async def _run(
        self,
        conversation_id: str,
        client_message_id: str,
        text: str,
        on_error: ErrorSink,
        *,
        bot_answers: bool,
    ) -> None:
        loop = asyncio.get_running_loop()

        def on_token(delta: str) -> None:
            loop.call_soon_threadsafe(self._token, conversation_id, client_message_id, delta)

        def on_stored(message: Message) -> None:
            reply_to = None if message.role == "customer" else client_message_id
            frame = message_frame(message, reply_to=reply_to)
            loop.call_soon_threadsafe(self._stored, conversation_id, frame)
            if message.role == "customer" and bot_answers:
                # The customer sees their message acknowledged, then the bot start writing.
                typing = {"type": "typing", "role": "bot", "active": True}
                loop.call_soon_threadsafe(self.publish, conversation_id, typing)

        started = time.perf_counter()
        try:
            result: TurnResult = await loop.run_in_executor(
                self.executor,
                partial(
                    self.service.customer_message,
                    conversation_id,
                    text,
                    client_message_id=client_message_id,
                    on_token=on_token,
                    on_stored=on_stored,
                ),
            )
        except ConversationClosed:
            self._refuse_closed(conversation_id, client_message_id, on_error)
            return
        except InvalidMessage as exc:
            self.metrics.errors.labels(code=exc.code).inc()
            on_error(error_frame(exc.code, str(exc), ref=client_message_id))
            if exc.code == "conversation_closed":
                on_error(closed_frame("The conversation has been closed."))
            return
        except Exception:
            log.exception("turn failed in conversation %s", conversation_id)
            self.metrics.errors.labels(code="turn_failed").inc()
            on_error(
                error_frame(
                    "turn_failed",
                    "Sorry, something went wrong while answering. Your message was kept; "
                    "please try again in a moment.",
                    ref=client_message_id,
                )
            )
            return
        self.metrics.turn_latency.observe(time.perf_counter() - started)
        self._announce(conversation_id, result)

    def _announce(self, conversation_id: str, result: TurnResult) -> None:
        """Tell the desk what the turn did: a handoff opened or raised, and the live reading."""
        if result.handed_off:
            self.metrics.escalations.labels(rule=result.decision.rule or "unknown").inc()
        if result.handoff and (result.handed_off or result.decision.raise_priority):
            self.publish(conversation_id, handoff_frame(result.handoff))
            event = "opened" if result.handed_off else "raised"
            for listener in self.handoff_listeners:
                listener(result.handoff["handoff_id"], event)
        self.publish(conversation_id, reading_frame(result), desk_only=True)

    def recover_turn(self, conversation_id: str) -> None:
        """Answer a customer message whose turn a dead server process never finished."""
        task = asyncio.create_task(self._recover(conversation_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _recover(self, conversation_id: str) -> None:
        async with self.conversation_lock(conversation_id):
            try:
                owed = await asyncio.to_thread(self.service.unanswered_message, conversation_id)
            except ConversationNotFound:
                return
            if owed is None:
                return
            reply_to = owed.client_message_id or f"seq-{owed.seq}"
            loop = asyncio.get_running_loop()

            def on_token(delta: str) -> None:
                loop.call_soon_threadsafe(self._token, conversation_id, reply_to, delta)

            def on_stored(message: Message) -> None:
                frame = message_frame(message, reply_to=reply_to)
                loop.call_soon_threadsafe(self._stored, conversation_id, frame)

            log.warning("finishing an interrupted turn of conversation %s", conversation_id)
            try:
                finished = await loop.run_in_executor(
                    self.executor,
                    partial(
                        self.service.finish_interrupted_turn,
                        conversation_id,
                        on_token=on_token,
                        on_stored=on_stored,
                    ),
                )
            except Exception:
                log.exception("could not finish the interrupted turn of %s", conversation_id)
                self.metrics.errors.labels(code="turn_failed").inc()
                return
            finally:
                self.streams.pop(conversation_id, None)
            if finished is not None:
                self._announce(conversation_id, finished[1])

    def _refuse_closed(
        self, conversation_id: str, client_message_id: str, on_error: ErrorSink
    ) -> None:
        self.metrics.errors.labels(code="conversation_closed").inc()
        on_error(
            error_frame(
                "conversation_closed",
                "This conversation has been closed; your message was not sent. "
                "Reload the page to start a new one.",
                ref=client_message_id,
            )
        )
        on_error(closed_frame("The conversation has been closed."))

    def conversation_lock(self, conversation_id: str) -> _ConversationLock:
        """Serialises everything that changes one conversation: customer turns and agent moves."""
        return _ConversationLock(self, conversation_id)

    async def close(self) -> None:
        """Let running turns finish (their replies are stored), then stop the workers."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=30)
        await asyncio.to_thread(self.executor.shutdown, wait=True, cancel_futures=True)


class _ConversationLock:
    """A per-conversation asyncio lock, dropped from the hub once nobody holds or awaits it."""

    def __init__(self, hub: ConversationHub, conversation_id: str) -> None:
        self.hub = hub
        self.conversation_id = conversation_id

    async def __aenter__(self) -> None:
        hub, cid = self.hub, self.conversation_id
        hub._lock_users[cid] += 1
        lock = hub._locks.setdefault(cid, asyncio.Lock())
        try:
            await lock.acquire()
        except BaseException:
            self._release_user()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.hub._locks[self.conversation_id].release()
        self._release_user()

    def _release_user(self) -> None:
        hub, cid = self.hub, self.conversation_id
        hub._lock_users[cid] -= 1
        if hub._lock_users[cid] <= 0:
            del hub._lock_users[cid]
            hub._locks.pop(cid, None)
