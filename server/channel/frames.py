"""The /ws/chat wire format (docs/protocol.md): checking client frames and building server frames."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.channel.json_text import UnreadableJSON, read_json
from server.records.models import Message

if TYPE_CHECKING:
    from agent.bot import TurnResult

MAX_FRAME_BYTES = 64 * 1024  # 8,000 characters of text fit with room for JSON escapes
MAX_CLIENT_ID_CHARS = 128
MAX_CUSTOMER_ID_CHARS = 255
CLIENT_FRAME_TYPES = ("message", "typing", "resume", "feedback", "hello", "rating", "end")
FEEDBACK_RATINGS = ("up", "down")
MAX_RATING_COMMENT_CHARS = 2000


class FrameError(ValueError):
    """A client frame the server cannot take; the socket stays open unless ``fatal``."""

    def __init__(self, code: str, message: str, *, ref: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.ref = ref


@dataclass(frozen=True)
class CustomerClaim:
    """Who the host site says the customer is, with its HMAC of the id (checked by the server)."""

    id: str
    signature: str


@dataclass(frozen=True)
class ClientMessage:
    client_message_id: str
    text: str
    customer: CustomerClaim | None = None


@dataclass(frozen=True)
class ClientTyping:
    active: bool


@dataclass(frozen=True)
class ClientResume:
    token: str
    last_seq: int
    conversation_id: str | None


@dataclass(frozen=True)
class ClientFeedback:
    """The customer's thumbs up or down on one of the bot's answers."""

    seq: int
    rating: str  # up | down


@dataclass(frozen=True)
class ClientHello:
    """A signed-in customer opened the widget without a conversation: outreach may be waiting."""

    customer: CustomerClaim


@dataclass(frozen=True)
class ClientRating:
    """The customer's 1-5 rating of a conversation that ended, with an optional comment."""

    score: int
    comment: str | None


@dataclass(frozen=True)
class ClientEnd:
    """The customer ends the conversation from the widget."""


ClientFrame = (
    ClientMessage
    | ClientTyping
    | ClientResume
    | ClientFeedback
    | ClientHello
    | ClientRating
    | ClientEnd
)


def parse_client_frame(raw: str) -> ClientFrame:
    """Check one text frame; raise ``FrameError`` with a stable code for anything wrong."""
    try:
        data = read_json(raw, max_bytes=MAX_FRAME_BYTES)
    except UnreadableJSON as exc:
        raise FrameError(exc.code, str(exc)) from None
    if not isinstance(data, dict):
        raise FrameError("invalid_frame", "A frame must be a JSON object with a 'type'.")
    kind = data.get("type")
    if kind is None:
        raise FrameError("missing_field", "The frame has no 'type'.")
    if kind not in CLIENT_FRAME_TYPES:
        raise FrameError(
            "unknown_type",
            f"Unknown frame type {str(kind)[:40]!r}; "
            f"expected one of {', '.join(CLIENT_FRAME_TYPES)}.",
        )
    if kind == "message":
        return _message(data)
    if kind == "typing":
        active = data.get("active", True)
        if not isinstance(active, bool):
            raise FrameError("invalid_field", "'active' must be true or false.")
        return ClientTyping(active=active)
    if kind == "feedback":
        return _feedback(data)
    if kind == "hello":
        claim = _customer(data, "hello")
        if claim is None:
            raise FrameError("missing_field", "A hello needs the signed 'customer'.")
        return ClientHello(customer=claim)
    if kind == "rating":
        return _rating(data)
    if kind == "end":
        return ClientEnd()
    return _resume(data)


def _rating(data: dict[str, Any]) -> ClientRating:
    score, comment = data.get("score"), data.get("comment")
    if score is None:
        raise FrameError("missing_field", "A rating needs a 'score' from 1 to 5.")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise FrameError("invalid_field", "'score' must be a whole number from 1 to 5.")
    if comment is not None and (
        not isinstance(comment, str) or len(comment) > MAX_RATING_COMMENT_CHARS
    ):
        raise FrameError(
            "invalid_field",
            f"'comment' must be text of at most {MAX_RATING_COMMENT_CHARS} characters.",
        )
    return ClientRating(score=score, comment=comment.strip() if comment else None)


def _feedback(data: dict[str, Any]) -> ClientFeedback:
    seq, rating = data.get("seq"), data.get("rating")
    if seq is None or rating is None:
        raise FrameError("missing_field", "Feedback needs the answer's 'seq' and a 'rating'.")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise FrameError("invalid_field", "'seq' must be the answer's seq, a whole number from 1.")
    if rating not in FEEDBACK_RATINGS:
        raise FrameError("invalid_field", '\'rating\' must be "up" or "down".')
    return ClientFeedback(seq=seq, rating=str(rating))


def _message(data: dict[str, Any]) -> ClientMessage:
    client_id = data.get("id")
    if client_id is None:
        raise FrameError("missing_field", "A message needs an 'id' (the client message id).")
    if not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID_CHARS:
        raise FrameError(
            "invalid_field", f"'id' must be a string of 1 to {MAX_CLIENT_ID_CHARS} characters."
        )
    if "text" not in data:
        raise FrameError("missing_field", "A message needs a 'text'.", ref=client_id)
    if not isinstance(data["text"], str):
        raise FrameError("invalid_field", "'text' must be a string.", ref=client_id)
    return ClientMessage(
        client_message_id=client_id, text=data["text"], customer=_customer(data, client_id)
    )


def _customer(data: dict[str, Any], client_id: str) -> CustomerClaim | None:
    claim = data.get("customer")
    if claim is None:
        return None
    if (
        not isinstance(claim, dict)
        or not isinstance(claim.get("id"), str)
        or not isinstance(claim.get("signature"), str)
        or not 0 < len(claim["id"]) <= MAX_CUSTOMER_ID_CHARS
        or len(claim["signature"]) > 256
    ):
        raise FrameError(
            "invalid_field",
            '\'customer\' must be {"id": "...", "signature": "..."} '
            f"with an id of 1 to {MAX_CUSTOMER_ID_CHARS} characters.",
            ref=client_id,
        )
    return CustomerClaim(id=claim["id"], signature=claim["signature"])


def _resume(data: dict[str, Any]) -> ClientResume:
    token = data.get("token")
    if token is None:
        raise FrameError("missing_field", "A resume needs the 'token' from the session frame.")
    last_seq = data.get("last_seq", 0)
    if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
        raise FrameError("invalid_field", "'last_seq' must be a whole number, 0 or more.")
    conversation_id = data.get("conversation_id")
    if conversation_id is not None and not isinstance(conversation_id, str):
        raise FrameError("invalid_field", "'conversation_id' must be a string.")
    return ClientResume(token=str(token), last_seq=last_seq, conversation_id=conversation_id)


# --- server frames -------------------------------------------------------------------------


def error_frame(
    code: str, message: str, *, ref: str | None = None, fatal: bool = False
) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": code, "message": message, "fatal": fatal}
    if ref is not None:
        frame["ref"] = ref
    return frame


def message_frame(message: Message, *, reply_to: str | None = None) -> dict[str, Any]:
    """A stored message as the customer sees it; the customer's own carry their client id."""
    frame: dict[str, Any] = {
        "type": "message",
        "seq": message.seq,
        "role": message.role,
        "text": message.text,
        "citations": [
            {
                "doc_id": c.get("doc_id"),
                "chunk_id": c.get("chunk_id"),
                "title": c.get("title"),
                "url": c.get("url"),
            }
            for c in message.citations or []
        ],
        "created_at": message.created_at,
    }
    if message.client_message_id is not None:
        frame["client_message_id"] = message.client_message_id
    if reply_to is not None:
        frame["reply_to"] = reply_to
    return frame


def handoff_frame(ticket: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "handoff",
        "status": "queued",
        "position": ticket.get("position"),
        "estimated_wait_s": ticket.get("estimated_wait_s"),
        "severity": ticket.get("severity"),
    }


def closed_frame(reason: str) -> dict[str, Any]:
    return {"type": "closed", "reason": reason}


def reading_frame(result: TurnResult) -> dict[str, Any]:
    """A turn's sentiment reading and decision, for the consoles watching the conversation."""
    return {
        "type": "reading",
        "turn": result.turn,
        "owner": result.owner,
        "reading": result.reading.to_dict(),
        "trend": result.sentiment.trend,
        "decision": {
            "escalate": result.decision.escalate,
            "rule": result.decision.rule,
            "severity": result.decision.severity,
            "risk": result.decision.risk,
            "reason": result.decision.reason,
        },
    }


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
