"""proactive support: host attributes and events, the outreach desk, its review log, scan leases

Revision ID: 0004_proactive_support
Revises: 0003_message_id_spaces
Create Date: 2026-12-02

New tables only: ``customer_profiles`` and ``customer_events`` (what the host system sends,
server-to-server), ``outreach_items`` (flagged customers, drafts and what a person did with them,
at most one open item per customer and rule), ``outreach_log`` (the review log) and
``scan_leases`` (which process runs the periodic scan).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_proactive_support"
down_revision = "0003_message_id_spaces"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "customer_profiles",
        sa.Column(
            "customer_id", sa.String(length=255), sa.ForeignKey("customers.id"), primary_key=True
        ),
        sa.Column("attributes", JSON, nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "customer_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "customer_id", sa.String(length=255), sa.ForeignKey("customers.id"), nullable=False
        ),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("event_key", sa.String(length=128), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("customer_id", "event_key", name="uq_customer_events_key"),
        sa.Index("ix_customer_events_customer_at", "customer_id", "at"),
    )
    op.create_table(
        "outreach_items",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column(
            "customer_id", sa.String(length=255), sa.ForeignKey("customers.id"), nullable=False
        ),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("draft_subject", sa.Text(), nullable=False),
        sa.Column("draft_body", sa.Text(), nullable=False),
        sa.Column("contact_by", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("acted_by", sa.String(length=36), sa.ForeignKey("agents.id"), nullable=True),
        sa.Column("acted_at", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("snoozed_until", sa.Float(), nullable=True),
        sa.Column("sent_subject", sa.Text(), nullable=True),
        sa.Column("sent_body", sa.Text(), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("delivery_status", sa.String(length=16), nullable=False),
        sa.Column("delivery_attempts", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.Float(), nullable=True),
        sa.Column("delivery_error", sa.Text(), nullable=True),
        sa.Column(
            "shown_conversation_id",
            sa.String(length=36),
            sa.ForeignKey("conversations.id"),
            nullable=True,
        ),
        sa.Column("shown_at", sa.Float(), nullable=True),
        sa.Index("ix_outreach_items_status_created", "status", "created_at"),
        sa.Index("ix_outreach_items_customer_rule", "customer_id", "rule"),
        sa.Index(
            "uq_outreach_items_one_open",
            "customer_id",
            "rule",
            unique=True,
            sqlite_where=sa.text("status IN ('open', 'snoozed')"),
            postgresql_where=sa.text("status IN ('open', 'snoozed')"),
        ),
    )
    op.create_table(
        "outreach_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "item_id", sa.String(length=36), sa.ForeignKey("outreach_items.id"), nullable=False
        ),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.Index("ix_outreach_log_item", "item_id", "id"),
        sa.Index("ix_outreach_log_at", "at"),
    )
    op.create_table(
        "scan_leases",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "scan_leases",
        "outreach_log",
        "outreach_items",
        "customer_events",
        "customer_profiles",
    ):
        op.drop_table(table)
