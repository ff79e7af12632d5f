"""slack_bots and slack_installations: token columns are text, room for sealed tokens

A token sealed with TOKEN_ENCRYPTION_KEY (bot/token_cipher.py) is about twice its length
and a rotating bot token (xoxe.xoxb-…) is close to slack_sdk's VARCHAR(200) already.
Sealing the stored tokens is not done here but by every `hiring-bot migrate` (the key may
be set or changed long after this revision ran).

Revision ID: 959d609f8eaa
Revises: 9b2d4e6f8a13
Create Date: 2026-12-06 09:00:00.000000
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, MultiFernet

revision: str = "959d609f8eaa"
down_revision: str | None = "9b2d4e6f8a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "slack_bots": ("bot_token", "bot_refresh_token"),
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
}
SEALED_PREFIX = "fernet:"


def upgrade() -> None:
    for table, columns in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.String(length=200), type_=sa.Text())


def downgrade() -> None:
    # The code before this revision sends a stored token to Slack as it is: sealed ones are
    # opened first, with the key from the environment, or the downgrade stops here.
    _open_sealed_tokens()
    for table, columns in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.String(length=200))


def _open_sealed_tokens() -> None:
    connection = op.get_bind()
    fernet = None
    for name, columns in TABLES.items():
        table = sa.table(name, sa.column("id", sa.Integer()), *(sa.column(c) for c in columns))
        for row in connection.execute(sa.select(table)).mappings():
            sealed = {
                c: row[c] for c in columns if row[c] and str(row[c]).startswith(SEALED_PREFIX)
            }
            if not sealed:
                continue
            fernet = fernet or _fernet()
            opened = {
                c: fernet.decrypt(v.removeprefix(SEALED_PREFIX).encode()).decode()
                for c, v in sealed.items()
            }
            connection.execute(sa.update(table).where(table.c.id == row["id"]).values(**opened))


def _fernet() -> MultiFernet:
    raw = os.environ.get("TOKEN_ENCRYPTION_KEY", "").strip()
    if not raw:
        raise RuntimeError(
            "stored Slack tokens are encrypted and the schema before this revision keeps "
            "them plain: set TOKEN_ENCRYPTION_KEY to their key to downgrade"
        )
    return MultiFernet([Fernet(key.strip()) for key in raw.split(",")])
