"""answer feedback, saved replies and internal notes: what the console and widget keep for a day's work

Revision ID: 0002_feedback_replies_notes
Revises: 0001
Create Date: 2026-12-08

Three new tables, nothing changed in the old ones: ``message_feedback`` (the customer's thumbs up
or down on a bot answer, one per message), ``saved_replies`` (managed by supervisors, inserted by
shortcut) and ``conversation_notes`` (agents' internal notes, never sent to the customer).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_feedback_replies_notes"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.String(length=36),
            sa.ForeignKey("conversations.id"),
            nullable=False,
        ),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_message_feedback_conversation_seq"),
        sa.Index("ix_message_feedback_created", "created_at"),
    )
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("shortcut", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=36), sa.ForeignKey("agents.id")),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("shortcut"),
    )
    op.create_table(
        "conversation_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.String(length=36),
            sa.ForeignKey("conversations.id"),
            nullable=False,
        ),
        sa.Column("author_agent_id", sa.String(length=36), sa.ForeignKey("agents.id")),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Index("ix_conversation_notes_conversation", "conversation_id", "id"),
    )


def downgrade() -> None:
    for table in ("conversation_notes", "saved_replies", "message_feedback"):
        op.drop_table(table)
