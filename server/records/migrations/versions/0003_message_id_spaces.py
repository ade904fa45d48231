"""customer and agent message ids in separate spaces: a client id is unique per conversation and role

Revision ID: 0003_message_id_spaces
Revises: 0002_feedback_replies_notes
Create Date: 2026-12-02

The resend rule ("a message whose client id was already stored is not stored twice") held across
roles, so an agent's retry id equal to one the customer's widget had used returned the customer's
message and dropped the agent's text. The unique constraint now includes the role.
"""

from __future__ import annotations

from alembic import op

revision = "0003_message_id_spaces"
down_revision = "0002_feedback_replies_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite rebuilds the table (it cannot drop a constraint in place).
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_conversation_client_id", type_="unique")
        batch.create_unique_constraint(
            "uq_messages_conversation_role_client_id",
            ["conversation_id", "role", "client_message_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_conversation_role_client_id", type_="unique")
        batch.create_unique_constraint(
            "uq_messages_conversation_client_id", ["conversation_id", "client_message_id"]
        )
