"""Messages: gap-free per-conversation seq under concurrent writers, idempotent resends, replay."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from server.records.conversations import create_conversation, get_conversation
from server.records.errors import ConversationClosed, ConversationNotFound
from server.records.messages import append_message, messages_after
from server.records.models import Message
from server.records.ownership import change_owner


def test_seq_is_gap_free_and_ordered_with_concurrent_writers(engine: Engine) -> None:
    with Session(engine) as session:
        conversation_id = create_conversation(session=session).id
    writers, per_writer = 6, 8
    start = threading.Barrier(writers)

    def write(writer: int) -> list[int]:
        seqs = []
        with Session(engine) as session:  # each thread its own session, as server workers do
            start.wait()
            for i in range(per_writer):
                message = append_message(
                    session=session,
                    conversation_id=conversation_id,
                    role="customer",
                    text=f"writer {writer} message {i}",
                )
                seqs.append(message.seq)
        return seqs

    with ThreadPoolExecutor(writers) as pool:
        per_thread = list(pool.map(write, range(writers)))

    for seqs in per_thread:  # what one writer sent stays in the order it was sent
        assert seqs == sorted(seqs)
    with Session(engine) as session:
        stored = messages_after(session=session, conversation_id=conversation_id, seq=0)
        conversation = get_conversation(session=session, conversation_id=conversation_id)
    assert [m.seq for m in stored] == list(range(1, writers * per_writer + 1))
    assert sorted(s for seqs in per_thread for s in seqs) == [m.seq for m in stored]
    assert conversation.turns == writers * per_writer


def test_seq_counts_per_conversation(session: Session) -> None:
    first = create_conversation(session=session).id
    second = create_conversation(session=session).id
    for conversation_id in (first, second, first):
        append_message(session=session, conversation_id=conversation_id, role="bot", text="hi")
    assert [m.seq for m in messages_after(session=session, conversation_id=first)] == [1, 2]
    assert [m.seq for m in messages_after(session=session, conversation_id=second)] == [1]


def test_resend_with_the_same_client_id_is_stored_once(session: Session) -> None:
    conversation_id = create_conversation(session=session).id
    first = append_message(
        session=session,
        conversation_id=conversation_id,
        role="customer",
        text="my parcel is late",
        client_message_id="c-1",
    )
    again = append_message(
        session=session,
        conversation_id=conversation_id,
        role="customer",
        text="my parcel is late",
        client_message_id="c-1",
    )
    after = append_message(
        session=session, conversation_id=conversation_id, role="bot", text="sorry to hear that"
    )
    assert again.id == first.id and again.seq == first.seq == 1
    assert after.seq == 2  # the resend did not use up a seq
    assert get_conversation(session=session, conversation_id=conversation_id).turns == 1


def test_same_client_id_in_another_conversation_is_a_different_message(session: Session) -> None:
    a = create_conversation(session=session).id
    b = create_conversation(session=session).id
    ma = append_message(
        session=session, conversation_id=a, role="customer", text="x", client_message_id="c-1"
    )
    mb = append_message(
        session=session, conversation_id=b, role="customer", text="y", client_message_id="c-1"
    )
    assert ma.id != mb.id and mb.text == "y"


def test_concurrent_resends_store_one_message(engine: Engine) -> None:
    with Session(engine) as session:
        conversation_id = create_conversation(session=session).id
    start = threading.Barrier(4)

    def resend(_: int) -> int:
        with Session(engine) as session:
            start.wait()
            message = append_message(
                session=session,
                conversation_id=conversation_id,
                role="customer",
                text="hello?",
                client_message_id="same",
            )
            return message.id or 0

    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(resend, range(4)))
    with Session(engine) as session:
        count = session.exec(
            select(func.count())
            .select_from(Message)
            .where(Message.conversation_id == conversation_id)
        ).one()
    assert len(ids) == 1 and count == 1


def test_messages_after_replays_what_was_missed_in_order(session: Session) -> None:
    conversation_id = create_conversation(session=session).id
    for i in range(5):
        append_message(
            session=session,
            conversation_id=conversation_id,
            role="customer" if i % 2 == 0 else "bot",
            text=f"m{i}",
            citations=[{"doc_id": "refunds", "chunk_id": "refunds#0"}] if i % 2 else None,
        )
    missed = messages_after(session=session, conversation_id=conversation_id, seq=3)
    assert [(m.seq, m.text) for m in missed] == [(4, "m3"), (5, "m4")]
    assert missed[0].citations == [{"doc_id": "refunds", "chunk_id": "refunds#0"}]


def test_closed_conversation_takes_no_customer_message(session: Session) -> None:
    conversation_id = create_conversation(session=session).id
    append_message(session=session, conversation_id=conversation_id, role="customer", text="a")
    change_owner(
        session=session, conversation_id=conversation_id, to="closed", actor="bot", reason="done"
    )
    with pytest.raises(ConversationClosed):
        append_message(session=session, conversation_id=conversation_id, role="customer", text="b")
    notice = append_message(
        session=session, conversation_id=conversation_id, role="system", text="closed"
    )
    assert notice.seq == 2  # the refused message used no seq


def test_bad_input_is_refused_with_a_clear_error(session: Session) -> None:
    conversation_id = create_conversation(session=session).id
    with pytest.raises(ValueError, match="role must be one of"):
        append_message(session=session, conversation_id=conversation_id, role="robot", text="x")
    with pytest.raises(ConversationNotFound, match="no conversation with id 'nope'"):
        append_message(session=session, conversation_id="nope", role="customer", text="x")
    # the failed calls left the session usable and nothing stored
    assert messages_after(session=session, conversation_id=conversation_id) == []
    message = append_message(
        session=session, conversation_id=conversation_id, role="customer", text="ok"
    )
    assert message.seq == 1
