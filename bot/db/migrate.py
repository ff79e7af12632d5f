"""Run Alembic from Python: `hiring-bot migrate`, the sandbox, and the test fixtures.

The migration scripts live in the repository's top-level `migrations/` folder (next to
`alembic.ini`), not inside the package, so they are found relative to the repository:
this works from a checkout, an editable install and the Docker image (which copies
`migrations/` and `alembic.ini` next to `bot/`). `HIRING_BOT_MIGRATIONS` overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.db.session import make_engine

REPO_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = REPO_ROOT / "migrations"
MIGRATIONS_ENV = "HIRING_BOT_MIGRATIONS"


def migrations_dir() -> Path:
    """The Alembic script directory; a clear error naming where it looked when it is missing."""
    candidates = [Path(p) for p in [os.environ.get(MIGRATIONS_ENV)] if p]
    candidates += [MIGRATIONS, Path.cwd() / "migrations"]
    for candidate in candidates:
        if (candidate / "env.py").is_file():
            return candidate.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"Alembic migrations not found (looked in {tried}); run from the repository "
        f"or set {MIGRATIONS_ENV} to the migrations folder"
    )


def alembic_config(url: str) -> Config:
    """An Alembic config for `url` that needs no alembic.ini and no DATABASE_URL."""
    scripts = migrations_dir()
    ini = scripts.parent / "alembic.ini"
    config = Config(str(ini)) if ini.is_file() else Config()
    config.set_main_option("script_location", str(scripts))
    # env.py prefers this over DATABASE_URL; kept out of the ini so it is never logged.
    config.attributes["database_url"] = url
    return config


def upgrade_to_head(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def downgrade_to_base(url: str) -> None:
    command.downgrade(alembic_config(url), "base")


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def is_at_head(url: str) -> bool:
    return current_revision(url) == head_revision(url)
