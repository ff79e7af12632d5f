"""Socket Mode end to end: the real `hiring-bot socket` connected to the emulator's WebSocket.

The driver sends exactly what it signs for HTTP, as Socket Mode envelopes; the bot's acks come
back over the socket. The bot process has no HTTP server and no signing secret.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from bot.db.models import HiringConversation
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from bot.emulator.socket_mode import SocketConnection, SocketModeHub
from tests.e2e.harness import APP_TOKEN, BOT_TOKEN, SocketBotProcess
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, Thread, buttons, everything, start

# The bot replaces a connection Slack closed within its ping interval (5 s).
RECONNECT_TIMEOUT = 20.0
# One cut without a close frame, within its dead-connection limit (15 s). slack_sdk's client on
# its own needs five failed pings (25 s and more), so this deadline tells the two apart.
CUT_RECONNECT_TIMEOUT = 22.0


@pytest.fixture(scope="module")
def socket_bot(
    emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SocketBotProcess]:
    workdir = Path(tmp_path_factory.mktemp("socket-bot"))
    process = SocketBotProcess(
        database_url=f"sqlite:///{workdir / 'bot.db'}",
        api_url=emulator.api_url,
        workdir=workdir,
        socket_mode=emulator.socket_mode,
    )
    process.start()  # `socket` on SQLite migrates its own database
    yield process
    process.stop()


@pytest.fixture
def slack(socket_bot: SocketBotProcess, emulator: EmulatorServer) -> SlackDriver:
    """Slack for an app connected over Socket Mode: a clean workspace, the same requests."""
    if socket_bot.process is None or socket_bot.process.poll() is not None:
        socket_bot.start()
    emulator.state.reset()
    return emulator.attach_socket_mode()


@pytest.fixture
def database(socket_bot: SocketBotProcess) -> Iterator[Engine]:
    engine = make_engine(socket_bot.database_url)
    yield engine
    engine.dispose()


def current_connection(hub: SocketModeHub) -> SocketConnection:
    connections = hub.open_connections()
    assert len(connections) == 1, hub.snapshot()
    return connections[0]


def wait_for_new_connection(
    hub: SocketModeHub, old: SocketConnection, timeout: float = RECONNECT_TIMEOUT
) -> SocketConnection:
    """The bot's next connection, once the emulator has greeted it (no sleeping)."""
    return wait_for(
        lambda: next((c for c in hub.open_connections() if c is not old), None),
        timeout=timeout,
        message="the bot to open a new Socket Mode connection",
    )


def bot_messages(thread: Thread) -> list[dict[str, Any]]:
    return [m for m in thread.replies() if m.get("user") == "U0BOT"]


def wait_for_question(thread: Thread, number: int, database: Engine) -> dict[str, Any]:
    """Question `number` with its buttons, once the bot has recorded which message it is in.

    The bot stores a question's ts just after Slack has shown the message; a click that comes
    in between is recorded, but the bot rewrites the previous question's message instead of
    this one. Over Socket Mode the emulator's click can win that race, so the test waits.
    """
    question = wait_for(
        lambda: next(
            (
                m
                for m in bot_messages(thread)
                if f"Question {number} of 6" in everything(m) and buttons(m)
            ),
            None,
        ),
        message=f"question {number} with its buttons",
    )

    def recorded() -> bool:
        with database.connect() as connection:
            stored = connection.execute(select(HiringConversation.current_question_ts))
            return question["ts"] in stored.scalars().all()

    wait_for(recorded, message=f"the bot to record question {number}")
    return question


def test_only_an_app_level_token_opens_a_one_use_socket_url(emulator: EmulatorServer) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    def call(method: str, token: str) -> dict[str, Any]:
        response = httpx.post(
            emulator.api_url + method, headers={"Authorization": f"Bearer {token}"}
        )
        return dict(response.json())

    refused = {"ok": False, "error": "not_allowed_token_type"}
    assert call("apps.connections.open", BOT_TOKEN) == refused
    assert call("auth.test", APP_TOKEN) == refused
    opened = call("apps.connections.open", APP_TOKEN)
    assert opened["ok"] and opened["url"].startswith("ws://127.0.0.1:")

    before = len(emulator.socket_mode.connections)
    with connect(opened["url"]) as socket:
        hello = json.loads(socket.recv(timeout=10))
    assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == "A0HIRING"
    with pytest.raises(InvalidStatus):  # each URL opens one connection
        connect(opened["url"]).close()
    mine = emulator.socket_mode.connections[before]
    wait_for(lambda: not mine.is_open, message="the test's connection to close")


def test_a_hire_conversation_over_socket_mode_survives_reconnects(
    slack: SlackDriver, emulator: EmulatorServer, database: Engine
) -> None:
    hub = emulator.socket_mode
    first = current_connection(hub)

    # The slash command, as a `slash_commands` envelope; the root and question 1 follow.
    thread = start(slack)
    assert "Senior engineer, checkout team" in everything(thread.root)
    thread.click("U0MANAGER", STARTUP_ANSWERS[0], wait_for_question(thread, 1, database))

    # A typed reply in the thread reaches the bot as an `events_api` envelope.
    question_2 = wait_for_question(thread, 2, database)
    slack.message("U0MANAGER", CHANNEL, "ship and iterate", thread_ts=thread.root_ts)
    question_3 = wait_for_question(thread, 3, database)

    # Slack closes the connection: the bot opens a new one and the next click gets through.
    assert hub.drop("close") == 1
    second = wait_for_new_connection(hub, first)
    thread.click("U0MANAGER", STARTUP_ANSWERS[2], question_3)
    question_4 = wait_for_question(thread, 4, database)
    assert second.acks >= 1  # the click was acknowledged on the new connection

    # Slack asks for a refresh (`disconnect`): the bot moves to a new connection.
    assert hub.request_refresh() == 1
    third = wait_for_new_connection(hub, second)
    thread.click("U0MANAGER", STARTUP_ANSWERS[3], question_4)
    thread.click("U0MANAGER", STARTUP_ANSWERS[4], wait_for_question(thread, 5, database))
    thread.click("U0MANAGER", STARTUP_ANSWERS[5], wait_for_question(thread, 6, database))
    recommendation = wait_for(
        lambda: next((m for m in bot_messages(thread) if "Recommendation:" in everything(m)), None),
        message="the recommendation",
    )
    assert "Recommendation: Product engineer" in everything(recommendation)

    # A modal: opened by a click (its trigger_id came over the socket), submitted twice.
    thread.click("U0MANAGER", "Choose another outcome…", recommendation)
    modal = wait_for(lambda: slack.state.modals.get("U0MANAGER"), message="the modal opens")[0]
    empty = slack.submit_view(
        "U0MANAGER",
        modal["id"],
        {"outcome": {"value": "software_engineer"}, "reason": {"value": ""}},
    )
    # The ack's payload carries the validation errors, as an HTTP response body would.
    assert empty.json["response_action"] == "errors" and "reason" in empty.json["errors"]
    assert slack.state.modals.get("U0MANAGER"), "the modal stays open to be corrected"
    slack.submit_view(
        "U0MANAGER",
        modal["id"],
        {
            "outcome": {"value": "software_engineer"},
            "reason": {"value": "Our payments core needs depth"},
        },
    )
    assert not slack.state.modals.get("U0MANAGER")

    # What the channel sees: the root shows the decision, the thread the whole walk.
    wait_for(
        lambda: (
            "Decided" in everything(thread.root) and "Software engineer" in everything(thread.root)
        ),
        message="the root message shows the decision",
    )
    recorded = wait_for(
        lambda: next(
            (m for m in bot_messages(thread) if "Our payments core needs depth" in everything(m)),
            None,
        ),
        message="the decision and its reason in the thread",
    )
    # The decision's note is posted after that rewrite; waiting for it too keeps the next
    # test's clean workspace from wiping the thread under the post.
    wait_for(
        lambda: any("It's in the log as #" in everything(m) for m in bot_messages(thread)),
        message="the decision's note in the thread",
    )
    assert "Software engineer" in everything(recorded)
    wait_for(
        lambda: sum("answered by <@U0MANAGER>" in everything(m) for m in bot_messages(thread)) == 6,
        message="all six questions shown as answered",
    )
    typed = [m for m in thread.replies() if m.get("user") == "U0MANAGER"]
    assert [m["text"] for m in typed] == ["ship and iterate"]
    answered_2 = slack.state.find_message(CHANNEL, question_2["ts"])
    assert answered_2 is not None and not buttons(answered_2)
    assert "Critical — ship and iterate" in everything(answered_2)
    assert "answered by <@U0MANAGER>" in everything(answered_2)

    # Every envelope was acknowledged, on the connection it was sent on.
    for connection in (first, second, third):
        assert connection.envelopes == connection.acks > 0, hub.snapshot()
    assert first.closed_by == "dropped" and second.closed_by == "refresh"


def test_a_connection_cut_without_a_close_frame_is_replaced(
    slack: SlackDriver, emulator: EmulatorServer
) -> None:
    hub = emulator.socket_mode
    before = current_connection(hub)
    assert hub.drop("cut") == 1
    after = wait_for_new_connection(hub, before, CUT_RECONNECT_TIMEOUT)
    reply = slack.command("U0MANAGER", CHANNEL, "/hire", "help").created
    assert reply is not None and "/hire list" in everything(reply)
    assert after.acks == 1


def test_sigterm_closes_the_connection_and_exits_cleanly(
    slack: SlackDriver, emulator: EmulatorServer, socket_bot: SocketBotProcess
) -> None:
    connection = current_connection(emulator.socket_mode)
    assert socket_bot.stop() == 0  # a SIGTERM; `stop` kills (and fails this) after 15 s
    wait_for(lambda: not connection.is_open, message="the emulator to see the connection close")
    assert connection.closed_by == "app"
    logs = socket_bot.logs()
    shutting_down = logs.index("shutting down: closing the Socket Mode connection")
    assert logs.index("Scheduler has been shut down", shutting_down) < logs.index(
        "bot.cli: stopped", shutting_down
    )
    assert "Traceback" not in logs


def test_a_refused_app_token_stops_with_one_line(emulator: EmulatorServer, tmp_path: Path) -> None:
    emulator.state.inject_fault("apps.connections.open", "error", error="invalid_auth")
    process = SocketBotProcess(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        api_url=emulator.api_url,
        workdir=tmp_path,
        socket_mode=emulator.socket_mode,
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "socket"],
        env={**process.env(), "LOG_LEVEL": "WARNING"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "hiring-bot: configuration error: SLACK_APP_TOKEN was refused by Slack (invalid_auth): "
        "it must be an app-level token with the connections:write scope"
    )
    assert "Traceback" not in result.stderr
