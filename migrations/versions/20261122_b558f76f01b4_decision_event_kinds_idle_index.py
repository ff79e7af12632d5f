"""decision event kinds as a CHECK constraint; index for the idle-conversation scan

Revision ID: b558f76f01b4
Revises: 52ac51ab14b4
Create Date: 2026-11-22 20:00:41.181620
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "b558f76f01b4"
down_revision: str | None = "52ac51ab14b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Autogenerate does not see CHECK constraints; this one is written by hand.
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "kind", "kind IN ('recorded', 'changed', 'reopened', 'cancelled')"
        )
    with op.batch_alter_table("hiring_conversations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversations_state_activity", ["state", "last_activity_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("hiring_conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_state_activity")
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decision_events_kind"), type_="check")
