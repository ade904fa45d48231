"""The errors the records layer raises, each with a message a person can act on."""

from __future__ import annotations


class RecordsError(Exception):
    """Base of every error raised by the records layer."""


class ConversationNotFound(RecordsError, LookupError):
    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"no conversation with id {conversation_id!r}")
        self.conversation_id = conversation_id


class ConversationClosed(RecordsError):
    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"conversation {conversation_id!r} is closed and takes no new messages")
        self.conversation_id = conversation_id


class HandoffNotFound(RecordsError, LookupError):
    def __init__(self, what: str) -> None:
        super().__init__(f"no handoff {what}")


class HandoffNotWaiting(RecordsError):
    """Claiming a handoff someone else already claimed (or that was returned or closed)."""

    def __init__(self, handoff_id: str, status: str) -> None:
        super().__init__(f"handoff {handoff_id!r} is {status}, not waiting")
        self.handoff_id = handoff_id
        self.status = status


class HandoffAlreadyWaiting(RecordsError):
    """A second ticket for a conversation that is already in the queue."""

    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"conversation {conversation_id!r} already has a waiting handoff")
        self.conversation_id = conversation_id


class AgentNotFound(RecordsError, LookupError):
    def __init__(self, agent_id: str) -> None:
        super().__init__(f"no active agent with id {agent_id!r}")
        self.agent_id = agent_id


class AgentNameTaken(RecordsError):
    def __init__(self, name: str) -> None:
        super().__init__(f"an agent named {name!r} already exists")
        self.name = name
