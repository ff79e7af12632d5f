"""outbox kinds for "Ask the team": the round's line, the team's message, an invitee's DM question

Revision ID: 25056dd5b1d0
Revises: 7a5e3c19d4b8
Create Date: 2026-11-24 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "25056dd5b1d0"
down_revision: str | None = "7a5e3c19d4b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("root", "step", "nudge")
VOICE_KINDS = ("round", "team", "voice")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _kinds(values: Sequence[str]) -> None:
    # SQLite can't alter a constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_kind"), type_="check")
        batch_op.create_check_constraint("kind", _in("kind", values))


def upgrade() -> None:
    _kinds(KINDS + VOICE_KINDS)


def downgrade() -> None:
    # The older code can neither deliver nor read them: what they owed is given up.
    outbox = sa.table("outbox", sa.column("kind", sa.String()))
    op.execute(sa.delete(outbox).where(outbox.c.kind.in_(VOICE_KINDS)))
    _kinds(KINDS)
