"""The event bus between the parts of a server that push frames: customer sockets and consoles.

Everything pushed to a socket (a conversation's messages, tokens and typing, the desk's queue
changes) is published on a topic and delivered to the handler of every server process listening.
On one process the bus is a direct call; with ``REDIS_URL`` it is Redis pub/sub, so a customer on
one process and an agent on another see each other's messages (``server.events.redis_bus``).

Topics: ``conversation:<id>`` for one conversation's frames, ``desk`` for the agents' queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

Frame = dict[str, Any]
EventHandler = Callable[[str, Frame], None]

DESK_TOPIC = "desk"
_CONVERSATION_PREFIX = "conversation:"


def conversation_topic(conversation_id: str) -> str:
    return _CONVERSATION_PREFIX + conversation_id


def conversation_of(topic: str) -> str | None:
    """The conversation id of a conversation topic, None for any other topic."""
    if topic.startswith(_CONVERSATION_PREFIX):
        return topic[len(_CONVERSATION_PREFIX) :]
    return None


class EventBus(Protocol):
    """Publishes frames to every listening process, in the order each process published them."""

    def listen(self, handler: EventHandler) -> None:
        """Set the function that receives every event (called on the event loop)."""
        ...

    def publish(self, topic: str, frame: Frame) -> None:
        """Send a frame on a topic; never blocks the event loop. Frames must be JSON-serialisable."""
        ...

    def on_resubscribe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the bus comes back after losing its subscription: what
        other processes published meanwhile was missed, and the sockets must catch up."""
        ...

    async def start(self) -> None:
        """Connect (a no-op in process); raises when the bus cannot be reached."""
        ...

    async def close(self) -> None: ...

    def healthy(self) -> bool:
        """False when the bus has lost its connection (reported by /readyz)."""
        ...


class LocalEventBus:
    """The embedded default: one process, events handed straight to the handler."""

    def __init__(self) -> None:
        self._handler: EventHandler | None = None

    def listen(self, handler: EventHandler) -> None:
        self._handler = handler

    def publish(self, topic: str, frame: Frame) -> None:
        if self._handler is not None:
            self._handler(topic, frame)

    def on_resubscribe(self, callback: Callable[[], None]) -> None:
        return None  # in process, nothing is ever missed

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def healthy(self) -> bool:
        return True
