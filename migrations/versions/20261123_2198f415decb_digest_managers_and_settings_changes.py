"""digest managers and settings changes

Revision ID: 2198f415decb
Revises: 5d0b7e91c2a4
Create Date: 2026-11-23 22:14:09.363478
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "2198f415decb"
down_revision: str | None = "5d0b7e91c2a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_managers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("named_by", sa.String(length=32), nullable=False),
        sa.Column("named_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_digest_managers_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_managers")),
        sa.UniqueConstraint(
            "workspace_id", "user_id", name=op.f("uq_digest_managers_workspace_id_user_id")
        ),
    )
    op.create_table(
        "digest_settings_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("changed_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_digest_settings_changes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_settings_changes")),
    )
    with op.batch_alter_table("digest_settings_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_digest_settings_changes_workspace_changed",
            ["workspace_id", "changed_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_settings_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_digest_settings_changes_workspace_changed")
    op.drop_table("digest_settings_changes")
    op.drop_table("digest_managers")
