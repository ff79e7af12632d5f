"""voices.version: every ask of an invitee's question has its own number (and owed key)

Revision ID: 9b2d4e6f8a13
Revises: 25056dd5b1d0
Create Date: 2026-11-24 04:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b2d4e6f8a13"
down_revision: str | None = "25056dd5b1d0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("voices", sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    # Before this, nobody could go back: each answer was the one move, so the asks so far
    # were numbered by their step, and the questions already owed keep their keys.
    voices = sa.table("voices", sa.column("version", sa.Integer()), sa.column("step", sa.Integer()))
    op.execute(sa.update(voices).values(version=voices.c.step))


def downgrade() -> None:
    # The older code keys a question by its step and cannot go back.
    with op.batch_alter_table("voices", schema=None) as batch_op:
        batch_op.drop_column("version")
