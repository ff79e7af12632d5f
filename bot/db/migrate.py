"""Run Alembic from Python: `hiring-bot migrate`, `serve`/`sandbox` on SQLite, the test fixtures.

The migration scripts are written in the repository's top-level `migrations/` folder and
installed inside the package as `bot._migrations` (setup.py maps the folder there), so an
installed wheel migrates from any directory; an editable install maps `bot._migrations` to the
checkout's folder. `HIRING_BOT_MIGRATIONS` overrides both. No alembic.ini is read: a checkout
and an installed wheel run the migrations the same way.
"""

from __future__ import annotations

import logging
import os
from importlib import resources
from pathlib import Path

# Alembic (>= 1.18) logs "setup plugin …" at INFO for each of its built-in plugins as soon as
# it is imported, which here is after logging is configured: seven lines at every start.
# This must run before the first alembic import; "Running upgrade …" lines still show.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402

from bot.db.session import make_engine  # noqa: E402

# Installed (wheel or editable): the package carries them.
PACKAGED_MIGRATIONS = "bot._migrations"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Where they are written: for `bot` imported straight from a checkout, not installed.
MIGRATIONS = REPO_ROOT / "migrations"
MIGRATIONS_ENV = "HIRING_BOT_MIGRATIONS"


def _packaged_migrations() -> Path | None:
    try:
        folder = resources.files(PACKAGED_MIGRATIONS)
    except ModuleNotFoundError:
        return None
    # Alembic needs a real folder; pip and uv always install wheels unzipped.
    return folder if isinstance(folder, Path) else None


def migrations_dir() -> Path:
    """The Alembic script directory; a clear error naming where it looked when it is missing."""
    explicit = os.environ.get(MIGRATIONS_ENV)
    candidates: dict[str, Path | None] = (
        {explicit: Path(explicit)}
        if explicit
        else {PACKAGED_MIGRATIONS: _packaged_migrations(), str(MIGRATIONS): MIGRATIONS}
    )
    for candidate in candidates.values():
        if candidate is not None and (candidate / "env.py").is_file():
            return candidate.resolve()
    raise FileNotFoundError(
        f"Alembic migrations not found (looked in {', '.join(candidates)}); the installation "
        f"is incomplete: reinstall hiring-bot, or set {MIGRATIONS_ENV} to a migrations folder"
    )


def alembic_config(url: str) -> Config:
    """An Alembic config for `url` that needs no alembic.ini and no DATABASE_URL."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # env.py prefers this over DATABASE_URL; kept out of the config options so it is never logged.
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
