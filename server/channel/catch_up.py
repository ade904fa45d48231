"""What a socket missed: the stored messages after the last one it saw, and where the chat stands."""

from __future__ import annotations

from typing import Any

from server.channel.frames import message_frame
from server.turns.service import ConversationService

Frame = dict[str, Any]


def catch_up(
    service: ConversationService, conversation_id: str, last_seq: int, owner: str
) -> tuple[list[Frame], dict[str, Any] | None, int]:
    """The missed messages as frames (replies linked to the message they answer), the
    queue status when the conversation waits for a person, and the latest stored seq."""
    frames: list[Frame] = []
    asked: str | None = None
    latest = 0
    # Read from the start so each replayed reply can name the message it answers.
    for message in service.messages_after(conversation_id, 0):
        latest = max(latest, message.seq)
        if message.role == "customer":
            asked = message.client_message_id
        if message.seq > last_seq:
            reply_to = asked if message.role in ("bot", "system") else None
            frames.append(message_frame(message, reply_to=reply_to))
    ticket = service.queue_status(conversation_id) if owner == "queued" else None
    return frames, ticket, latest
