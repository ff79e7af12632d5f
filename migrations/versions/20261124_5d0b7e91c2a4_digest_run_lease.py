"""digest run lease and attempts

Revision ID: 5d0b7e91c2a4
Revises: 9c4e1f2a7b35
Create Date: 2026-11-24 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "5d0b7e91c2a4"
down_revision: str | None = "9c4e1f2a7b35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs") as batch:
        batch.add_column(
            sa.Column("lease_until", bot.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="1", nullable=False))
    # A run claimed before leases existed and never completed was lost by a crash: its
    # lease is over, so the next run within the grace period posts it.
    op.execute("UPDATE digest_runs SET lease_until = claimed_at WHERE status = 'claimed'")


def downgrade() -> None:
    with op.batch_alter_table("digest_runs") as batch:
        batch.drop_column("attempts")
        batch.drop_column("lease_until")
