"""`hiring-bot export`: a workspace's decision log as CSV, from the command line.

It is the operator's: every decision, private channels and DMs included, unlike
`/hire export` in Slack, which leaves out what the person asking can't see. It says so."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.core.visibility import Audience
from bot.db.repositories import WorkspaceRepository
from bot.db.session import make_engine, make_session_factory
from bot.hiring.export import decisions_csv


def export_cli(
    settings: Settings, team_id: str, enterprise_id: str, since: str | None, out: str
) -> int:
    since_at = None
    if since:
        try:
            since_at = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise ConfigError("--since is malformed: expected a date as YYYY-MM-DD") from None
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        with sessions() as session:
            workspace = WorkspaceRepository.get(session, team_id, enterprise_id)
        if workspace is None:
            print(f"hiring-bot: no workspace {team_id} in this database", file=sys.stderr)
            return 1
        print(
            "hiring-bot: exporting every conversation, private channels included (operator export)",
            file=sys.stderr,
        )
        content, count = decisions_csv(
            sessions, workspace.id, since_at, audience=Audience.operator()
        )
    finally:
        engine.dispose()
    if out == "-":
        sys.stdout.write(content)
    else:
        Path(out).write_text(content, encoding="utf-8")
        print(f"wrote {count} decisions to {out}", file=sys.stderr)
    return 0
