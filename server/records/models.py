"""The record tables (docs/records.md), as SQLModel classes that work on both SQLite and PostgreSQL.

Times are Unix seconds (float, UTC) taken from an injected clock, so tests, replays and the live
server write comparable values without time-zone handling differing between the two databases.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from agent.ownership import Owner

# JSON on SQLite, JSONB on PostgreSQL (indexable, compact); both hand back plain lists and dicts.
JsonType = JSON().with_variant(JSONB(), "postgresql")

MESSAGE_ROLES = ("customer", "bot", "agent", "system")
HANDOFF_STATUSES = ("waiting", "claimed", "returned", "closed")
AGENT_ROLES = ("agent", "supervisor")


def new_id() -> str:
    return str(uuid.uuid4())


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=JsonType)


class Customer(SQLModel, table=True):
    """A customer known to the host site; the id is the site's own (verified by its HMAC)."""

    __tablename__ = "customers"

    id: str = Field(primary_key=True, max_length=255)
    created_at: float
    last_seen: float


class Agent(SQLModel, table=True):
    """A human agent or supervisor of the console; only a salted hash of the token is kept."""

    __tablename__ = "agents"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=200, unique=True)
    role: str = Field(default="agent", max_length=16)
    token_hash: str = Field(max_length=200)
    created_at: float
    disabled: bool = False


class ConversationBase(SQLModel):
    customer_id: str | None = Field(default=None, foreign_key="customers.id", max_length=255)
    owner: str = Field(default=Owner.BOT.value, max_length=16)
    entry_score: float | None = None  # first customer reading's score
    latest_score: float | None = None  # latest customer reading's score: the arc is latest - entry
    turns: int = 0  # customer messages so far
    escalated: bool = False  # handed to the human queue at least once


class Conversation(ConversationBase, table=True):
    """One conversation between a customer and Tideline (and, after a handoff, a person)."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_customer_created", "customer_id", "created_at"),
        Index("ix_conversations_owner", "owner"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    created_at: float
    updated_at: float
    closed_at: float | None = None
    # The last seq handed out. Incrementing it is how concurrent writers take turns: the UPDATE
    # locks the conversation row (PostgreSQL) or the database (SQLite) until the message commits.
    last_seq: int = 0


class MessageBase(SQLModel):
    role: str = Field(max_length=16)  # customer | bot | agent | system
    text: str = Field(sa_type=Text)
    client_message_id: str | None = Field(default=None, max_length=128)
    citations: list[dict[str, Any]] = _json_list()
    author_agent_id: str | None = Field(default=None, foreign_key="agents.id", max_length=36)


class Message(MessageBase, table=True):
    """One message of a conversation; ``seq`` orders them without gaps, from 1."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        # A resend after a reconnect carries the same client id and must not be stored twice;
        # customers' and agents' ids are separate spaces (one cannot collide with the other's).
        UniqueConstraint(
            "conversation_id",
            "role",
            "client_message_id",
            name="uq_messages_conversation_role_client_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=36)
    seq: int
    created_at: float


class SentimentReadingRecord(SQLModel, table=True):
    """The sentiment reading of one customer message, with the analyzer that produced it."""

    __tablename__ = "sentiment_readings"
    __table_args__ = (Index("ix_sentiment_readings_conversation", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=36)
    message_id: int | None = Field(default=None, foreign_key="messages.id", index=True)
    score: float
    label: str = Field(max_length=16)
    frustration: float
    urgency: float
    confidence: float
    signals: list[str] = _json_list()
    analyzer: str = Field(max_length=64)
    fallback_reason: str | None = Field(default=None, sa_type=Text)
    created_at: float


class DecisionRecord(SQLModel, table=True):
    """The escalation decision of one customer turn, escalated or not (docs/policy.md)."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_conversation_turn", "conversation_id", "turn"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=36)
    message_id: int | None = Field(default=None, foreign_key="messages.id")
    turn: int
    escalate: bool
    rule: str | None = Field(default=None, max_length=64)
    severity: str = Field(max_length=16)
    risk: float
    reason: str = Field(sa_type=Text)
    policy_version: str = Field(max_length=64)
    tone: str = Field(max_length=64)
    evidence: list[dict[str, Any]] = _json_list()
    fired_rules: list[str] = _json_list()
    raise_priority: bool = False
    created_at: float


class HandoffBase(SQLModel):
    conversation_id: str = Field(foreign_key="conversations.id", max_length=36)
    status: str = Field(default="waiting", max_length=16)  # waiting | claimed | returned | closed
    severity: str = Field(max_length=16)
    rule: str = Field(max_length=64)
    risk: float
    rationale: str = Field(sa_type=Text)
    summary: str = Field(sa_type=Text)
    transcript: list[dict[str, Any]] = _json_list()
    sentiment_series: list[dict[str, Any]] = _json_list()
    decisions: list[dict[str, Any]] = _json_list()
    cited_doc_ids: list[str] = _json_list()


class Handoff(HandoffBase, table=True):
    """A conversation handed to the human queue, from waiting to claimed to returned or closed."""

    __tablename__ = "handoffs"
    __table_args__ = (
        # The queue query: waiting handoffs, most severe first, then the longest waiting.
        Index("ix_handoffs_queue", "status", "severity_rank", "created_at"),
        Index("ix_handoffs_conversation", "conversation_id"),
        Index("ix_handoffs_claimed_at", "claimed_at"),
        # At most one waiting ticket per conversation, whatever the callers do.
        Index(
            "uq_handoffs_one_waiting",
            "conversation_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    # severity as a number (agent.policy.decision.SEVERITY_ORDER) so the database can sort by it.
    severity_rank: int
    created_at: float
    claimed_at: float | None = None
    claimed_by: str | None = Field(default=None, foreign_key="agents.id", max_length=36)
    wait_seconds: float | None = None  # created -> claimed
    returned_at: float | None = None
    closed_at: float | None = None
    warranted: bool | None = None  # outcome labels set by the agent; None until labelled
    resolved: bool | None = None
    labelled_by: str | None = Field(default=None, foreign_key="agents.id", max_length=36)
    labelled_at: float | None = None
    priority_raises: int = 0
    # Steps of severity added because the handoff waited too long (one per configured interval).
    wait_raises: int = 0
    # [{at, severity, reason}] for each raise, so the audit shows why the ticket moved up.
    priority_log: list[dict[str, Any]] = _json_list()


class OwnershipChange(SQLModel, table=True):
    """One move of a conversation between owners, with who made it and why."""

    __tablename__ = "ownership_changes"
    __table_args__ = (Index("ix_ownership_changes_conversation", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=36)
    from_owner: str = Field(max_length=16)
    to_owner: str = Field(max_length=16)
    actor: str = Field(max_length=64)  # "bot", "system", "customer" or "agent:<id>"
    reason: str = Field(sa_type=Text)
    at: float


class MessageFeedback(SQLModel, table=True):
    """The customer's thumbs up or down on one bot answer; a second click replaces the first."""

    __tablename__ = "message_feedback"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_message_feedback_conversation_seq"),
        Index("ix_message_feedback_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=36)
    message_id: int = Field(foreign_key="messages.id")
    seq: int
    rating: str = Field(max_length=8)  # up | down
    created_at: float
    updated_at: float


class SavedReply(SQLModel, table=True):
    """A reply agents insert with a shortcut (``/refund``); supervisors manage the list."""

    __tablename__ = "saved_replies"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    shortcut: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=200)
    text: str = Field(sa_type=Text)
    created_by: str | None = Field(default=None, foreign_key="agents.id", max_length=36)
    created_at: float


class ConversationNote(SQLModel, table=True):
    """An agent's internal note on a conversation: for colleagues, never sent to the customer."""

    __tablename__ = "conversation_notes"
    __table_args__ = (Index("ix_conversation_notes_conversation", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=36)
    author_agent_id: str | None = Field(default=None, foreign_key="agents.id", max_length=36)
    text: str = Field(sa_type=Text)
    created_at: float


class ConversationQuality(SQLModel, table=True):
    """How a finished conversation went: its arc, predicted satisfaction and the customer's rating."""

    __tablename__ = "conversation_quality"
    __table_args__ = (Index("ix_conversation_quality_ended", "ended_at"),)

    conversation_id: str = Field(foreign_key="conversations.id", primary_key=True, max_length=36)
    ended_by: str = Field(max_length=16)  # agent | idle | customer
    ended_at: float
    entry_score: float | None = None
    exit_score: float | None = None
    arc_shape: str = Field(max_length=16)  # improved | steady | worsened | silent
    risk: float  # conversation risk after the last customer message
    predicted: float  # predicted satisfaction, 1.0-5.0
    confidence: float
    model: str = Field(max_length=64)  # which satisfaction model predicted it
    topic: str | None = Field(default=None, max_length=300)  # the help-centre article most cited
    problem_type: str | None = Field(default=None, max_length=64)
    agent_id: str | None = Field(default=None, foreign_key="agents.id", max_length=36)
    rating: int | None = None  # the customer's own 1-5, when they gave one
    comment: str | None = Field(default=None, sa_type=Text)
    rated_at: float | None = None


__all__ = [
    "Agent",
    "Conversation",
    "ConversationNote",
    "ConversationQuality",
    "Customer",
    "DecisionRecord",
    "Handoff",
    "Message",
    "MessageFeedback",
    "OwnershipChange",
    "SavedReply",
    "SentimentReadingRecord",
]

# The proactive-support tables live beside these; importing them registers them with the metadata.
from server.records import proactive_models  # noqa: E402, F401
