"""baseline: the records schema as the first migration-managed release defines it

Revision ID: 0001
Revises:
Create Date: 2026-12-01

Databases made earlier by ``SQLModel.metadata.create_all`` already have these tables; they are
stamped at this revision instead of running it (see ``server.records.migrations.upgrade``).
Times are Unix seconds (float); JSON columns are JSON on SQLite and JSONB on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen here rather than imported from models.py: a revision must not change when the models do.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WAITING = sa.text("status = 'waiting'")


def _conversation_id() -> sa.Column[str]:
    """The column tying a row to its conversation (a new Column each time: tables cannot share)."""
    return sa.Column(
        "conversation_id", sa.String(length=36), sa.ForeignKey("conversations.id"), nullable=False
    )


def _agent_id(name: str) -> sa.Column[str]:
    """An optional reference to an agent account (who claimed, labelled or wrote)."""
    return sa.Column(name, sa.String(length=36), sa.ForeignKey("agents.id"))


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=255), primary_key=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
    )
    op.create_table(
        "conversations",
        sa.Column("customer_id", sa.String(length=255), sa.ForeignKey("customers.id")),
        sa.Column("owner", sa.String(length=16), nullable=False),
        sa.Column("entry_score", sa.Float()),
        sa.Column("latest_score", sa.Float()),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("closed_at", sa.Float()),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Index("ix_conversations_customer_created", "customer_id", "created_at"),
        sa.Index("ix_conversations_owner", "owner"),
    )
    op.create_table(
        "handoffs",
        _conversation_id(),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("transcript", JSON, nullable=False),
        sa.Column("sentiment_series", JSON, nullable=False),
        sa.Column("decisions", JSON, nullable=False),
        sa.Column("cited_doc_ids", JSON, nullable=False),
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("claimed_at", sa.Float()),
        _agent_id("claimed_by"),
        sa.Column("wait_seconds", sa.Float()),
        sa.Column("returned_at", sa.Float()),
        sa.Column("closed_at", sa.Float()),
        sa.Column("warranted", sa.Boolean()),
        sa.Column("resolved", sa.Boolean()),
        _agent_id("labelled_by"),
        sa.Column("labelled_at", sa.Float()),
        sa.Column("priority_raises", sa.Integer(), nullable=False),
        sa.Column("wait_raises", sa.Integer(), nullable=False),
        sa.Column("priority_log", JSON, nullable=False),
        sa.Index("ix_handoffs_queue", "status", "severity_rank", "created_at"),
        sa.Index("ix_handoffs_conversation", "conversation_id"),
        sa.Index("ix_handoffs_claimed_at", "claimed_at"),
        # At most one waiting handoff per conversation.
        sa.Index(
            "uq_handoffs_one_waiting",
            "conversation_id",
            unique=True,
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        ),
    )
    op.create_table(
        "messages",
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("client_message_id", sa.String(length=128)),
        sa.Column("citations", JSON, nullable=False),
        _agent_id("author_agent_id"),
        sa.Column("id", sa.Integer(), primary_key=True),
        _conversation_id(),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        sa.UniqueConstraint(
            "conversation_id", "client_message_id", name="uq_messages_conversation_client_id"
        ),
    )
    op.create_table(
        "ownership_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _conversation_id(),
        sa.Column("from_owner", sa.String(length=16), nullable=False),
        sa.Column("to_owner", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Index("ix_ownership_changes_conversation", "conversation_id", "id"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _conversation_id(),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id")),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("escalate", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.String(length=64)),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("tone", sa.String(length=64), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("fired_rules", JSON, nullable=False),
        sa.Column("raise_priority", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Index("ix_decisions_conversation_turn", "conversation_id", "turn"),
    )
    op.create_table(
        "sentiment_readings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _conversation_id(),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id")),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("frustration", sa.Float(), nullable=False),
        sa.Column("urgency", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("signals", JSON, nullable=False),
        sa.Column("analyzer", sa.String(length=64), nullable=False),
        sa.Column("fallback_reason", sa.Text()),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Index("ix_sentiment_readings_conversation", "conversation_id", "id"),
        sa.Index("ix_sentiment_readings_message_id", "message_id"),
    )


def downgrade() -> None:
    for table in (
        "sentiment_readings",
        "decisions",
        "ownership_changes",
        "messages",
        "handoffs",
        "conversations",
        "customers",
        "agents",
    ):
        op.drop_table(table)
