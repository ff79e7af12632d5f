"""check-ins: "did it hold up?" asked of the decider N days after a decision

Revision ID: 7a3e5c1b9d42
Revises: e4b7c2d91f06
Create Date: 2026-11-24 03:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision: str = "7a3e5c1b9d42"
down_revision: str | None = "e4b7c2d91f06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("claimed", "sent", "failed")
ANSWERS = ("yes", "partly", "no", "too_early")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def _conversation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["hiring_conversations.id"],
        name=op.f(f"fk_{table}_conversation_id_hiring_conversations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("digest_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("checkin_after_days", sa.Integer(), server_default="90", nullable=False)
        )
        batch_op.create_check_constraint(
            "checkin_after_days", "checkin_after_days BETWEEN 0 AND 3650"
        )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="1", nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=32), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(_in("status", STATES), name=op.f("ck_checkins_status")),
        sa.CheckConstraint(
            f"answer IS NULL OR {_in('answer', ANSWERS)}", name=op.f("ck_checkins_answer")
        ),
        _conversation_fk("checkins"),
        _workspace_fk("checkins"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint(
            "workspace_id", "conversation_id", name=op.f("uq_checkins_workspace_id_conversation_id")
        ),
    )
    op.create_index("ix_checkins_status_lease", "checkins", ["status", "lease_until"])
    op.create_table(
        "checkin_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=32), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(_in("answer", ANSWERS), name=op.f("ck_checkin_answers_answer")),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_checkin_answers_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        _conversation_fk("checkin_answers"),
        _workspace_fk("checkin_answers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_answers")),
    )
    op.create_index(
        "ix_checkin_answers_workspace_answered", "checkin_answers", ["workspace_id", "answered_at"]
    )
    op.create_index(
        "ix_checkin_answers_conversation", "checkin_answers", ["conversation_id", "answered_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_checkin_answers_conversation", table_name="checkin_answers")
    op.drop_index("ix_checkin_answers_workspace_answered", table_name="checkin_answers")
    op.drop_table("checkin_answers")
    op.drop_index("ix_checkins_status_lease", table_name="checkins")
    op.drop_table("checkins")
    with op.batch_alter_table("digest_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_digest_settings_checkin_after_days"), type_="check")
        batch_op.drop_column("checkin_after_days")
