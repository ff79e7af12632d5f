"""Socket Mode as Slack runs it, on loopback.

The app calls `apps.connections.open` with its app-level token and gets a one-use
`ws://127.0.0.1:<port>/link/?ticket=…` URL. On each connection the emulator first sends
`hello`, then every user action as an envelope (`slash_commands`, `interactive`,
`events_api`) with an `envelope_id`, and waits for the app's ack
`{"envelope_id": …, "payload": …}`. The driver builds the very same payloads it signs for
HTTP; `SocketModeHub.send` only changes how they travel.

Connections can be dropped (closed, or cut without a close frame) and refreshed with
Slack's `disconnect` message, so tests can prove the app reconnects.

The WebSocket server needs `websockets` (the dev extra). It is imported when the first URL
is handed out, so a production install, which never serves Socket Mode, does not need it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.emulator.driver import DriverResult
from bot.emulator.state import APP_ID

HOST_NAME = "emulator-socket-mode"  # what `debug_info.host` says, like Slack's wss host names
DropHow = Literal["close", "cut"]


class AppDidNotAnswer(Exception):
    """No ack came back over Socket Mode: in Slack the person would see an error."""


@dataclass
class SocketConnection:
    """One WebSocket connection from the app, as the emulator records it."""

    id: str
    opened_at: float
    closed_at: float | None = None
    closed_by: str = ""  # "app", "dropped", "refresh", "emulator stopped"
    envelopes: int = 0
    acks: int = 0
    socket: Any = field(default=None, repr=False)  # websockets' ServerConnection

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def takes_envelopes(self) -> bool:
        """Open, greeted, and not being dropped (a refreshed one still works until it closes)."""
        return self.is_open and self.socket is not None and self.closed_by in {"", "refresh"}


@dataclass
class _Pending:
    connection: SocketConnection
    ack: concurrent.futures.Future[dict[str, Any]]


def envelope_for(
    body: str, content_type: str, headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The envelope Slack sends over Socket Mode for what it would POST over HTTP."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    envelope: dict[str, Any] = {"envelope_id": str(uuid.uuid4())}
    if "json" in content_type:
        envelope["type"] = "events_api"
        envelope["payload"] = json.loads(body)
        envelope["accepts_response_payload"] = False
        envelope["retry_attempt"] = int(headers.get("x-slack-retry-num", "0"))
        envelope["retry_reason"] = headers.get("x-slack-retry-reason", "")
        return envelope
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        payload = json.loads(form["payload"])
        envelope["type"] = "interactive"
        envelope["payload"] = payload
        # Slack only reads an answer from the ack where HTTP would read the response body.
        envelope["accepts_response_payload"] = payload.get("type") in {
            "view_submission",
            "block_suggestion",
        }
        return envelope
    envelope["type"] = "slash_commands"
    envelope["payload"] = form
    envelope["accepts_response_payload"] = True
    return envelope


class SocketModeHub:
    """The emulator's Socket Mode side: hands out URLs, keeps the connections, sends envelopes.

    The WebSocket server runs on an event loop in a thread of its own; `send` is called from
    the driver's threads and blocks until the ack arrives (or `ack_timeout` passes).
    """

    def __init__(
        self, host: str = "127.0.0.1", ack_timeout: float = 15.0, refresh_grace: float = 10.0
    ) -> None:
        self.host = host
        self.ack_timeout = ack_timeout
        self.refresh_grace = refresh_grace  # Slack closes a refreshed connection soon after
        self.lock = threading.Lock()
        self.connected = threading.Condition(self.lock)
        self.connections: list[SocketConnection] = []
        self._tickets: set[str] = set()
        self._pending: dict[str, _Pending] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self._port = 0

    # -- the Web API method -------------------------------------------------------------------
    def connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        """`apps.connections.open`: a fresh one-use URL (the token was checked by the caller)."""
        self.start()
        ticket = secrets.token_urlsafe(16)
        with self.lock:
            self._tickets.add(ticket)
        return {"url": f"ws://{self.host}:{self._port}/link/?ticket={ticket}&app_id={APP_ID}"}

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        with self.lock:
            if self._thread is not None:
                return
            ready = threading.Event()
            failure: list[BaseException] = []
            self._thread = threading.Thread(
                target=self._run, args=(ready, failure), daemon=True, name="socket-mode"
            )
            self._thread.start()
        ready.wait(timeout=20)
        if failure:
            raise RuntimeError("the Socket Mode server did not start") from failure[0]

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._listen())
        except BaseException as error:
            failure.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.close()

    async def _listen(self) -> None:
        from websockets.asyncio.server import serve  # the dev extra; see the module docstring

        self._server = await serve(
            self._serve_connection, self.host, 0, process_request=self._check_ticket
        )
        self._port = int(next(iter(self._server.sockets)).getsockname()[1])

    def stop(self) -> None:
        loop = self._loop
        if loop is None or self._server is None:
            return
        with self.lock:
            for connection in self.connections:
                if connection.is_open:
                    connection.closed_by = "emulator stopped"

        async def shut_down() -> None:
            self._server.close()
            await self._server.wait_closed()
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                task.cancel()  # refreshed connections still waiting to be closed

        asyncio.run_coroutine_threadsafe(shut_down(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)

    # -- connections ----------------------------------------------------------------------------
    def _check_ticket(self, connection: Any, request: Any) -> Any:
        ticket = (parse_qs(urlsplit(request.path).query).get("ticket") or [""])[0]
        with self.lock:
            if ticket in self._tickets:
                self._tickets.discard(ticket)  # one connection per URL, as with Slack
                return None
        return connection.respond(401, "invalid or used ticket\n")

    async def _serve_connection(self, socket: Any) -> None:
        from websockets.exceptions import ConnectionClosed

        record = SocketConnection(id=uuid.uuid4().hex[:12], opened_at=time.time(), socket=socket)
        with self.lock:
            self.connections.append(record)
            open_count = sum(1 for c in self.connections if c.is_open)
        hello = {
            "type": "hello",
            "num_connections": open_count,
            "debug_info": {
                "host": HOST_NAME,
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": APP_ID},
        }
        try:
            await socket.send(json.dumps(hello))
            with self.connected:
                self.connected.notify_all()  # only now can envelopes go out on it
            async for raw in socket:
                self._on_message(record, raw)
        except ConnectionClosed:
            pass
        finally:
            self._closed(record)

    def _on_message(self, record: SocketConnection, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        with self.lock:
            pending = self._pending.pop(str(message.get("envelope_id") or ""), None)
            if pending is None:
                return  # an ack for nothing we sent: Slack ignores it too
            record.acks += 1
        payload = message.get("payload")
        pending.ack.set_result(payload if isinstance(payload, dict) else {})

    def _closed(self, record: SocketConnection) -> None:
        with self.lock:
            record.closed_at = time.time()
            record.closed_by = record.closed_by or "app"
            record.socket = None
            lost = [k for k, p in self._pending.items() if p.connection is record]
            waiting = [self._pending.pop(k) for k in lost]
            self.connected.notify_all()
        for pending in waiting:
            pending.ack.set_exception(AppDidNotAnswer("the connection closed before the ack"))

    def open_connections(self) -> list[SocketConnection]:
        with self.lock:
            return [c for c in self.connections if c.takes_envelopes]

    def wait_connected(self, timeout: float) -> SocketConnection | None:
        """The newest open connection that has had its hello, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        with self.connected:
            while True:
                ready = [c for c in self.connections if c.takes_envelopes]
                if ready:
                    return ready[-1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.connected.wait(remaining)

    # -- what Slack does to connections -------------------------------------------------------
    def drop(self, how: DropHow = "close") -> int:
        """Drop every open connection: `close` with a close frame (a server going away), or
        `cut` the TCP connection with no goodbye (a network failure). Returns how many."""
        with self.lock:
            targets = [(c, c.socket) for c in self.connections if c.is_open and c.socket]
            for record, _ in targets:
                record.closed_by = "dropped"
        for _, socket in targets:
            if how == "close":
                self._call_soon(socket.close(1001, "going away"))
            else:
                self._call_in_loop(socket.transport.abort)
        return len(targets)

    def request_refresh(self) -> int:
        """Slack's `disconnect` message (`refresh_requested`): the app should open a new
        connection; the old one is closed after a grace period if the app has not."""
        message = json.dumps(
            {
                "type": "disconnect",
                "reason": "refresh_requested",
                "debug_info": {"host": HOST_NAME},
            }
        )
        with self.lock:
            targets = [(c, c.socket) for c in self.connections if c.takes_envelopes]
            for record, _ in targets:
                record.closed_by = "refresh"
        for record, socket in targets:
            self._call_soon(socket.send(message))
            self._call_soon(self._close_later(record))
        return len(targets)

    async def _close_later(self, record: SocketConnection) -> None:
        await asyncio.sleep(self.refresh_grace)
        socket = record.socket
        if socket is not None:
            await socket.close(1001, "refreshed")

    def _call_soon(self, coroutine: Any) -> None:
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def _call_in_loop(self, function: Callable[[], object]) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(function)

    # -- the driver's transport ---------------------------------------------------------------
    def send(
        self, body: str, content_type: str, headers: Mapping[str, str] | None = None
    ) -> DriverResult:
        """Deliver what Slack would POST as an envelope; the ack becomes the response body."""
        envelope = envelope_for(body, content_type, headers)
        connection = self.wait_connected(self.ack_timeout)
        if connection is None:
            raise AppDidNotAnswer("the app is not connected over Socket Mode")
        pending = _Pending(connection, concurrent.futures.Future())
        with self.lock:
            socket = connection.socket
            if socket is None:  # closed since we looked
                raise AppDidNotAnswer("the connection closed before the envelope went out")
            self._pending[envelope["envelope_id"]] = pending
            connection.envelopes += 1
        self._call_soon(socket.send(json.dumps(envelope)))
        try:
            payload = pending.ack.result(timeout=self.ack_timeout)
        except concurrent.futures.TimeoutError:
            with self.lock:
                self._pending.pop(envelope["envelope_id"], None)
            raise AppDidNotAnswer(
                f"no ack for {envelope['type']} within {self.ack_timeout}s"
            ) from None
        if not envelope["accepts_response_payload"] or not payload:
            return DriverResult(200, "")
        return DriverResult(200, json.dumps(payload))

    # -- control API ----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "open": sum(1 for c in self.connections if c.is_open),
                "connections": [
                    {
                        "id": c.id,
                        "opened_at": c.opened_at,
                        "closed_at": c.closed_at,
                        "closed_by": c.closed_by,
                        "envelopes": c.envelopes,
                        "acks": c.acks,
                    }
                    for c in self.connections
                ],
            }

    async def get_state(self, request: Request) -> Response:
        return JSONResponse(self.snapshot())

    async def post_drop(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = {}
        how = body.get("how", "close") if isinstance(body, dict) else "close"
        if how == "refresh":
            return JSONResponse({"ok": True, "refreshed": self.request_refresh()})
        if how not in {"close", "cut"}:
            return JSONResponse(
                {"ok": False, "error": "how is close, cut or refresh"}, status_code=400
            )
        return JSONResponse({"ok": True, "dropped": self.drop(how)})

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/_emulator/socket_mode", self.get_state, methods=["GET"]),
            Route("/_emulator/socket_mode/drop", self.post_drop, methods=["POST"]),
        ]
