"""customer and agent message ids in separate spaces: a client id is unique per conversation and role

Revision ID: 0003_message_id_spaces
Revises: 0002_feedback_replies_notes
Create Date: 2026-12-02

The resend rule ("a message whose client id was already stored is not stored twice") held across
roles, so an agent's retry id equal to one the customer's widget had used returned the customer's
message and dropped the agent's text. The unique constraint now includes the role.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_message_id_spaces"
down_revision = "0002_feedback_replies_notes"
branch_labels = None
depends_on = None


OLD, NEW = "uq_messages_conversation_client_id", "uq_messages_conversation_role_client_id"


def _unique_constraints() -> set[str]:
    inspector = sa.inspect(op.get_bind())
    return {c["name"] for c in inspector.get_unique_constraints("messages") if c["name"]}


def upgrade() -> None:
    # A database adopted from before migrations may already have the new shape: change only
    # what is there. Batch mode: SQLite rebuilds the table (it cannot drop a constraint in place).
    present = _unique_constraints()
    if NEW in present and OLD not in present:
        return
    with op.batch_alter_table("messages") as batch:
        if OLD in present:
            batch.drop_constraint(OLD, type_="unique")
        if NEW not in present:
            batch.create_unique_constraint(NEW, ["conversation_id", "role", "client_message_id"])


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint(NEW, type_="unique")
        batch.create_unique_constraint(OLD, ["conversation_id", "client_message_id"])
