"""The sandbox in a real browser: `hiring-bot sandbox` in a subprocess, Chromium via Playwright.

Each test leaves a screenshot in test-artifacts/screenshots/<test name>.png; the README's
docs/sandbox.png is the one of test_export_arrives_as_a_file_in_the_dm (copy it over).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bot.emulator import wait_for
from tests.e2e.harness import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing; .ci/run installs Debian's chromium package")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


@dataclass
class SandboxProcess:
    """`hiring-bot sandbox` on a fixed port and folder, so it can be stopped and started
    again on the same database and workspace file, as a person restarting it would."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / "sandbox.log"

    def start(self, *, fresh: bool = False) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
        command = [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--fresh"] if fresh else command,
                cwd=self.workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._ready, timeout=60, message="the sandbox to start")

    def _ready(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(self.log.read_text())
        try:
            return httpx.get(f"{self.url}/_emulator/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        """Ctrl-C's path (SIGTERM is handled the same): the sandbox saves and exits 0."""
        if self.process is None:
            return
        self.process.terminate()
        code = self.process.wait(timeout=30)
        self.process = None
        assert code == 0, self.log.read_text()

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = SandboxProcess(tmp_path_factory.mktemp("sandbox"))
    process.start(fresh=True)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def sandbox_url(sandbox: SandboxProcess) -> str:
    return sandbox.url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, sandbox_url: str, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    httpx.post(f"{sandbox_url}/_emulator/reset")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(sandbox_url)
    page.wait_for_selector('[data-testid="composer-input"]')
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
    context.close()
