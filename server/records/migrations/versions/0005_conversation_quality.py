"""conversation quality: every finished conversation's arc, predicted satisfaction and rating

Revision ID: 0005_conversation_quality
Revises: 0004_proactive_support
Create Date: 2026-12-02

One new table, nothing changed in the old ones: ``conversation_quality``, one row per conversation
that ended (closed by an agent, idle, or by the customer), written when it ends; the customer's
1-5 rating and comment are added to it when they give one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_conversation_quality"
down_revision = "0004_proactive_support"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_quality",
        sa.Column(
            "conversation_id",
            sa.String(length=36),
            sa.ForeignKey("conversations.id"),
            primary_key=True,
        ),
        sa.Column("ended_by", sa.String(length=16), nullable=False),
        sa.Column("ended_at", sa.Float(), nullable=False),
        sa.Column("entry_score", sa.Float()),
        sa.Column("exit_score", sa.Float()),
        sa.Column("arc_shape", sa.String(length=16), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("predicted", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=300)),
        sa.Column("problem_type", sa.String(length=64)),
        sa.Column("agent_id", sa.String(length=36), sa.ForeignKey("agents.id")),
        sa.Column("rating", sa.Integer()),
        sa.Column("comment", sa.Text()),
        sa.Column("rated_at", sa.Float()),
        sa.Index("ix_conversation_quality_ended", "ended_at"),
    )


def downgrade() -> None:
    op.drop_table("conversation_quality")
