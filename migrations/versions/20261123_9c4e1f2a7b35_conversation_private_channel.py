"""whether a conversation was started in a private channel

Revision ID: 9c4e1f2a7b35
Revises: 37ae2833efd3
Create Date: 2026-11-23 22:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c4e1f2a7b35"
down_revision: str | None = "37ae2833efd3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows were shown to everyone until now: they stay public (false) unless known
    # otherwise; new conversations store what Slack says about their channel.
    with op.batch_alter_table("hiring_conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("private_channel", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            "ix_conversations_private",
            ["workspace_id", "private_channel", "channel_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("hiring_conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_private")
        batch_op.drop_column("private_channel")
