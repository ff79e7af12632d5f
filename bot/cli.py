"""`hiring-bot serve|socket|migrate|digest|export|sandbox`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from bot.config import (
    REQUIRED_FOR_HTTP,
    REQUIRED_FOR_SOCKET,
    REQUIRED_FOR_WEB_API,
    ConfigError,
    Settings,
    configure_logging,
    load_settings,
)

log = logging.getLogger("bot.cli")

# Connections (and requests in flight) one `serve` process accepts before answering 503.
SERVER_CONNECTION_LIMIT = 500


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hiring-bot",
        description="Slack bot that helps teams decide which kind of engineer to hire.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("serve", help="HTTP mode: Slack requests at POST /slack/events, GET /healthz")
    sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN); good for local use")
    sub.add_parser("migrate", help="upgrade the database to the newest schema")
    sub.add_parser("digest", help="post the digests that are due now (for cron) and exit")
    export = sub.add_parser(
        "export",
        help="write a workspace's decision log as CSV: every decision, private channels "
        "included (operator export)",
    )
    export.add_argument("--team", required=True, help="Slack team id, e.g. T0123ABC")
    export.add_argument("--enterprise", default="", help="Enterprise Grid id, if any")
    export.add_argument("--since", default=None, help="only decisions on or after YYYY-MM-DD")
    export.add_argument("--out", default="-", help="file to write (default: standard output)")
    sandbox = sub.add_parser("sandbox", help="try the real bot in a browser, no Slack needed")
    sandbox.add_argument("--host", default="127.0.0.1", help="interface for the web page")
    sandbox.add_argument("--port", type=int, default=3000, help="port for the web page")
    sandbox.add_argument(
        "--fresh",
        action="store_true",
        help="start empty: delete the database and the saved workspace first",
    )
    sandbox.add_argument(
        "--db",
        default="sandbox.db",
        help="SQLite file (default sandbox.db); the workspace is kept beside it "
        "(sandbox.workspace.json)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ConfigError as error:
        print(f"hiring-bot: configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "sandbox":
        from bot.sandbox import run_sandbox

        return run_sandbox(host=args.host, port=args.port, fresh=args.fresh, db_path=Path(args.db))
    requirements = {
        "serve": REQUIRED_FOR_HTTP,
        "socket": REQUIRED_FOR_SOCKET,
        "digest": REQUIRED_FOR_WEB_API,
    }.get(args.command, ())
    settings = load_settings(require=requirements)
    configure_logging(settings)
    _require_database(settings)
    if args.command == "migrate":
        return _migrate(settings)
    if args.command == "serve":
        return _serve(settings)
    if args.command == "socket":
        return _socket(settings)
    if args.command == "digest":
        return _digest(settings)
    if args.command == "export":
        return _export(settings, args)
    raise AssertionError(args.command)


def _require_database(settings: Settings) -> None:
    """Every command needs the database: an unreachable one is a configuration error,
    said in one line at start, not a traceback from the first query."""
    from bot.db.session import check_database, make_engine, redact_url

    engine = make_engine(settings.database_url)
    try:
        reachable, detail = check_database(engine)
    finally:
        engine.dispose()
    if not reachable:
        raise ConfigError(
            f"DATABASE_URL cannot be used ({redact_url(settings.database_url)}): {detail}"
        )


def _migrate(settings: Settings) -> int:
    from bot.db.session import redact_url

    _upgrade(settings)
    log.info("database %s is at the newest schema", redact_url(settings.database_url))
    return 0


def _upgrade(settings: Settings) -> None:
    """The newest schema, then every stored token sealed as TOKEN_ENCRYPTION_KEY says now:
    plain ones once a key is set, ones of an older key with the first (key rotation)."""
    from bot.db.migrate import upgrade_to_head
    from bot.db.session import make_engine
    from bot.installations import seal_stored_tokens
    from bot.token_cipher import TokenCipher

    upgrade_to_head(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        seal_stored_tokens(engine, TokenCipher(settings.token_keys))
    finally:
        engine.dispose()


def _ensure_schema(settings: Settings) -> None:
    """SQLite (one process) migrates itself; PostgreSQL replicas rely on `migrate`."""
    from bot.db.migrate import is_at_head

    if settings.database_url.startswith("sqlite"):
        _upgrade(settings)
    elif not is_at_head(settings.database_url):
        raise ConfigError(
            "DATABASE_URL points at a database that is not at the newest schema: "
            "run `hiring-bot migrate` once, then start the replicas"
        )


def _serve(settings: Settings) -> int:
    import uvicorn

    from bot.runtime import build_runtime
    from bot.server import build_asgi_app

    _ensure_schema(settings)
    runtime = build_runtime(settings)
    asgi_app = build_asgi_app(runtime)
    log.info(
        "listening on http://%s:%s (Slack requests at /slack/events)", settings.host, settings.port
    )
    # uvicorn handles SIGTERM/SIGINT: it stops accepting, finishes requests, runs the lifespan exit.
    uvicorn.run(
        asgi_app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
        # Idle keep-alive connections close after 5 s; past 500 open connections new ones
        # get 503 at once. Bodies that stall are cut off by the app (bot/edge.py, 10 s).
        timeout_keep_alive=5,
        limit_concurrency=SERVER_CONNECTION_LIMIT,
    )
    return 0


def _socket(settings: Settings) -> int:
    from bot.runtime import build_runtime
    from bot.scheduler import start_scheduler
    from bot.socket_mode import SocketModeConnection

    _ensure_schema(settings)
    runtime = build_runtime(settings)
    assert settings.app_token is not None  # required for this command
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    # Before connecting: a SIGTERM during start-up is a clean stop too.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    connection = SocketModeConnection(runtime.app, settings.app_token, runtime.client)
    try:
        connection.open()
    except ConfigError:
        runtime.close()
        raise
    scheduler = (
        start_scheduler(runtime.services, runtime.clients) if settings.scheduler_enabled else None
    )
    stopped.wait()
    log.info("shutting down: closing the Socket Mode connection")
    connection.close()  # no new requests from here on
    if scheduler is not None:
        scheduler.shutdown(wait=True)
    runtime.close()  # lets the work after acks already given finish
    log.info("stopped")
    return 0


def _digest(settings: Settings) -> int:
    from bot.runtime import build_runtime
    from bot.scheduler import run_jobs_once

    _ensure_schema(settings)
    runtime = build_runtime(settings)
    try:
        run_jobs_once(runtime.services, runtime.clients)
    finally:
        runtime.close()
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.jobs.export import export_cli

    return export_cli(
        settings, team_id=args.team, enterprise_id=args.enterprise, since=args.since, out=args.out
    )


if __name__ == "__main__":
    sys.exit(main())
