"""ConversationService: one customer turn end to end — stored message, graph turn, records written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent.bot import SupportBot, TurnResult
from agent.messages import clean_customer_message
from server.records import store


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
    ) -> TurnResult:
        """Store the customer's message, run the turn, and record reading, decision and reply.

        Invalid input raises ``InvalidMessage`` before anything is stored.
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

        result = self.bot.take_turn(
            conversation_id, message, customer_history=history, owner=owner, on_token=on_token
        )

        with Session(self.engine) as session:
            store.record_reading(
                session=session,
                conversation_id=conversation_id,
                message_id=message_id,
                reading=result.reading,
                now=self.clock(),
            )
            store.record_decision(
                session=session,
                conversation_id=conversation_id,
                message_id=message_id,
                turn=result.turn,
                decision=result.decision,
                now=self.clock(),
            )
            if result.reply is not None:
                store.append_message(
                    session=session,
                    conversation_id=conversation_id,
                    role="system" if result.handed_off else "bot",
                    text=result.reply.text,
                    citations=[c.to_dict() for c in result.reply.citations],
                    now=self.clock(),
                )
        return result
