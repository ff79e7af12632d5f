"""Runs the real `hiring-bot serve` as a subprocess against the in-process Slack emulator.

By default the bot is this checkout's code in the test interpreter; the install tests give the
`hiring-bot` program of another environment instead (the Dockerfile's install, a wheel).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import update

from bot.db.models import Checkin, DigestRun, OutboxMessage
from bot.db.session import make_engine
from bot.emulator import EmulatorServer
from bot.emulator.socket_mode import SocketModeHub

REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-e2e-0000000000-testtokenvalue"
APP_TOKEN = "xapp-1-A0HIRING-0000000000-testapptokenvalue"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BotProcess:
    """One `hiring-bot serve` process; restartable to prove state lives in the database."""

    database_url: str
    api_url: str
    workdir: Path
    # How to run `hiring-bot`; the subcommand is appended.
    command: list[str] = field(default_factory=lambda: [sys.executable, "-m", "bot.cli"])
    extra_env: Mapping[str, str] = field(default_factory=dict)
    signing_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    subcommand: str = "serve"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        # No PYTHONPATH/PYTHONHOME: the bot must import the code of the environment under test,
        # never whatever the caller had on its path.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DATABASE_", "NUDGE_", "DIGEST_", "SCHEDULER_"))
            and k not in {"PYTHONPATH", "PYTHONHOME"}
        }
        env.update(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": self.signing_secret,
                "SLACK_API_URL": self.api_url,
                "DATABASE_URL": self.database_url,
                "HOST": "127.0.0.1",
                "PORT": str(self.port),
                "LOG_LEVEL": "DEBUG",
                "SCHEDULER_TICK_SECONDS": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def migrate(self) -> str:
        """Run `hiring-bot migrate`; its log, or an error that carries it."""
        result = subprocess.run(
            [*self.command, "migrate"],
            env=self.env(),
            cwd=self.workdir,
            check=False,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"hiring-bot migrate exited {result.returncode}:\n{result.stdout}")
        return result.stdout

    def start(self) -> None:
        self.log_path = self.workdir / f"bot-{self.port}.log"
        log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*self.command, self.subcommand],
            env=self.env(),
            cwd=self.workdir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hiring-bot {self.subcommand} exited early:\n{self.logs()}")
            if self.ready():
                return
            time.sleep(0.05)
        raise RuntimeError(f"hiring-bot {self.subcommand} did not become ready:\n{self.logs()}")

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        self.process = None
        return code

    def restart(self) -> None:
        self.stop()
        self.start()

    def logs(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")


@dataclass
class SocketBotProcess(BotProcess):
    """`hiring-bot socket`: no HTTP server and no signing secret; ready once it has opened a
    Socket Mode connection to the emulator."""

    socket_mode: SocketModeHub | None = None
    subcommand: str = "socket"
    _connections_before: int = field(default=0, init=False)

    def env(self) -> dict[str, str]:
        env = super().env()
        env.pop("SLACK_SIGNING_SECRET")
        env["SLACK_APP_TOKEN"] = APP_TOKEN
        return env

    def start(self) -> None:
        assert self.socket_mode is not None
        self._connections_before = len(self.socket_mode.connections)
        super().start()

    def ready(self) -> bool:
        assert self.socket_mode is not None
        with self.socket_mode.lock:
            mine = self.socket_mode.connections[self._connections_before :]
            return any(c.takes_envelopes for c in mine)


def lapse_leases(
    bot: BotProcess, table: type[DigestRun | OutboxMessage | Checkin], held: str
) -> None:
    """As if the lease of every row of `table` in status `held` had run out: the minutes a
    crashed holder's lease lasts, or the wait before a next try, without waiting them."""
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(table)
                .where(table.status == held)
                .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
            )
    finally:
        engine.dispose()


# Where a post lands before the server is killed, Slack's clock runs behind ours by this much
# in the kill tests: the message's ts is earlier than the moment we owed it, and the takeover
# must find it all the same.
SLACK_BEHIND_SECONDS = 5


def slack_runs_behind(emulator: EmulatorServer) -> None:
    emulator.state.set_clock_skew(-SLACK_BEHIND_SECONDS)
