"""The customer-history model, parsed and validated from the imported JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SPEAKERS = ("customer", "agent", "bot")


class HistoryError(ValueError):
    """A customer history that does not have the documented shape (see docs/outreach.md)."""


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    started_at: datetime
    channel: str
    turns: tuple[Turn, ...]
    resolved: bool | None
    csat: int | None

    @property
    def customer_texts(self) -> list[str]:
        return [t.text for t in self.turns if t.speaker == "customer" and t.text.strip()]


@dataclass(frozen=True)
class Event:
    type: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CustomerHistory:
    customer_id: str
    attributes: dict[str, Any]
    events: tuple[Event, ...]
    conversations: tuple[Conversation, ...]  # oldest first


def parse_time(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise HistoryError(f"{where}: expected an ISO-8601 time string")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HistoryError(f"{where}: {value!r} is not an ISO-8601 time") from None
    # Naive times are read as UTC so histories from different exports compare.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise HistoryError(f"{where}: a turn must be an object")
    speaker, text = raw.get("speaker"), raw.get("text")
    if speaker not in SPEAKERS:
        raise HistoryError(f"{where}.speaker: expected one of {', '.join(SPEAKERS)}")
    if not isinstance(text, str):
        raise HistoryError(f"{where}.text: expected a string")
    return Turn(speaker, text)


def _conversation(raw: Any, where: str) -> Conversation:
    if not isinstance(raw, dict):
        raise HistoryError(f"{where}: a conversation must be an object")
    turns = raw.get("turns", [])
    if not isinstance(turns, list):
        raise HistoryError(f"{where}.turns: expected a list")
    resolved = raw.get("resolved")
    if resolved is not None and not isinstance(resolved, bool):
        raise HistoryError(f"{where}.resolved: expected true, false or null")
    csat = raw.get("csat")
    if csat is not None and (isinstance(csat, bool) or csat not in (1, 2, 3, 4, 5)):
        raise HistoryError(f"{where}.csat: expected 1-5 or null")
    return Conversation(
        conversation_id=str(raw.get("conversation_id", where)),
        started_at=parse_time(raw.get("started_at"), f"{where}.started_at"),
        channel=str(raw.get("channel") or "chat").lower(),
        turns=tuple(_turn(t, f"{where}.turns[{i}]") for i, t in enumerate(turns)),
        resolved=resolved,
        csat=csat,
    )


def _event(raw: Any, where: str) -> Event:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise HistoryError(f"{where}: an event needs a 'type' string")
    data = {k: v for k, v in raw.items() if k not in ("type", "at")}
    return Event(raw["type"].lower(), parse_time(raw.get("at"), f"{where}.at"), data)


def parse_history(raw: Any) -> CustomerHistory:
    """Build a history from one imported line; raise HistoryError naming the bad field."""
    if not isinstance(raw, dict):
        raise HistoryError("expected a JSON object")
    customer_id = raw.get("customer_id")
    if not isinstance(customer_id, (str, int)) or isinstance(customer_id, bool):
        raise HistoryError("customer_id: expected a string")
    attributes = raw.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise HistoryError("attributes: expected an object")
    events, conversations = raw.get("events") or [], raw.get("conversations") or []
    if not isinstance(events, list):
        raise HistoryError("events: expected a list")
    if not isinstance(conversations, list):
        raise HistoryError("conversations: expected a list")
    parsed = [_conversation(c, f"conversations[{i}]") for i, c in enumerate(conversations)]
    return CustomerHistory(
        customer_id=str(customer_id),
        attributes=attributes,
        events=tuple(
            sorted((_event(e, f"events[{i}]") for i, e in enumerate(events)), key=lambda e: e.at)
        ),
        conversations=tuple(sorted(parsed, key=lambda c: c.started_at)),
    )
