"""Who owns a conversation, and the moves between owners (docs/architecture.md)."""

from __future__ import annotations

from enum import StrEnum


class Owner(StrEnum):
    BOT = "bot"
    QUEUED = "queued"
    HUMAN = "human"
    CLOSED = "closed"


_ALLOWED: dict[Owner, frozenset[Owner]] = {
    Owner.BOT: frozenset({Owner.QUEUED, Owner.CLOSED}),
    Owner.QUEUED: frozenset({Owner.HUMAN, Owner.BOT, Owner.CLOSED}),
    Owner.HUMAN: frozenset({Owner.BOT, Owner.CLOSED}),
    Owner.CLOSED: frozenset(),
}


class OwnershipError(ValueError):
    """An impossible move, e.g. claiming a conversation the bot still owns, or reopening a closed one."""


def transition(current: Owner | str, target: Owner | str) -> Owner:
    """Return ``target`` if the move is allowed, else raise OwnershipError."""
    src, dst = Owner(current), Owner(target)
    if dst not in _ALLOWED[src]:
        raise OwnershipError(f"a conversation owned by {src.value!r} cannot move to {dst.value!r}")
    return dst
