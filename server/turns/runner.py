"""Runs customer turns off the event loop, one at a time per conversation, and hands what they
store and stream to the hub.

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
from typing import Any

from agent.bot import TurnResult
from agent.messages import CustomerText, InvalidMessage
from server.channel.frames import (
    closed_frame,
    error_frame,
    handoff_frame,
    message_frame,
    reading_frame,
)
from server.metrics import ChannelMetrics
from server.records.errors import ConversationClosed, ConversationNotFound
from server.turns.hub import ConversationHub
from server.turns.locks import ConversationLocks
from server.turns.service import ConversationService, OpenedTurn, Streamed

log = logging.getLogger(__name__)

Frame = dict[str, Any]
ErrorSink = Callable[[Frame], None]
HandoffListener = Callable[[str, str], None]  # (handoff id, event) when a turn opens or raises one
Emit = Callable[..., None]  # schedules a hub call on the event loop, in order, from a worker

TYPING = {"type": "typing", "role": "bot", "active": True}
NOT_TYPING = {"type": "typing", "role": "bot", "active": False}


class TurnRunner:
    def __init__(
        self,
        service: ConversationService,
        hub: ConversationHub,
        *,
        metrics: ChannelMetrics,
        locks: ConversationLocks,
        turn_workers: int = 4,
    ) -> None:
        self.service = service
        self.hub = hub
        self.metrics = metrics
        self.locks = locks
        # Told when a turn opens a handoff or raises a waiting one (the desk announces it).
        self.handoff_listeners: list[HandoffListener] = []
        self.executor = ThreadPoolExecutor(max_workers=turn_workers, thread_name_prefix="turn")
        self._tasks: set[asyncio.Task[None]] = set()

    def submit_turn(
        self,
        conversation_id: str,
        client_message_id: str,
        text: CustomerText,
        *,
        on_error: ErrorSink,
    ) -> None:
        """Run the turn in the background; errors go to ``on_error`` (the sending socket)."""
        self._spawn(self._turn(conversation_id, client_message_id, text, on_error))

    def recover_turn(self, conversation_id: str) -> None:
        """Answer a customer message whose turn a dead server process never finished."""
        self._spawn(self._recover(conversation_id))

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _turn(
        self, conversation_id: str, client_message_id: str, text: CustomerText, on_error: ErrorSink
    ) -> None:
        async with self.locks.hold(conversation_id):
            loop = asyncio.get_running_loop()

            def emit(call: Callable[..., None], *args: Any) -> None:
                loop.call_soon_threadsafe(call, *args)

            try:
                await loop.run_in_executor(
                    self.executor,
                    self._customer_turn,
                    emit,
                    conversation_id,
                    client_message_id,
                    text,
                )
            except ConversationNotFound:
                self.metrics.errors.labels(code="unknown_conversation").inc()
                on_error(error_frame("unknown_conversation", "This conversation no longer exists."))
            except ConversationClosed:
                self._refuse_closed(client_message_id, on_error)
            except InvalidMessage as exc:
                self.metrics.errors.labels(code=exc.code).inc()
                on_error(error_frame(exc.code, str(exc), ref=client_message_id))
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
            finally:
                self.hub.streams.pop(conversation_id, None)

    def _customer_turn(
        self, emit: Emit, conversation_id: str, client_message_id: str, text: CustomerText
    ) -> None:
        """In a worker: store the message (or find its earlier copy), run the turn, and emit
        every frame in the order the customer should see them."""
        started = time.perf_counter()
        opened = self.service.open_turn(conversation_id, text, client_message_id=client_message_id)
        # A resend shows the stored message again (sockets drop what they already have).
        emit(self.hub.stored, conversation_id, message_frame(opened.message))
        if opened.resend:
            return
        bot_answers = opened.owner == "bot"
        if bot_answers:
            # The customer sees their message acknowledged, then the bot start writing.
            emit(self.hub.publish, conversation_id, TYPING)
        try:
            result = self._drive(emit, opened, reply_to=client_message_id)
            self.metrics.turn_latency.observe(time.perf_counter() - started)
            emit(self._announce, conversation_id, result)
        finally:
            if bot_answers:
                emit(self.hub.publish, conversation_id, NOT_TYPING)

    def _drive(self, emit: Emit, opened: OpenedTurn, *, reply_to: str) -> TurnResult:
        """Run the opened turn, streaming its tokens and delivering its stored reply."""
        turn = self.service.run_turn(opened)
        cid = opened.conversation_id
        while True:
            try:
                event = next(turn)
            except StopIteration as finished:
                return finished.value  # type: ignore[no-any-return]
            if isinstance(event, Streamed):
                emit(self.hub.token, cid, reply_to, event.delta)
            else:
                emit(self.hub.stored, cid, message_frame(event.message, reply_to=reply_to))

    def _announce(self, conversation_id: str, result: TurnResult) -> None:
        """Tell the desk what the turn did: a handoff opened or raised, and the live reading."""
        if result.handed_off:
            self.metrics.escalations.labels(rule=result.decision.rule or "unknown").inc()
        if result.handoff and (result.handed_off or result.decision.raise_priority):
            self.hub.publish(conversation_id, handoff_frame(result.handoff), customer_only=True)
            event = "opened" if result.handed_off else "raised"
            for listener in self.handoff_listeners:
                listener(result.handoff["handoff_id"], event)
        self.hub.publish(conversation_id, reading_frame(result), desk_only=True)

    async def _recover(self, conversation_id: str) -> None:
        async with self.locks.hold(conversation_id):
            loop = asyncio.get_running_loop()

            def emit(call: Callable[..., None], *args: Any) -> None:
                loop.call_soon_threadsafe(call, *args)

            try:
                await loop.run_in_executor(self.executor, self._owed_turn, emit, conversation_id)
            except ConversationNotFound:
                return
            except Exception:
                log.exception("could not finish the interrupted turn of %s", conversation_id)
                self.metrics.errors.labels(code="turn_failed").inc()
            finally:
                self.hub.streams.pop(conversation_id, None)

    def _owed_turn(self, emit: Emit, conversation_id: str) -> None:
        opened = self.service.owed_turn(conversation_id)
        if opened is None:
            return
        log.warning("finishing an interrupted turn of conversation %s", conversation_id)
        reply_to = opened.message.client_message_id or f"seq-{opened.message.seq}"
        result = self._drive(emit, opened, reply_to=reply_to)
        emit(self._announce, conversation_id, result)

    def _refuse_closed(self, client_message_id: str, on_error: ErrorSink) -> None:
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
