"""Ownership moves: recorded with actor and reason; impossible moves refused and nothing written."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from agent.ownership import OwnershipError
from server.records.conversations import create_conversation, get_conversation
from server.records.ownership import change_owner, ownership_changes


def test_each_move_is_recorded_with_who_and_why(session: Session) -> None:
    conversation_id = create_conversation(session=session, now=100.0).id
    change_owner(
        session=session,
        conversation_id=conversation_id,
        to="queued",
        actor="bot",
        reason="frustration",
        now=110.0,
    )
    change_owner(
        session=session,
        conversation_id=conversation_id,
        to="human",
        actor="agent:a1",
        reason="claimed",
        now=120.0,
    )
    change_owner(
        session=session,
        conversation_id=conversation_id,
        to="closed",
        actor="agent:a1",
        reason="refund issued",
        now=130.0,
    )
    moves = ownership_changes(session=session, conversation_id=conversation_id)
    assert [(m.from_owner, m.to_owner, m.actor, m.reason, m.at) for m in moves] == [
        ("bot", "queued", "bot", "frustration", 110.0),
        ("queued", "human", "agent:a1", "claimed", 120.0),
        ("human", "closed", "agent:a1", "refund issued", 130.0),
    ]
    conversation = get_conversation(session=session, conversation_id=conversation_id)
    assert conversation.owner == "closed" and conversation.closed_at == 130.0


@pytest.mark.parametrize(
    ("path", "refused"),
    [([], "human"), (["closed"], "bot"), (["queued", "human"], "queued")],
)
def test_impossible_moves_are_refused_and_change_nothing(
    session: Session, path: list[str], refused: str
) -> None:
    conversation_id = create_conversation(session=session).id
    for owner in path:
        change_owner(
            session=session, conversation_id=conversation_id, to=owner, actor="system", reason="."
        )
    before = get_conversation(session=session, conversation_id=conversation_id).owner
    with pytest.raises(OwnershipError, match="cannot move to"):
        change_owner(
            session=session, conversation_id=conversation_id, to=refused, actor="system", reason="."
        )
    assert get_conversation(session=session, conversation_id=conversation_id).owner == before
    assert len(ownership_changes(session=session, conversation_id=conversation_id)) == len(path)


def test_unknown_actor_is_refused(session: Session) -> None:
    conversation_id = create_conversation(session=session).id
    with pytest.raises(ValueError, match="actor must be"):
        change_owner(
            session=session, conversation_id=conversation_id, to="queued", actor="bob", reason="."
        )
    assert get_conversation(session=session, conversation_id=conversation_id).owner == "bot"
