"""`hiring-bot socket`: the Bolt app connected to Slack over Socket Mode.

It uses slack_sdk's built-in WebSocket client, the one Socket Mode client that needs nothing
beyond slack_sdk (the others need websocket-client, websockets or aiohttp, which the
production install does not have). That client reconnects by itself when Slack closes the
connection or asks for a new one (`disconnect`); `DeadConnectionWatchdog` covers the case it
is slow at.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient

from bot.config import ConfigError

log = logging.getLogger(__name__)

# The client pings Slack this often and, as often, replaces a connection it knows is closed.
PING_SECONDS = 5.0
# A connection that has answered no ping for this long is replaced (see the watchdog).
DEAD_AFTER_SECONDS = 3 * PING_SECONDS


class DeadConnectionWatchdog:
    """Replaces a connection that has stopped answering pings.

    When the TCP connection ends without a WebSocket close frame (a proxy or load balancer
    going away), the built-in client keeps reading an empty socket in a loop and only gives
    up after five failed pings in a row: close to half a minute at our ping interval, a
    minute at Bolt's default, deaf all along. Here a connection whose last answered ping is
    older than `dead_after` is replaced the way a `disconnect` message from Slack would be.
    """

    def __init__(
        self, client: SocketModeClient, dead_after: float = DEAD_AFTER_SECONDS, every: float = 1.0
    ) -> None:
        self.client = client
        self.dead_after = dead_after
        self.every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="socket-mode-watchdog", daemon=True)
        # Per connection: when the watchdog started judging it (first seen, or last replaced).
        self._since: dict[str, float] = {}

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.wait(self.every):
            try:
                self.check()
            except Exception:  # keep watching; the next check may succeed
                log.exception("Socket Mode watchdog check failed")

    def check(self) -> None:
        session = self.client.current_session
        if session is None or self.client.closed:
            return
        now = time.time()
        since = self._since.setdefault(session.session_id, now)
        last_answer = max(session.last_ping_pong_time or 0.0, since)
        if now - last_answer <= self.dead_after:
            return
        log.warning(
            "the Socket Mode connection has answered no ping for %d s; opening a new one",
            now - last_answer,
        )
        # Whatever happens next, give it `dead_after` before judging again: apps.connections.open
        # is rate limited, and while Slack is unreachable the client's own retries carry on.
        self._since = {session.session_id: now}
        try:
            self.client.connect_to_new_endpoint(force=True)
        except Exception as error:
            log.warning("could not open a new Socket Mode connection yet: %s", error)


class SocketModeConnection:
    """The app's Socket Mode connection, from the first connect to a clean close."""

    def __init__(self, app: App, app_token: str, web_client: WebClient) -> None:
        self.handler = SocketModeHandler(
            app, app_token, web_client=web_client, ping_interval=PING_SECONDS
        )
        self.watchdog = DeadConnectionWatchdog(self.handler.client)

    def open(self) -> None:
        """Connect, or fail with one line if Slack refuses the app-level token."""
        try:
            self.handler.connect()
        except SlackApiError as error:
            self.handler.close()
            raise ConfigError(
                f"SLACK_APP_TOKEN was refused by Slack ({error.response.get('error')}): "
                "it must be an app-level token with the connections:write scope"
            ) from None
        except OSError as error:
            self.handler.close()
            raise ConfigError(f"SLACK_API_URL could not be reached: {error}") from None
        self.watchdog.start()
        if self.handler.client.is_connected():
            log.info("connected to Slack in Socket Mode")
        else:  # the URL was issued but the WebSocket did not open; the client keeps trying
            log.warning("Socket Mode did not connect yet; retrying in the background")

    def close(self) -> None:
        self.watchdog.stop()
        self.handler.close()
