"""ConversationService: one customer turn end to end: stored message, graph turn, records.

A turn has two steps, both run under the conversation's lock (``server/turns/locks.py``):
``open_turn`` stores the customer's message and reads, in the same write lock, the conversation's
owner and any earlier copy of the message (a resend); ``run_turn`` runs the graph with that owner
and commits what the turn decided in one transaction: the reading, the decision, the handoff it
opened or raised, and the reply or the customer's notice. A process killed before that commit
leaves only the customer's message, and the turn run again for it is the same turn.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent.bot import SupportBot, TurnResult
from agent.messages import CustomerText, clean_customer_message
from agent.ownership import Owner
from agent.policy.decision import CustomerHistory
from server.records.conversations import create_conversation, get_conversation
from server.records.customers import customer_history
from server.records.handoffs import waiting_handoff_for
from server.records.locks import conversation_lock
from server.records.messages import append_message, messages_after, take_customer_message
from server.records.models import DecisionRecord, Message
from server.records.queue import SqlHandoffQueue
from server.records.readings import record_decision, record_reading


@dataclass(frozen=True)
class Stored:
    """A message committed to the records: deliver it, with its ``seq``."""

    message: Message


@dataclass(frozen=True)
class Streamed:
    """A piece of the reply being written."""

    delta: str


TurnEvent = Stored | Streamed


@dataclass(frozen=True)
class OpenedTurn:
    """A customer message the turn is for, and the conversation as it stood when it was stored."""

    conversation_id: str
    text: CustomerText
    message: Message
    message_id: int
    owner: str
    history: CustomerHistory | None
    resend: bool  # the message was stored before: show it again, run nothing


@dataclass
class ConversationService:
    bot: SupportBot
    engine: Engine
    clock: Callable[[], float]
    queue: SqlHandoffQueue

    def start_conversation(self, *, customer_id: str | None = None) -> str:
        with Session(self.engine) as session:
            conversation = create_conversation(
                session=session, customer_id=customer_id, now=self.clock()
            )
            return conversation.id

    def open_turn(
        self, conversation_id: str, text: CustomerText, *, client_message_id: str | None = None
    ) -> OpenedTurn:
        """Store the customer's message (or find its earlier copy) and read who owns the
        conversation, in one write lock; commits. Raises ``ConversationClosed`` for a new message
        to a closed conversation and ``ConversationNotFound``."""
        with Session(self.engine) as session:
            taken = take_customer_message(
                session=session,
                conversation_id=conversation_id,
                text=text,
                client_message_id=client_message_id,
                now=self.clock(),
            )
            assert taken.message.id is not None
            return OpenedTurn(
                conversation_id=conversation_id,
                text=text,
                message=taken.message,
                message_id=taken.message.id,
                owner=taken.owner,
                history=None if taken.resend else self._history(session, taken.customer_id),
                resend=taken.resend,
            )

    def owed_turn(self, conversation_id: str) -> OpenedTurn | None:
        """The customer's latest message when its turn never completed, else None.

        A server process killed in the middle of a turn leaves the customer's message stored with
        no decision (the decision is committed with everything else the turn wrote). Whichever
        process the customer reconnects to runs that turn again.
        """
        with Session(self.engine) as session:
            conversation = get_conversation(session=session, conversation_id=conversation_id)
            if conversation.owner == Owner.CLOSED.value:
                return None
            last = session.exec(
                select(Message)
                .where(Message.conversation_id == conversation_id, Message.role == "customer")
                .order_by(col(Message.seq).desc())
                .limit(1)
            ).first()
            if last is None or last.id is None:
                return None
            answered = session.exec(
                select(DecisionRecord.id).where(DecisionRecord.message_id == last.id)
            ).first()
            if answered is not None:
                return None
            return OpenedTurn(
                conversation_id=conversation_id,
                # Stored text was cleaned when it arrived; cleaning it again changes nothing.
                text=clean_customer_message(last.text, max_chars=self.bot.max_message_chars),
                message=last,
                message_id=last.id,
                owner=conversation.owner,
                history=self._history(session, conversation.customer_id),
                resend=False,
            )

    def run_turn(self, opened: OpenedTurn) -> Generator[TurnEvent, None, TurnResult]:
        """Run the graph for the opened message, yielding the reply's pieces as they are written
        and the stored reply once committed; returns the turn's result."""
        cid = opened.conversation_id
        with Session(self.engine) as session:
            # A handoff the turn opens or raises is written in this session, committed below.
            with self.queue.within(session, cid):
                turn = self.bot.stream_turn(
                    cid,
                    opened.text,
                    customer_history=opened.history,
                    owner=opened.owner,
                    message_id=str(opened.message_id),
                )
                while True:
                    try:
                        yield Streamed(next(turn))
                    except StopIteration as finished:
                        result: TurnResult = finished.value
                        break
            now = self.clock()
            record_reading(
                session=session,
                conversation_id=cid,
                message_id=opened.message_id,
                reading=result.reading,
                now=now,
                commit=False,
            )
            record_decision(
                session=session,
                conversation_id=cid,
                message_id=opened.message_id,
                turn=result.turn,
                decision=result.decision,
                now=now,
                commit=False,
            )
            reply = None
            if result.reply is not None:
                reply = append_message(
                    session=session,
                    conversation_id=cid,
                    role="system" if result.handed_off else "bot",
                    text=result.reply.text,
                    citations=[c.to_dict() for c in result.reply.citations],
                    now=now,
                    commit=False,
                )
            session.commit()
            if reply is not None:
                session.refresh(reply)
                yield Stored(reply)
        return result

    def customer_message(
        self,
        conversation_id: str,
        text: str,
        *,
        on_token: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """A whole turn for a caller that is its own channel (the terminal chat, benchmarks):
        checks the text, takes the lock, stores the message, runs the turn.

        Raises ``InvalidMessage`` before anything is stored.
        """
        message = clean_customer_message(text, max_chars=self.bot.max_message_chars)
        with conversation_lock(self.engine, conversation_id):
            turn = self.run_turn(self.open_turn(conversation_id, message))
            while True:
                try:
                    event = next(turn)
                except StopIteration as finished:
                    return finished.value  # type: ignore[no-any-return]
                if isinstance(event, Streamed) and on_token is not None:
                    on_token(event.delta)

    def _history(self, session: Session, customer_id: str | None) -> CustomerHistory | None:
        if not customer_id:
            return None
        return customer_history(session=session, customer_id=customer_id, now=self.clock())

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
            return asdict(self.queue.ticket(session, handoff))
