"""The installs people run in production, proven the way Slack would use them.

Each environment variable names the `hiring-bot` program of an install built outside the
checkout by `.ci/installs` (`.ci/run` builds both):

- HIRING_BOT_DOCKERFILE_INSTALL: the Dockerfile's copy and `uv sync --frozen --no-dev`;
- HIRING_BOT_WHEEL_INSTALL: a wheel `pip install`ed with the newest dependencies it admits.

The emulator and these checks run here, in the dev environment; only the bot under test runs
from the install, from a directory outside the checkout. Without the variable a test skips,
except under CI, where a skip would be a missing proof.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from bot.emulator import EmulatorServer, wait_for
from tests.e2e.harness import REPO_ROOT, BotProcess, free_port

pytestmark = pytest.mark.install

INSTALLS = {
    "dockerfile": "HIRING_BOT_DOCKERFILE_INSTALL",
    "wheel": "HIRING_BOT_WHEEL_INSTALL",
}
CHANNEL = "C0HIRING"
TITLE = "Staff engineer, payments"


@pytest.fixture(scope="module", params=sorted(INSTALLS))
def hiring_bot(request: pytest.FixtureRequest) -> Path:
    """The `hiring-bot` program of the install under test."""
    variable = INSTALLS[request.param]
    program = os.environ.get(variable)
    if not program:
        reason = f"{variable} is not set (build it: .ci/installs {request.param} DIR)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{reason}, and CI must prove every install", pytrace=False)
        pytest.skip(reason)
    path = Path(program)
    assert os.access(path, os.X_OK), f"{variable}={program} is not a program"
    assert not path.resolve().is_relative_to(REPO_ROOT), "the install must live outside"
    return path


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    # Where `hiring-bot` runs: nothing of the checkout is there or above it.
    assert not tmp_path.resolve().is_relative_to(REPO_ROOT), "run pytest with a --basetemp outside"
    return tmp_path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, workdir: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{workdir / 'hiring_bot.db'}"
    server = request.getfixturevalue("postgres_server")
    url: str = server.create_database("install")
    request.addfinalizer(lambda: server.drop_database(url))
    return url


def _everything(message: dict[str, Any]) -> str:
    return message["text"] + json.dumps(message.get("blocks", []), ensure_ascii=False)


def test_the_install_runs_its_own_code_and_migrations(hiring_bot: Path, workdir: Path) -> None:
    """Not the checkout's: a wheel carries its migrations inside the package."""
    probe = "import bot, bot.db.migrate as m; print(bot.__file__); print(m.migrations_dir())"
    result = subprocess.run(
        [str(hiring_bot.parent / "python"), "-c", probe],
        env={k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}},
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    package, migrations = (Path(line) for line in result.stdout.splitlines())
    for path in (package, migrations):
        assert not path.is_relative_to(REPO_ROOT), path
    assert (migrations / "env.py").is_file()
    shipped = sorted(p.name for p in (migrations / "versions").glob("*.py"))
    written = sorted(p.name for p in (REPO_ROOT / "migrations" / "versions").glob("*.py"))
    assert shipped == written


def test_migrate_serve_role_and_hire(
    hiring_bot: Path, emulator: EmulatorServer, workdir: Path, database_url: str
) -> None:
    emulator.state.reset()
    bot = BotProcess(
        database_url=database_url,
        api_url=emulator.api_url,
        workdir=workdir,
        command=[str(hiring_bot)],
        # The production default: the log people read, where Alembic used to flood.
        extra_env={"LOG_LEVEL": "INFO"},
    )
    migrate_log = bot.migrate()
    assert "Running upgrade" in migrate_log
    assert "is at the newest schema" in migrate_log
    assert "setup plugin" not in migrate_log

    bot.start()
    try:
        health = httpx.get(f"{bot.url}/healthz", timeout=5)
        assert health.status_code == 200
        assert health.json()["database"]["ok"] is True
        assert health.json()["database"]["dialect"] == make_url(database_url).get_backend_name()

        slack = emulator.attach(bot.url, bot.signing_secret)
        role = slack.command("U0MANAGER", CHANNEL, "/role")
        assert role.status == 200 and role.created is not None
        assert role.created["ephemeral_for"] == "U0MANAGER"
        for name in ("Product engineer", "Software engineer", "Growth engineer"):
            assert name in _everything(role.created)

        hire = slack.command("U0MANAGER", CHANNEL, "/hire", TITLE)
        assert hire.status == 200
        roots = wait_for(
            lambda: [
                m
                for m in emulator.state.messages_in(CHANNEL, include_ephemeral=False)
                if m["text"].startswith("Hiring decision #")
            ],
            message="the /hire root message",
        )
        root = roots[0]
        assert TITLE in _everything(root)
        assert "<@U0MANAGER>" in _everything(root)
        replies = wait_for(
            lambda: emulator.state.thread(CHANNEL, root["ts"])[1:], message="the first question"
        )
        assert "Question 1 of 6" in _everything(replies[0])
    finally:
        code = bot.stop()
    logs = bot.logs()
    # uvicorn shuts down cleanly on SIGTERM, then ends by that same signal (as Docker expects).
    assert code in (0, -signal.SIGTERM), logs
    assert "hiring bot stopped" in logs
    assert "setup plugin" not in logs
    assert "Traceback" not in logs


def test_the_sandbox_runs_from_the_install(hiring_bot: Path, workdir: Path) -> None:
    """The embedded default works from every install, not only from the dev environment: its
    page loads, and a command typed on it reaches the real app and gets the bot's answer."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_")) and k not in {"PYTHONPATH", "PYTHONHOME"}
    }
    log_path = workdir / "sandbox.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [str(hiring_bot), "sandbox", "--port", str(port), "--db", "sandbox.db"],
            env=env,
            cwd=workdir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:

        def page() -> httpx.Response | None:
            assert process.poll() is None, f"the sandbox exited:\n{log_path.read_text()}"
            try:
                health = httpx.get(f"{url}/_emulator/health", timeout=2)
            except httpx.HTTPError:
                return None
            return httpx.get(f"{url}/", timeout=5) if health.status_code == 200 else None

        index = wait_for(page, timeout=60, interval=0.1, message="the sandbox's page")
        assert index.status_code == 200
        assert "<html" in index.text.lower()
        assert httpx.get(f"{url}/static/app.js", timeout=5).status_code == 200

        typed = httpx.post(
            f"{url}/_emulator/actions/command",
            json={"user": "U0MANAGER", "channel": "C0HIRING", "command": "/role", "text": ""},
            timeout=30,
        )
        assert typed.status_code == 200 and typed.json()["ok"] is True, typed.text
        state = httpx.get(f"{url}/_emulator/state", timeout=5).json()
        answers = [
            m
            for m in state["messages"]
            if m.get("ephemeral_for") == "U0MANAGER" and "Product engineer" in _everything(m)
        ]
        assert answers, "the bot's /role card never reached the page"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
    logs = log_path.read_text(errors="replace")
    assert code == 0, logs
    assert "Sandbox ready" in logs and "Traceback" not in logs
    assert (workdir / "sandbox.workspace.json").is_file()
