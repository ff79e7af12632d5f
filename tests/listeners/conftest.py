"""In-process listener tests: the real Bolt app, built by the production factory, gets
requests signed like Slack's, dispatched straight to `App.dispatch` (no server, no
subprocess); its Web API calls go to the emulator. Fast, so most behaviour is tested here
and the end-to-end layer keeps what needs the real server.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from starlette.datastructures import Headers

from bot.config import load_settings
from bot.core.clock import OffsetClock
from bot.edge import VerifiedBody, admit, verified_bolt_request
from bot.emulator import EmulatorServer, SlackDriver, sign_request
from bot.emulator.driver import DriverResult
from bot.runtime import Runtime, build_runtime
from tests.conftest import make_migrated_database_url


class BoltTransport:
    """Delivers the driver's requests to the Bolt app in this process, signed like Slack's,
    and returns the app's ack as the driver's result."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def send(
        self, body: str, content_type: str, headers: Mapping[str, str] | None = None
    ) -> DriverResult:
        secret = self.runtime.settings.signing_secret
        assert secret is not None
        signed = {"Content-Type": content_type, **sign_request(body, secret), **(headers or {})}
        # The server's own gate, so these tests see what production's edge lets through.
        verified = admit(secret, Headers(signed), body.encode("utf-8"), time.time())
        if not isinstance(verified, VerifiedBody):
            return DriverResult(verified.status, verified.reason)
        response = self.runtime.app.dispatch(verified_bolt_request(verified, None, signed))
        return DriverResult(response.status, response.body)


def drain(app: Runtime) -> None:
    """Wait until every piece of after-ack work submitted so far (and any work it queued in
    turn) has finished: the executor forgets a lane once its last task is done."""
    pool = app.services.background
    deadline = time.monotonic() + 30
    while pool._lanes:
        assert time.monotonic() < deadline, "after-ack work still running after 30 s"
        time.sleep(0.002)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def extra_settings() -> dict[str, str]:
    """Settings a test module gives the app besides the usual ones (override it there)."""
    return {}


@pytest.fixture
def clock() -> OffsetClock:
    """The app's clock: real time, which a test may move on (Slack's, the emulator's, stays)."""
    return OffsetClock()


@pytest.fixture(params=["sqlite", "postgres"])
def app(
    request: pytest.FixtureRequest,
    emulator: EmulatorServer,
    tmp_path: Path,
    extra_settings: dict[str, str],
    clock: OffsetClock,
) -> Iterator[Runtime]:
    url = make_migrated_database_url(request.param, request, tmp_path)
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-inprocess-" + secrets.token_hex(4),
            "SLACK_SIGNING_SECRET": secrets.token_hex(16),
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": url,
            "SCHEDULER_ENABLED": "false",
            **extra_settings,
        },
        dotenv_path=None,
    )
    runtime = build_runtime(settings, clock=clock)
    emulator.state.reset()
    yield runtime
    runtime.close()


@pytest.fixture
def slack(app: Runtime, emulator: EmulatorServer) -> Iterator[SlackDriver]:
    """Slack as the app sees it, acting through the in-process transport."""
    driver = SlackDriver(
        emulator.state, "http://in-process", "", emulator.url, transport=BoltTransport(app)
    )
    yield driver
    driver.close()


@pytest.fixture(autouse=True)
def only_granted_scopes(emulator: EmulatorServer) -> Iterator[None]:
    """Every Web API call the bot makes is one manifest.yml's scopes allow: a workspace that
    installed the app from it refuses any other (missing_scope), whatever the test checks."""
    yield
    refused = emulator.state.scope_refusals()
    assert not refused, f"the manifest does not grant what the bot asked for: {refused}"
