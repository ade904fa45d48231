"""Saved replies: texts agents insert by shortcut, managed by supervisors."""

from __future__ import annotations

from sqlmodel import Session, col, select

from server.records.errors import RecordsError
from server.records.models import SavedReply


class ShortcutTaken(RecordsError):
    def __init__(self, shortcut: str) -> None:
        super().__init__(f"a saved reply already uses the shortcut /{shortcut}")
        self.shortcut = shortcut


class SavedReplyNotFound(RecordsError, LookupError):
    def __init__(self, reply_id: str) -> None:
        super().__init__(f"no saved reply with id {reply_id!r}")


def list_replies(*, session: Session) -> list[SavedReply]:
    return list(session.exec(select(SavedReply).order_by(col(SavedReply.shortcut))).all())


def add_reply(
    *, session: Session, shortcut: str, title: str, text: str, agent_id: str, now: float
) -> SavedReply:
    taken = session.exec(select(SavedReply).where(SavedReply.shortcut == shortcut)).first()
    if taken is not None:
        raise ShortcutTaken(shortcut)
    reply = SavedReply(
        shortcut=shortcut, title=title, text=text, created_by=agent_id, created_at=now
    )
    session.add(reply)
    session.commit()
    session.refresh(reply)
    return reply


def delete_reply(*, session: Session, reply_id: str) -> None:
    reply = session.get(SavedReply, reply_id)
    if reply is None:
        raise SavedReplyNotFound(reply_id)
    session.delete(reply)
    session.commit()
