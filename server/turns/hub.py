"""Delivers each conversation's frames to its sockets, on every server process, in order.

A turn belongs to the conversation, not to the socket that sent it: when the socket drops mid-reply
the turn finishes, its reply is stored, and whichever socket resumes the conversation receives the
rest (the text streamed so far, then the final message). Across processes the frames travel over
the event bus (server/events/bus.py, Redis in server/events/redis_bus.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from server.events.bus import EventBus, LocalEventBus, conversation_of, conversation_topic
from server.metrics import ChannelMetrics

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


class ConversationHub:
    """The conversation's frames, to its sockets: messages, streamed tokens, typing, readings."""

    def __init__(self, *, metrics: ChannelMetrics, bus: EventBus | None = None) -> None:
        self.metrics = metrics
        self.bus: EventBus = bus or LocalEventBus()
        self.subscribers: dict[str, set[Subscriber]] = {}
        self.streams: dict[str, StreamingReply] = {}

    # --- delivery -------------------------------------------------------------------------

    def subscribe(self, conversation_id: str, subscriber: Subscriber) -> None:
        self.subscribers.setdefault(conversation_id, set()).add(subscriber)

    def unsubscribe(self, conversation_id: str, subscriber: Subscriber) -> None:
        subscribers = self.subscribers.get(conversation_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self.subscribers[conversation_id]

    def publish(
        self,
        conversation_id: str,
        frame: Frame,
        *,
        desk_only: bool = False,
        customer_only: bool = False,
    ) -> None:
        """Send a frame to every socket of the conversation, on every server process.

        ``desk_only`` frames (readings, internal notes) never reach the customer; ``customer_only``
        frames (the customer's place in the queue) are not the console's business.
        """
        if frame["type"] == "message":
            self.metrics.messages.labels(role=frame["role"]).inc()
        self.bus.publish(
            conversation_topic(conversation_id),
            {
                "audience": "desk" if desk_only else "customer" if customer_only else "all",
                "frame": frame,
            },
        )

    def on_event(self, topic: str, event: Frame) -> bool:
        """Deliver a conversation event from the bus to this process's sockets; False if not one."""
        conversation_id = conversation_of(topic)
        if conversation_id is None:
            return False
        audience = event.get("audience", "all")
        frame = event["frame"]
        for subscriber in list(self.subscribers.get(conversation_id, ())):
            if audience != "all" and subscriber.audience != audience:
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

    def token(self, conversation_id: str, reply_to: str, delta: str) -> None:
        stream = self.streams.get(conversation_id)
        if stream is None or stream.reply_to != reply_to:
            stream = self.streams[conversation_id] = StreamingReply(reply_to=reply_to)
        offset = len(stream.text)
        stream.text += delta
        self.publish(
            conversation_id,
            {"type": "token", "reply_to": reply_to, "offset": offset, "delta": delta},
        )

    def stored(self, conversation_id: str, frame: Frame) -> None:
        if frame["role"] != "customer":
            self.streams.pop(conversation_id, None)
        self.publish(conversation_id, frame)
