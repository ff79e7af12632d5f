"""voices: "Ask the team" rounds, their invitees and the invitees' answers

Revision ID: 7a5e3c19d4b8
Revises: 7a3e5c1b9d42
Create Date: 2026-11-24 03:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision: str = "7a5e3c19d4b8"
down_revision: str | None = "7a3e5c1b9d42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROUND_STATES = ("open", "revealed", "closed")
VOICE_STATES = ("invited", "answering", "answered", "unreachable")


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
    op.create_table(
        "voice_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revealed_by", sa.String(length=32), nullable=True),
        sa.Column("revealed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(_in("state", ROUND_STATES), name=op.f("ck_voice_rounds_state")),
        _workspace_fk("voice_rounds"),
        _conversation_fk("voice_rounds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_rounds")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_voice_rounds_conversation_id")),
    )
    op.create_table(
        "voices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dm_channel", sa.String(length=32), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("question_ts", sa.String(length=32), nullable=True),
        sa.Column("problem", sa.String(length=100), nullable=True),
        sa.Column("invited_by", sa.String(length=32), nullable=False),
        sa.Column("invited_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("reminded_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(_in("status", VOICE_STATES), name=op.f("ck_voices_status")),
        _workspace_fk("voices"),
        _conversation_fk("voices"),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["voice_rounds.id"],
            name=op.f("fk_voices_round_id_voice_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voices")),
        sa.UniqueConstraint("round_id", "user_id", name=op.f("uq_voices_round_id_user_id")),
    )
    op.create_index(
        "ix_voices_workspace_dm", "voices", ["workspace_id", "dm_channel", "user_id"], unique=False
    )
    op.create_index("ix_voices_status_invited", "voices", ["status", "invited_at"], unique=False)
    op.create_table(
        "voice_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("voice_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("option_key", sa.String(length=64), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        _workspace_fk("voice_answers"),
        sa.ForeignKeyConstraint(
            ["voice_id"],
            ["voices.id"],
            name=op.f("fk_voice_answers_voice_id_voices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_answers")),
        sa.UniqueConstraint(
            "voice_id", "question_key", name=op.f("uq_voice_answers_voice_id_question_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("voice_answers")
    op.drop_index("ix_voices_status_invited", table_name="voices")
    op.drop_index("ix_voices_workspace_dm", table_name="voices")
    op.drop_table("voices")
    op.drop_table("voice_rounds")
