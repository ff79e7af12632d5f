"""orphaned conversations; the history keeps answers set aside, going back, orphan, restart

Revision ID: c3f1a9d2e7b5
Revises: 2198f415decb
Create Date: 2026-11-24 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f1a9d2e7b5"
down_revision: str | None = "2198f415decb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("in_progress", "awaiting_decision", "decided", "cancelled")
KINDS = ("recorded", "changed", "reopened", "cancelled")
NEW_KINDS = ("answered", "went_back", "orphaned", "restarted")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    # Autogenerate does not see CHECK constraints; these are written by hand. Batch mode
    # rebuilds the table on SQLite, which cannot alter a constraint in place.
    with op.batch_alter_table("hiring_conversations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_hiring_conversations_state"), type_="check")
        batch_op.create_check_constraint("state", _in("state", (*STATES, "orphaned")))
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("option_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("channel_id", sa.String(length=32), nullable=True))
        batch_op.drop_constraint(op.f("ck_decision_events_kind"), type_="check")
        batch_op.create_check_constraint("kind", _in("kind", (*KINDS, *NEW_KINDS)))


def downgrade() -> None:
    # The older schema has no words for these: an orphaned conversation is closed as
    # cancelled, and the new history rows go (the answers that stand are in `answers`).
    op.execute(
        sa.text("UPDATE hiring_conversations SET state = 'cancelled' WHERE state = 'orphaned'")
    )
    op.execute(sa.text(f"DELETE FROM decision_events WHERE {_in('kind', NEW_KINDS)}"))
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decision_events_kind"), type_="check")
        batch_op.create_check_constraint("kind", _in("kind", KINDS))
        batch_op.drop_column("channel_id")
        batch_op.drop_column("option_key")
        batch_op.drop_column("question_key")
    with op.batch_alter_table("hiring_conversations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_hiring_conversations_state"), type_="check")
        batch_op.create_check_constraint("state", _in("state", STATES))
