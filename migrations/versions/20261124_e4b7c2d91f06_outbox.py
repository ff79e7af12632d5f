"""outbox: messages owed to Slack, written with the change that owes them

Revision ID: e4b7c2d91f06
Revises: c3f1a9d2e7b5
Create Date: 2026-11-24 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision: str = "e4b7c2d91f06"
down_revision: str | None = "c3f1a9d2e7b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("root", "step", "nudge")
STATES = ("pending", "sent", "superseded", "failed")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f("ck_outbox_kind")),
        sa.CheckConstraint(_in("status", STATES), name=op.f("ck_outbox_status")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["hiring_conversations.id"],
            name=op.f("fk_outbox_conversation_id_hiring_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outbox_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_outbox_workspace_id_key")),
    )
    op.create_index("ix_outbox_status_lease", "outbox", ["status", "lease_until"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_status_lease", table_name="outbox")
    op.drop_table("outbox")
