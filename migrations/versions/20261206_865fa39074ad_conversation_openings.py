"""how many people a conversation can hire for; the history records who said so

Revision ID: 865fa39074ad
Revises: 959d609f8eaa
Create Date: 2026-12-06 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "865fa39074ad"
down_revision: str | None = "959d609f8eaa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "recorded",
    "changed",
    "reopened",
    "cancelled",
    "answered",
    "went_back",
    "orphaned",
    "restarted",
)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    # Every conversation so far was for one opening: the older code never said "both"
    # because someone could hire two, so 1 is what they meant.
    with op.batch_alter_table("hiring_conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("openings", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_check_constraint("openings", "openings >= 1")
    # Autogenerate does not see CHECK constraints; batch mode rebuilds the table on SQLite,
    # which cannot alter a constraint in place.
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decision_events_kind"), type_="check")
        batch_op.create_check_constraint("kind", _in("kind", (*KINDS, "openings")))


def downgrade() -> None:
    # The older schema has no word for it: the history rows go, and so does the count
    # (the older code recommends for one opening).
    op.execute(sa.text("DELETE FROM decision_events WHERE kind = 'openings'"))
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decision_events_kind"), type_="check")
        batch_op.create_check_constraint("kind", _in("kind", KINDS))
    with op.batch_alter_table("hiring_conversations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_hiring_conversations_openings"), type_="check")
        batch_op.drop_column("openings")
