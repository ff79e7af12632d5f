"""outbox kind for an invitee's one reminder: owed with its claim, delivered like the rest

Revision ID: 4c8e2a6f1b90
Revises: 865fa39074ad
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4c8e2a6f1b90"
down_revision: str | None = "865fa39074ad"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("root", "step", "nudge", "team", "voice", "round")
NEW_KINDS = ("voice_reminder",)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _kinds(values: Sequence[str]) -> None:
    # SQLite can't alter a constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_kind"), type_="check")
        batch_op.create_check_constraint("kind", _in("kind", values))


def upgrade() -> None:
    _kinds(KINDS + NEW_KINDS)


def downgrade() -> None:
    # The older code cannot deliver them: a reminder still owed is given up (its claim, the
    # voice's reminded_at, stays, so the older code does not send it either).
    outbox = sa.table("outbox", sa.column("kind", sa.String()))
    op.execute(sa.delete(outbox).where(outbox.c.kind.in_(NEW_KINDS)))
    _kinds(KINDS)
