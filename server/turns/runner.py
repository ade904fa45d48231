"""Runs customer turns off the event loop, one at a time per conversation, and delivers what they
store through the hub.

A turn belongs to the conversation, not to the socket that sent it: when the socket drops mid-reply
the turn finishes, its reply is stored, and whichever socket resumes the conversation receives the
rest (the text streamed so far, then the final message).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from agent.bot import TurnResult
from agent.messages import InvalidMessage
from server.channel.frames import (
    closed_frame,
    error_frame,
    handoff_frame,
    message_frame,
    reading_frame,
)
from server.metrics import ChannelMetrics
from server.records.errors import ConversationClosed, ConversationNotFound
from server.records.models import Message
from server.turns.hub import ConversationHub
from server.turns.locks import ConversationLocks
from server.turns.service import ConversationService

log = logging.getLogger(__name__)

Frame = dict[str, Any]
ErrorSink = Callable[[Frame], None]
HandoffListener = Callable[[str, str], None]  # (handoff id, event) when a turn opens or raises one


class TurnRunner:
    def __init__(
        self,
        service: ConversationService,
        hub: ConversationHub,
        *,
        metrics: ChannelMetrics,
        turn_workers: int = 4,
    ) -> None:
        self.service = service
        self.hub = hub
        self.metrics = metrics
        self.locks = ConversationLocks()
        # Told when a turn opens a handoff or raises a waiting one (the desk announces it).
        self.handoff_listeners: list[HandoffListener] = []
        self.executor = ThreadPoolExecutor(max_workers=turn_workers, thread_name_prefix="turn")
        self._tasks: set[asyncio.Task[None]] = set()

    def publish(self, conversation_id: str, frame: Frame, *, desk_only: bool = False) -> None:
        self.hub.publish(conversation_id, frame, desk_only=desk_only)

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
        async with self.locks.hold(conversation_id):
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
                self.hub.streams.pop(conversation_id, None)
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
            loop.call_soon_threadsafe(self.hub.token, conversation_id, client_message_id, delta)

        def on_stored(message: Message) -> None:
            reply_to = None if message.role == "customer" else client_message_id
            frame = message_frame(message, reply_to=reply_to)
            loop.call_soon_threadsafe(self.hub.stored, conversation_id, frame)
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
        async with self.locks.hold(conversation_id):
            try:
                owed = await asyncio.to_thread(self.service.unanswered_message, conversation_id)
            except ConversationNotFound:
                return
            if owed is None:
                return
            reply_to = owed.client_message_id or f"seq-{owed.seq}"
            loop = asyncio.get_running_loop()

            def on_token(delta: str) -> None:
                loop.call_soon_threadsafe(self.hub.token, conversation_id, reply_to, delta)

            def on_stored(message: Message) -> None:
                frame = message_frame(message, reply_to=reply_to)
                loop.call_soon_threadsafe(self.hub.stored, conversation_id, frame)

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
                self.hub.streams.pop(conversation_id, None)
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

    async def close(self) -> None:
        """Let running turns finish (their replies are stored), then stop the workers."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=30)
        await asyncio.to_thread(self.executor.shutdown, wait=True, cancel_futures=True)
