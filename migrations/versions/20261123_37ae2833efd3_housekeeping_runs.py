"""housekeeping runs

Revision ID: 37ae2833efd3
Revises: b558f76f01b4
Create Date: 2026-11-23 19:25:22.542095
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "37ae2833efd3"
down_revision: str | None = "b558f76f01b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "housekeeping_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("period_key", sa.String(length=32), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("claimed_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_runs")),
        sa.UniqueConstraint("job", "period_key", name=op.f("uq_housekeeping_runs_job_period_key")),
    )


def downgrade() -> None:
    op.drop_table("housekeeping_runs")
