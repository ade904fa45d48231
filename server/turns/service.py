"""ConversationService: one customer turn end to end: stored message, graph turn, records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent.bot import SupportBot, TurnResult
from agent.messages import clean_customer_message
from agent.ownership import Owner
from agent.policy.decision import CustomerHistory
from server.records.conversations import create_conversation, get_conversation
from server.records.customers import customer_history
from server.records.handoffs import waiting_handoff_for
from server.records.locks import conversation_lock
from server.records.messages import append_message, messages_after
from server.records.models import DecisionRecord, Message
from server.records.queue_order import median_claim_wait, queue_position
from server.records.readings import record_decision, record_reading

# The estimated wait per queue place while no claim has been timed yet (as SqlHandoffQueue does).
SECONDS_PER_QUEUE_POSITION = 120.0


@dataclass
class ConversationService:
    bot: SupportBot
    engine: Engine
    clock: Callable[[], float]

    def start_conversation(self, *, customer_id: str | None = None) -> str:
        with Session(self.engine) as session:
            conversation = create_conversation(
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
        deliver it with its ``seq``. The whole turn holds the conversation's cross-process lock.
        """
        message = clean_customer_message(text, max_chars=self.bot.max_message_chars)
        with conversation_lock(self.engine, conversation_id):
            with Session(self.engine) as session:
                conversation = get_conversation(session=session, conversation_id=conversation_id)
                stored = append_message(
                    session=session,
                    conversation_id=conversation_id,
                    role="customer",
                    text=message,
                    client_message_id=client_message_id,
                    now=self.clock(),
                )
                history = self._history(session, conversation.customer_id)
                owner = conversation.owner
                message_id = stored.id
                if on_stored is not None:
                    on_stored(stored)
            assert message_id is not None
            return self._complete_turn(
                conversation_id,
                message,
                message_id=message_id,
                owner=owner,
                history=history,
                on_token=on_token,
                on_stored=on_stored,
            )

    def finish_interrupted_turn(
        self,
        conversation_id: str,
        *,
        on_token: Callable[[str], None] | None = None,
        on_stored: Callable[[Message], None] | None = None,
    ) -> tuple[Message, TurnResult] | None:
        """Run the turn of a customer message that was stored but never answered.

        A server process killed in the middle of a turn leaves the customer's message stored with
        no decision (the reading, decision and reply are committed together) and the graph's
        checkpoint at the turn before. Whichever process the customer reconnects to runs that turn
        again. Under the cross-process lock, so a turn still running elsewhere is waited for and
        then found complete. Returns the message and the result, or None when nothing was owed.
        """
        with conversation_lock(self.engine, conversation_id):
            with Session(self.engine) as session:
                conversation = get_conversation(session=session, conversation_id=conversation_id)
                last = self._unanswered(session, conversation.id, conversation.owner)
                if last is None or last.id is None:
                    return None
                history = self._history(session, conversation.customer_id)
                owner = conversation.owner
            result = self._complete_turn(
                conversation_id,
                last.text,
                message_id=last.id,
                owner=owner,
                history=history,
                on_token=on_token,
                on_stored=on_stored,
            )
            return last, result

    def unanswered_message(self, conversation_id: str) -> Message | None:
        """The customer's latest message when its turn never completed (see above), else None."""
        with Session(self.engine) as session:
            conversation = get_conversation(session=session, conversation_id=conversation_id)
            return self._unanswered(session, conversation.id, conversation.owner)

    @staticmethod
    def _unanswered(session: Session, conversation_id: str, owner: str) -> Message | None:
        if owner == Owner.CLOSED.value:
            return None
        last = session.exec(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.role == "customer")
            .order_by(col(Message.seq).desc())
            .limit(1)
        ).first()
        if last is None:
            return None
        # The decision is committed with the reply: a message without one was never answered.
        answered = session.exec(
            select(DecisionRecord.id).where(DecisionRecord.message_id == last.id)
        ).first()
        return last if answered is None else None

    def _history(self, session: Session, customer_id: str | None) -> CustomerHistory | None:
        if not customer_id:
            return None
        return customer_history(session=session, customer_id=customer_id, now=self.clock())

    def _complete_turn(
        self,
        conversation_id: str,
        message: str,
        *,
        message_id: int,
        owner: str,
        history: CustomerHistory | None,
        on_token: Callable[[str], None] | None,
        on_stored: Callable[[Message], None] | None,
    ) -> TurnResult:
        result = self.bot.take_turn(
            conversation_id, message, customer_history=history, owner=owner, on_token=on_token
        )

        # The turn's reading, decision and reply go in one transaction: all of them or none.
        with Session(self.engine) as session:
            now = self.clock()
            record_reading(
                session=session,
                conversation_id=conversation_id,
                message_id=message_id,
                reading=result.reading,
                now=now,
                commit=False,
            )
            record_decision(
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
                reply = append_message(
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
            return messages_after(session=session, conversation_id=conversation_id, seq=seq)

    def owner(self, conversation_id: str) -> str:
        """Who owns the conversation now; raises ``ConversationNotFound`` for an unknown id."""
        with Session(self.engine) as session:
            return get_conversation(session=session, conversation_id=conversation_id).owner

    def queue_status(self, conversation_id: str) -> dict[str, Any] | None:
        """The waiting handoff's place in the queue and estimated wait, None when not queued."""
        with Session(self.engine) as session:
            handoff = waiting_handoff_for(session=session, conversation_id=conversation_id)
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
