"""outreach tags: a tag_and_prioritise item is applied by the policy itself, live until tag_until

Revision ID: 0006_outreach_tags
Revises: 0005_conversation_quality
Create Date: 2026-12-02

One new nullable column on ``outreach_items``: ``tag_until``, when the customer's "at risk" tag
(and the priority it gives their handoffs) ends. Such items have the status ``applied``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_outreach_tags"
down_revision = "0005_conversation_quality"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outreach_items") as batch:
        batch.add_column(sa.Column("tag_until", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outreach_items") as batch:
        batch.drop_column("tag_until")
