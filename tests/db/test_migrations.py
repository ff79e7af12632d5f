"""Migrations upgrade and downgrade cleanly, and the migrated schema is exactly the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.db.base import Base
from bot.db.migrate import current_revision, downgrade_to_base, head_revision, upgrade_to_head
from bot.db.session import make_engine


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade_to_head(url)
    assert current_revision(url) == head_revision(url)
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {
            "workspaces",
            "hiring_conversations",
            "answers",
            "decisions",
            "decision_events",
            "notes",
            "digest_settings",
            "digest_runs",
            "nudges",
            "processed_events",
            "slack_installations",
            "slack_bots",
            "slack_oauth_states",
        } <= tables
        with engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
    finally:
        engine.dispose()
    downgrade_to_base(url)
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    upgrade_to_head(url)
    assert current_revision(url) == head_revision(url)
