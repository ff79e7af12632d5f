"""`hiring-bot sandbox`: the real bot, a local Slack emulator and a small Slack client page.

One process: the emulator (Web API + control API + the page) on the port people open,
and the real app (same listeners, database code and scheduler as `serve`) on a private
loopback port. Every click on the page goes through the emulator's driver, which signs
it like Slack and POSTs it to the app's /slack/events.

The workspace (channels, messages, DMs, files, views) is saved beside the database, so a
restart shows what was there; the bot's links point at this page, which opens them. When it
was not saved (a lost or unreadable file, a crash before the last save), the database still
holds conversations whose threads are gone: at start they are marked as the bot marks a
thread found deleted in Slack, so Home, `/hire list` and `/hire show` say "thread deleted"
and offer to restart them, instead of linking to nothing.
"""

from __future__ import annotations

import secrets
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.config import configure_logging, load_settings
from bot.core.clock import OffsetClock
from bot.db.migrate import upgrade_to_head
from bot.emulator import EmulatorServer, EmulatorState, ThreadedServer
from bot.emulator.persistence import WorkspaceStore, remove_workspace, workspace_path
from bot.emulator.state import is_tombstone

if TYPE_CHECKING:
    from bot.services import Services

STATIC = Path(__file__).parent / "static"


def page_routes() -> list[BaseRoute]:
    """The page, its static files, and the permalinks it opens."""

    async def index(request: object) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    return [
        Route("/", index),
        # Permalinks (…/archives/<channel>/p<ts digits>[?thread_ts=…]) open in the page.
        Route("/archives/{channel}/{message}", index),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def orphan_lost_threads(services: Services, state: EmulatorState) -> int:
    """Mark orphaned every open conversation whose thread the workspace no longer has, as
    Slack would answer the bot about it (its root message or its channel not found); how
    many. Read from the emulator itself: no Web API call, once at start."""
    from bot.content.criteria import load_criteria
    from bot.core.hire import Acted
    from bot.hiring.conversations import Conversations

    conversations = Conversations(services.session_factory, load_criteria())
    now = services.clock.now()
    marked, after = 0, 0
    while batch := conversations.open_threads(after):
        for view in batch:
            after = view.id
            assert view.root_ts is not None
            channel = state.channels.get(view.channel_id)
            root = state.find_message(view.channel_id, view.root_ts)
            if root is not None and not is_tombstone(root):
                continue
            # A DM is opened again on demand; any other channel that is missing is gone.
            gone = (
                "channel" if channel is None and not view.channel_id.startswith("D") else "thread"
            )
            if isinstance(conversations.orphan(view, gone, "", now), Acted):
                marked += 1
    return marked


def run_sandbox(host: str, port: int, fresh: bool, db_path: Path) -> int:
    db_path = db_path.resolve()
    workspace_file = workspace_path(db_path)
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        remove_workspace(workspace_file)
    clock = OffsetClock()
    # The app as manifest.yml configures it (its commands, scopes, events, Messages tab), as a
    # workspace that installed it from that manifest has it.
    state = EmulatorState(clock, links_to_emulator=True)
    store = WorkspaceStore(state, workspace_file)
    problem = store.restore()
    if problem:
        print(f"Warning: {problem}", flush=True)
    store.start()
    emulator = EmulatorServer(host=host, port=port, state=state, extra_routes=page_routes())
    emulator.start()
    signing_secret = secrets.token_hex(16)
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-sandbox-" + secrets.token_hex(8),
            "SLACK_SIGNING_SECRET": signing_secret,
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": f"sqlite:///{db_path}",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "SCHEDULER_TICK_SECONDS": "5",
        },
        dotenv_path=None,
    )
    configure_logging(settings)
    upgrade_to_head(settings.database_url)

    from bot.runtime import build_runtime
    from bot.server import build_asgi_app

    runtime = build_runtime(settings, clock=clock)
    lost = orphan_lost_threads(runtime.services, state)
    if lost:
        print(
            f"{lost} conversation(s) had no thread in the saved workspace: they show as "
            "'thread deleted', with a restart offered (Home tab, /hire show, /hire restart).",
            flush=True,
        )
    bot_server = ThreadedServer(build_asgi_app(runtime), "127.0.0.1", 0)
    bot_server.start()
    emulator.attach(f"http://127.0.0.1:{bot_server.port}", signing_secret)

    print(f"Sandbox ready: {emulator.url}/", flush=True)
    print(f"Database: {db_path}", flush=True)
    print(f"Workspace: {workspace_file}  ·  Press Ctrl-C to stop.", flush=True)

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stop.wait()
    print("Stopping the sandbox…", flush=True)
    bot_server.stop()
    emulator.stop()
    store.close()  # after both: the bot's last replies are in the saved workspace
    return 0
