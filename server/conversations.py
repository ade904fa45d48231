"""ConversationService: one customer turn end to end: stored message, graph turn, records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent.bot import SupportBot, TurnResult
from agent.messages import clean_customer_message
from server.records import store
from server.records.handoffs import median_claim_wait, queue_position
from server.records.models import Message

# The estimated wait per queue place while no claim has been timed yet (as SqlHandoffQueue does).
SECONDS_PER_QUEUE_POSITION = 120.0


@dataclass
class ConversationService:
    bot: SupportBot
    engine: Engine
    clock: Callable[[], float]

    def start_conversation(self, *, customer_id: str | None = None) -> str:
        with Session(self.engine) as session:
            conversation = store.create_conversation(
                session=session, customer_id=customer_id, now=self.clock()
            )
            return conversation.id

    def customer_message(
        self,
        conversation_id: str,
        text: str,
        *,
        client_message_id: str | None = None,
        on_token: Callable[[str], None] | None = None,
        on_stored: Callable[[Message], None] | None = None,
    ) -> TurnResult:
        """Store the customer's message, run the turn, and record reading, decision and reply.

        Invalid input raises ``InvalidMessage`` before anything is stored. ``on_stored`` is called
        with each message once it is committed (the customer's, then the reply), so a channel can
        deliver it with its ``seq``.
        """
        message = clean_customer_message(text, max_chars=self.bot.max_message_chars)
        with Session(self.engine) as session:
            conversation = store.get_conversation(session=session, conversation_id=conversation_id)
            stored = store.append_message(
                session=session,
                conversation_id=conversation_id,
                role="customer",
                text=message,
                client_message_id=client_message_id,
                now=self.clock(),
            )
            history = (
                store.customer_history(
                    session=session, customer_id=conversation.customer_id, now=self.clock()
                )
                if conversation.customer_id
                else None
            )
            owner = conversation.owner
            message_id = stored.id
            if on_stored is not None:
                on_stored(stored)

        result = self.bot.take_turn(
            conversation_id, message, customer_history=history, owner=owner, on_token=on_token
        )

        # The turn's reading, decision and reply go in one transaction: all of them or none.
        with Session(self.engine) as session:
            now = self.clock()
            store.record_reading(
                session=session,
                conversation_id=conversation_id,
                message_id=message_id,
                reading=result.reading,
                now=now,
                commit=False,
            )
            store.record_decision(
                session=session,
                conversation_id=conversation_id,
                message_id=message_id,
                turn=result.turn,
                decision=result.decision,
                now=now,
                commit=False,
            )
            reply = None
            if result.reply is not None:
                reply = store.append_message(
                    session=session,
                    conversation_id=conversation_id,
                    role="system" if result.handed_off else "bot",
                    text=result.reply.text,
                    citations=[c.to_dict() for c in result.reply.citations],
                    now=now,
                    commit=False,
                )
            session.commit()
            if reply is not None:
                session.refresh(reply)
                if on_stored is not None:
                    on_stored(reply)
        return result

    def find_client_message(self, conversation_id: str, client_message_id: str) -> Message | None:
        """The customer message already stored under this client id: a resend, not a new turn."""
        with Session(self.engine) as session:
            return session.exec(
                select(Message).where(
                    Message.conversation_id == conversation_id,
                    Message.client_message_id == client_message_id,
                )
            ).first()

    def messages_after(self, conversation_id: str, seq: int) -> list[Message]:
        """What a reconnecting channel missed: the messages after ``seq``, in order."""
        with Session(self.engine) as session:
            return store.messages_after(session=session, conversation_id=conversation_id, seq=seq)

    def owner(self, conversation_id: str) -> str:
        """Who owns the conversation now; raises ``ConversationNotFound`` for an unknown id."""
        with Session(self.engine) as session:
            return store.get_conversation(session=session, conversation_id=conversation_id).owner

    def queue_status(self, conversation_id: str) -> dict[str, Any] | None:
        """The waiting handoff's place in the queue and estimated wait, None when not queued."""
        with Session(self.engine) as session:
            handoff = store.waiting_handoff_for(session=session, conversation_id=conversation_id)
            if handoff is None:
                return None
            position = queue_position(session=session, handoff=handoff)
            per_position = median_claim_wait(session=session, now=self.clock())
            return {
                "handoff_id": handoff.id,
                "position": position,
                "estimated_wait_s": round(
                    position * (per_position or SECONDS_PER_QUEUE_POSITION), 1
                ),
                "severity": handoff.severity,
            }
