"""Migrations upgrade and downgrade cleanly, and the migrated schema is exactly the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column, insert, inspect, select, table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.hire import OwedKind
from bot.db import migrate
from bot.db.base import Base
from bot.db.migrate import (
    REPO_ROOT,
    alembic_config,
    current_revision,
    downgrade_to_base,
    head_revision,
    is_at_head,
    upgrade_to_head,
)
from bot.db.models import OutboxMessage, Voice, VoiceRound
from bot.db.repositories import OutboxRepository, WorkspaceRepository
from bot.db.session import make_engine, make_session_factory
from tests.db.conftest import NOW

TABLES = {
    "workspaces",
    "hiring_conversations",
    "answers",
    "decisions",
    "decision_events",
    "notes",
    "digest_settings",
    "digest_runs",
    "digest_managers",
    "digest_settings_changes",
    "nudges",
    "processed_events",
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
}


# A conversation row with only the columns every revision has: the model has columns added
# later (`openings`), which an older revision's table does not.
_CONVERSATIONS = table(
    "hiring_conversations",
    *(
        column(name)
        for name in (
            "id",
            "workspace_id",
            "title",
            "started_by",
            "channel_id",
            "root_ts",
            "state",
            "current_step",
            "version",
            "created_at",
            "updated_at",
            "last_activity_at",
        )
    ),
)


def _conversation(session: Session, workspace: int, root_ts: str = "1.1") -> int:
    """The id of the conversation at `root_ts` in channel C1, stored if it is not yet."""
    found = session.scalar(
        select(_CONVERSATIONS.c.id).where(
            _CONVERSATIONS.c.workspace_id == workspace, _CONVERSATIONS.c.root_ts == root_ts
        )
    )
    if found is not None:
        return int(found)
    session.execute(
        insert(_CONVERSATIONS).values(
            workspace_id=workspace,
            title="t",
            started_by="U1",
            channel_id="C1",
            root_ts=root_ts,
            state="awaiting_decision",
            current_step=6,
            version=6,
            created_at=NOW,
            updated_at=NOW,
            last_activity_at=NOW,
        )
    )
    return _conversation(session, workspace, root_ts)


def _schema_diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    url = empty_database_url
    assert not is_at_head(url)
    upgrade_to_head(url)
    assert current_revision(url) == head_revision(url)
    assert _table_names(url) >= TABLES
    assert _schema_diff(url) == []

    downgrade_to_base(url)
    assert _table_names(url) <= {"alembic_version"}
    assert current_revision(url) is None

    upgrade_to_head(url)
    assert is_at_head(url)
    assert _schema_diff(url) == []


def test_every_revision_steps_down_and_up(empty_database_url: str) -> None:
    """Each revision's downgrade undoes exactly its upgrade (walk the chain one by one)."""
    from alembic import command

    url = empty_database_url
    config = alembic_config(url)
    revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
    upgrade_to_head(url)
    for revision in revisions:  # newest first
        assert current_revision(url) == revision
        command.downgrade(config, "-1")
    assert current_revision(url) is None
    for _ in revisions:
        command.upgrade(config, "+1")
    assert _schema_diff(url) == []


def test_constraint_names_follow_the_naming_convention(database_url: str) -> None:
    """Alembic can only alter what it can name: the database must use our names."""
    engine = make_engine(database_url)
    try:
        inspector = inspect(engine)
        for table in Base.metadata.sorted_tables:
            expected_uniques = {
                c.name for c in table.constraints if c.__class__.__name__ == "UniqueConstraint"
            }
            actual_uniques = {u["name"] for u in inspector.get_unique_constraints(table.name)}
            assert actual_uniques == expected_uniques, table.name
            expected_fks = {fk.name for fk in table.foreign_key_constraints}
            actual_fks = {fk["name"] for fk in inspector.get_foreign_keys(table.name)}
            assert actual_fks == expected_fks, table.name
            expected_indexes = {i.name for i in table.indexes}
            actual_indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            assert expected_indexes <= actual_indexes, table.name
            checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert all(name.startswith(f"ck_{table.name}_") for name in checks), checks
    finally:
        engine.dispose()


def test_the_outbox_takes_ask_the_team_kinds_only_from_their_revision(
    empty_database_url: str,
) -> None:
    """The outbox's `kind` CHECK is altered (SQLite: by batch mode's copy of the table) to
    take the round's line, the team's message and an invitee's question, and altered back on the way down,
    which gives up whatever of those kinds was still owed."""
    from alembic import command

    url = empty_database_url
    config = alembic_config(url)
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)

        def owe(kind: OwedKind, key: str) -> None:
            with factory.begin() as session:
                workspace = WorkspaceRepository.id_for(session, "T1", None, NOW)
                conv = _conversation(session, workspace)
                OutboxRepository.owe(
                    session, workspace, conv, kind, 1, now=NOW, lease_until=NOW, key=key
                )

        owe("round", "round:1:1")
        owe("team", "team:1:1")
        owe("voice", "voice:1:0")
        owe("step", "step:1:1")
        engine.dispose()
        command.downgrade(config, "7a5e3c19d4b8")
        with engine.connect() as connection:
            kinds = connection.execute(select(OutboxMessage.kind)).scalars().all()
        assert kinds == ["step"]
        with pytest.raises(IntegrityError):
            owe("voice", "voice:1:1")
        engine.dispose()
        command.upgrade(config, "head")
        owe("voice", "voice:1:1")
    finally:
        engine.dispose()


def test_migrators_in_several_processes_at_once_upgrade_once(empty_database_url: str) -> None:
    """Several replicas may run `hiring-bot migrate` together; the schema ends up at head.

    Separate processes, as replicas are (Alembic's `context` is process-global, so
    threads in one process would not be a faithful model).
    """
    code = "import sys; from bot.db.migrate import upgrade_to_head; upgrade_to_head(sys.argv[1])"
    migrators = [
        subprocess.Popen(
            [sys.executable, "-c", code, empty_database_url],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    for migrator in migrators:
        output, _ = migrator.communicate(timeout=120)
        assert migrator.returncode == 0, output.decode(errors="replace")
    assert is_at_head(empty_database_url)
    assert _schema_diff(empty_database_url) == []


def test_missing_migrations_folder_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(migrate, "MIGRATIONS", tmp_path / "nowhere")
    monkeypatch.setattr(migrate, "PACKAGED_MIGRATIONS", "bot._no_migrations_here")
    # A `migrations` folder in the working directory is some other project's, never ours.
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "env.py").write_text("raise SystemExit('not ours')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(migrate.MIGRATIONS_ENV, raising=False)
    with pytest.raises(FileNotFoundError, match=r"migrations not found.*reinstall hiring-bot"):
        upgrade_to_head(f"sqlite:///{tmp_path / 'bot.db'}")


def test_migrations_folder_can_be_given_explicitly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = migrate.MIGRATIONS
    monkeypatch.setattr(migrate, "MIGRATIONS", tmp_path / "nowhere")
    monkeypatch.setenv(migrate.MIGRATIONS_ENV, str(real))
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade_to_head(url)
    assert is_at_head(url)


def test_voice_versions_start_at_the_step_so_questions_owed_keep_their_keys(
    empty_database_url: str,
) -> None:
    """Before going back existed, each answer was the one move: an invitee's asks so far are
    numbered by their step, so `voice:{voice}:{step}` owed before the upgrade is the key of
    their current ask after it."""
    from alembic import command

    url = empty_database_url
    config = alembic_config(url)
    command.upgrade(config, "25056dd5b1d0")
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with factory.begin() as session:
            workspace = WorkspaceRepository.id_for(session, "T1", None, NOW)
            conv = _conversation(session, workspace)
            round_id = session.execute(
                insert(VoiceRound).values(
                    workspace_id=workspace,
                    conversation_id=conv,
                    state="open",
                    started_by="U1",
                    created_at=NOW,
                )
            ).inserted_primary_key[0]
            old_voices = table(
                "voices",
                *(
                    column(name)
                    for name in (
                        "workspace_id",
                        "round_id",
                        "conversation_id",
                        "user_id",
                        "status",
                        "step",
                        "invited_by",
                        "invited_at",
                    )
                ),
            )
            session.execute(
                insert(old_voices).values(
                    workspace_id=workspace,
                    round_id=round_id,
                    conversation_id=conv,
                    user_id="U2",
                    status="answering",
                    step=3,
                    invited_by="U1",
                    invited_at=NOW,
                )
            )
        engine.dispose()
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert connection.execute(select(Voice.step, Voice.version)).all() == [(3, 3)]
        engine.dispose()
        command.downgrade(config, "25056dd5b1d0")
        assert "version" not in {c["name"] for c in inspect(engine).get_columns("voices")}
    finally:
        engine.dispose()


# The revision that made the token columns text (the one before conversation openings).
TOKEN_COLUMNS_TEXT = "959d609f8eaa"


def test_token_columns_hold_sealed_tokens_and_the_way_down_opens_them(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sealed tokens outgrow slack_sdk's VARCHAR(200), so the columns are text; the revision
    below keeps tokens plain, so going down opens them with the key, or stops saying so."""
    from alembic import command
    from cryptography.fernet import Fernet
    from sqlalchemy import insert

    from bot.db.models import slack_bots
    from bot.token_cipher import TokenCipher

    url = empty_database_url
    config = alembic_config(url)
    upgrade_to_head(url)
    key = Fernet.generate_key().decode()
    token = "xoxe.xoxb-1-" + "T" * 180  # a rotating token's length; sealed it is ~350
    sealed = TokenCipher([key]).seal(token)
    assert sealed is not None and len(sealed) > 300
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(slack_bots).values(
                    client_id="1.2",
                    app_id="A1",
                    team_id="T1",
                    bot_token=sealed,
                    bot_id="B1",
                    bot_user_id="U1",
                    installed_at=NOW.replace(tzinfo=None),
                )
            )
        engine.dispose()
        command.downgrade(config, TOKEN_COLUMNS_TEXT)  # the revisions after it, first
        monkeypatch.delenv("TOKEN_ENCRYPTION_KEY", raising=False)
        with pytest.raises(RuntimeError, match="set TOKEN_ENCRYPTION_KEY"):
            command.downgrade(config, "9b2d4e6f8a13")
        assert current_revision(url) == TOKEN_COLUMNS_TEXT
        monkeypatch.setenv("TOKEN_ENCRYPTION_KEY", key)
        token = "xoxe.xoxb-1-" + "T" * 150  # plain, it fits the old columns
        with engine.begin() as connection:
            connection.execute(slack_bots.update().values(bot_token=TokenCipher([key]).seal(token)))
        engine.dispose()
        command.downgrade(config, "9b2d4e6f8a13")
        with engine.connect() as connection:
            assert connection.execute(select(slack_bots.c.bot_token)).scalar_one() == token
    finally:
        engine.dispose()


def test_conversations_so_far_had_one_opening_and_who_said_more_goes_on_the_way_down(
    empty_database_url: str,
) -> None:
    """Every conversation before this revision was for one opening (the older code never
    asked). The history takes who said how many from this revision on; the way down drops
    those rows and the count, which the older code does not know."""
    from alembic import command

    url = empty_database_url
    config = alembic_config(url)
    events = table(
        "decision_events",
        *(column(n) for n in ("workspace_id", "conversation_id", "kind", "actor", "created_at")),
    )
    command.upgrade(config, TOKEN_COLUMNS_TEXT)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with factory.begin() as session:
            workspace = WorkspaceRepository.id_for(session, "T1", None, NOW)
            conv = _conversation(session, workspace)
        said = {
            "workspace_id": workspace,
            "conversation_id": conv,
            "kind": "openings",
            "actor": "U1",
            "created_at": NOW,
        }
        with pytest.raises(IntegrityError), factory.begin() as session:
            session.execute(insert(events).values(**said))
        engine.dispose()
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert connection.execute(
                select(column("openings")).select_from(table("hiring_conversations"))
            ).scalars().all() == [1]
        with factory.begin() as session:
            session.execute(insert(events).values(**said))
        with pytest.raises(IntegrityError), factory.begin() as session:
            session.execute(
                table("hiring_conversations", column("openings")).update().values(openings=0)
            )
        engine.dispose()
        command.downgrade(config, TOKEN_COLUMNS_TEXT)
        columns = {c["name"] for c in inspect(engine).get_columns("hiring_conversations")}
        assert "openings" not in columns
        with engine.connect() as connection:
            kinds = connection.execute(select(column("kind")).select_from(events)).all()
        assert kinds == []
    finally:
        engine.dispose()
