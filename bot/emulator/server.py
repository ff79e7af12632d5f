"""The emulator over HTTP: Slack's Web API, response_url, file uploads and a JSON control API."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.emulator.driver import DriverError, SlackDriver, apply_response
from bot.emulator.socket_mode import AppDidNotAnswer, SocketModeHub
from bot.emulator.state import Call, EmulatorState
from bot.emulator.webapi import WebApi


class EmulatorApp:
    """Routes of the emulator; `driver` is attached once the app under test is known."""

    def __init__(self, state: EmulatorState, base_url: Callable[[], str]) -> None:
        self.state = state
        self.api = WebApi(state, base_url)
        self.driver: SlackDriver | None = None
        self.socket_mode = SocketModeHub()
        self.api.methods["apps.connections.open"] = self.socket_mode.connections_open

    # -- Web API ----------------------------------------------------------------------------
    async def web_api(self, request: Request) -> Response:
        method = request.path_params["method"]
        raw = await request.body()
        args = _parse_args(raw, request.headers.get("content-type", ""))
        args.update(dict(request.query_params))
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() or str(args.pop("token", "") or "")
        started = time.monotonic()
        team = self.state.team_for_token(token)  # each call is answered for its token's team
        call = Call(method=method, args=args, at=time.time(), team=team.id if team else None)
        self.state.record(call)
        delay = self.state.global_delay
        fault = self.state.take_fault(method, args)
        if fault is not None and fault.kind == "delay":
            delay += fault.seconds
        if delay:
            await _sleep(delay)
        if fault is not None and fault.kind in {"rate_limited", "rate_limited_for"}:
            call.status, call.response = 429, {"ok": False, "error": "ratelimited"}
            retry_after = fault.retry_after
            if fault.kind == "rate_limited_for":  # the rest of the window, in whole seconds
                retry_after = max(1, math.ceil(fault.until - time.time()))
            return JSONResponse(
                call.response, status_code=429, headers={"Retry-After": str(retry_after)}
            )
        if fault is not None and fault.kind == "hang":
            # Never carried out: after `seconds` (if the caller is still there) Slack gives up.
            await _sleep(fault.seconds)
            call.status, call.response = 503, {"ok": False, "error": "service_unavailable"}
            return JSONResponse(call.response, status_code=503)
        if fault is not None and fault.kind == "http_500":
            call.status, call.response = 500, {"ok": False, "error": "internal_error"}
            return JSONResponse(call.response, status_code=500)
        if method == "oauth.v2.access":  # the app's client id and secret stand for a token
            result, code_team = self.api.oauth_v2_access(args, auth)
            call.team = code_team.id if code_team else None
        elif not token:
            result = {"ok": False, "error": "not_authed"}
        elif self.state.is_revoked(token):
            result = {"ok": False, "error": "token_revoked"}
        elif self.state.is_expired(token):
            result = {"ok": False, "error": "token_expired"}
        elif not token.startswith(("xoxb-", "xoxe.xoxb-", "xapp-")):
            result = {"ok": False, "error": "invalid_auth"}
        elif token.startswith("xapp-") != (method == "apps.connections.open"):
            # An app-level token opens Socket Mode connections and does nothing else.
            result = {"ok": False, "error": "not_allowed_token_type"}
        elif fault is not None and fault.kind == "error":
            result = {"ok": False, "error": fault.error}
        else:
            self.state.token_used(token)
            granted = self.state.scopes_of(token)
            result = await run_in_threadpool(self.api.call, method, args, team, granted)
        if fault is not None and fault.kind == "delay_after":
            # The call took effect; the answer is late (a caller killed now never hears it).
            await _sleep(fault.seconds)
        if fault is not None and fault.kind == "http_500_after":
            # The call took effect, then Slack failed to say so: only a look tells.
            call.status, call.response = 500, {"ok": False, "error": "internal_error"}
            return JSONResponse(call.response, status_code=500)
        call.response = result
        call.args["_elapsed"] = round(time.monotonic() - started, 4)
        return JSONResponse(result)

    async def response_url(self, request: Request) -> Response:
        target = self.state.responses.get(request.path_params["token"])
        if target is None:
            return JSONResponse({"ok": False, "error": "expired_url"}, status_code=404)
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return JSONResponse({"ok": False, "error": "invalid_json"}, status_code=400)
        self.state.record(Call(method="response_url", args=body, at=time.time()))
        apply_response(
            self.state,
            body,
            target["user"],
            target["channel"],
            target["origin_ts"],
            target["thread_ts"],
        )
        return JSONResponse({"ok": True})

    async def upload(self, request: Request) -> Response:
        file_id = request.path_params["file_id"]
        content = await request.body()
        with self.state.lock:
            pending = self.state.pending_uploads.get(file_id)
            if pending is None:
                return Response("unknown upload", status_code=404)
            pending["content"] = content
        return Response(f"OK - {len(content)}")

    async def file_download(self, request: Request) -> Response:
        return self._file_content(request, "attachment")

    async def file_inline(self, request: Request) -> Response:
        return self._file_content(request, "inline")

    def _file_content(self, request: Request, disposition: str) -> Response:
        """A file's bytes at its url_private(_download), as files.slack.com serves them; the
        emulator runs on loopback, so no token is asked for (the sandbox page downloads)."""
        team_id, _, file_id = request.path_params["team_file"].partition("-")
        record = self.state.file(file_id)
        if record is None or record.get("team") != team_id:
            return Response("file not found", status_code=404)
        name = str(record["name"])
        # An ASCII fallback, and the exact name for browsers (RFC 6266 / 5987).
        fallback = name.encode("ascii", "replace").decode().replace('"', "'")
        return Response(
            record["content"],
            media_type=str(record.get("mimetype") or "application/octet-stream"),
            headers={
                "Content-Disposition": f'{disposition}; filename="{fallback}"; '
                f"filename*=UTF-8''{quote(name)}",
                "Cache-Control": "private, no-store",
            },
        )

    # -- control API for tests and the sandbox page -----------------------------------------
    async def get_state(self, request: Request) -> Response:
        return JSONResponse(self.state.snapshot())

    async def health(self, request: Request) -> Response:
        """Ready once an app is attached: before that, user actions would have nowhere to go."""
        attached = self.driver is not None
        return JSONResponse(
            {"ok": attached, "app_attached": attached}, status_code=200 if attached else 503
        )

    async def wait(self, request: Request) -> Response:
        since = int(request.query_params.get("since", "0"))
        timeout = min(float(request.query_params.get("timeout", "25")), 30.0)
        seq = await run_in_threadpool(self.state.wait_for_change, since, timeout)
        return JSONResponse({"seq": seq})

    async def calls(self, request: Request) -> Response:
        method = request.query_params.get("method")
        calls = [
            {
                "method": c.method,
                "args": c.args,
                "at": c.at,
                "status": c.status,
                "response": c.response,
                "team": c.team,
            }
            for c in self.state.calls_to(method)
        ]
        return JSONResponse({"calls": calls})

    async def reset(self, request: Request) -> Response:
        self.state.reset()
        return JSONResponse({"ok": True})

    async def advance_clock(self, request: Request) -> Response:
        body = await _json(request)
        seconds = float(body.get("seconds", 0))
        if seconds < 0 or seconds > 400 * 86400:
            return JSONResponse({"ok": False, "error": "seconds out of range"}, status_code=400)
        self.state.advance_clock(seconds)
        return JSONResponse(
            {"ok": True, "clock_offset_seconds": self.state.clock.offset.total_seconds()}
        )

    async def faults(self, request: Request) -> Response:
        body = await _json(request)
        method, kind = body.pop("method", None), body.pop("kind", None)
        if not method or kind not in {
            "rate_limited",
            "error",
            "delay",
            "http_500",
            "http_500_after",
        }:
            return JSONResponse({"ok": False, "error": "method and kind needed"}, status_code=400)
        self.state.inject_fault(method, kind, **body)
        return JSONResponse({"ok": True})

    async def action(self, request: Request) -> Response:
        if self.driver is None:
            return JSONResponse({"ok": False, "error": "no app attached"}, status_code=503)
        name = request.path_params["name"]
        body = await _json(request)
        driver = self.driver
        handlers: dict[str, Callable[[], Any]] = {
            "command": lambda: driver.command(
                body["user"], body["channel"], body["command"], body.get("text", "")
            ),
            "message": lambda: driver.message(
                body["user"],
                body["channel"],
                body["text"],
                thread_ts=body.get("thread_ts"),
                broadcast=bool(body.get("broadcast")),
            ),
            "click_view": lambda: driver.click_view(
                body["user"],
                body["view_id"],
                body["action_id"],
                block_id=body.get("block_id"),
            ),
            "click": lambda: driver.click(
                body["user"],
                body["message_ts"],
                body["action_id"],
                channel=body.get("channel"),
                value=body.get("value"),
                selected_option_value=body.get("selected_option_value"),
            ),
            "submit": lambda: driver.submit_view(
                body["user"], body["view_id"], body.get("values", {})
            ),
            "close_view": lambda: driver.close_view(body["user"], body["view_id"]),
            "open_home": lambda: driver.open_home(body["user"]),
            "install": lambda: driver.install(body["team"], body.get("user")),
            "uninstall": lambda: driver.uninstall(body["team"]),
            "revoke_tokens": lambda: driver.revoke_tokens(body["team"]),
        }
        handler = handlers.get(name)
        if handler is None:
            return JSONResponse({"ok": False, "error": f"unknown action {name}"}, status_code=404)
        try:
            result = await run_in_threadpool(handler)
        except (DriverError, KeyError) as error:
            return JSONResponse({"ok": False, "error": str(error)}, status_code=400)
        except (httpx.HTTPError, AppDidNotAnswer) as error:
            return JSONResponse(
                {"ok": False, "error": f"the app did not answer: {error}"}, status_code=502
            )
        return JSONResponse(
            {
                "ok": result.status == 200,
                "status": result.status,
                "body": result.body[:2000],
                "delivered": result.delivered,
            }
        )

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/{method}", self.web_api, methods=["POST", "GET"]),
            Route("/response/{token}", self.response_url, methods=["POST"]),
            Route("/upload/{file_id}", self.upload, methods=["POST"]),
            Route("/files-pri/{team_file}/download/{name}", self.file_download, methods=["GET"]),
            Route("/files-pri/{team_file}/{name}", self.file_inline, methods=["GET"]),
            Route("/_emulator/state", self.get_state, methods=["GET"]),
            Route("/_emulator/health", self.health, methods=["GET"]),
            Route("/_emulator/wait", self.wait, methods=["GET"]),
            Route("/_emulator/calls", self.calls, methods=["GET"]),
            Route("/_emulator/reset", self.reset, methods=["POST"]),
            Route("/_emulator/clock/advance", self.advance_clock, methods=["POST"]),
            Route("/_emulator/faults", self.faults, methods=["POST"]),
            Route("/_emulator/actions/{name}", self.action, methods=["POST"]),
            *self.socket_mode.routes(),
        ]


async def _sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _parse_args(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        try:
            parsed = json.loads(raw)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


def build_emulator_app(
    state: EmulatorState, base_url: Callable[[], str], extra_routes: list[BaseRoute] | None = None
) -> tuple[Starlette, EmulatorApp]:
    emulator = EmulatorApp(state, base_url)
    app = Starlette(routes=[*emulator.routes(), *(extra_routes or [])])
    return app, emulator


class ThreadedServer:
    """uvicorn in a background thread; port 0 picks a free port."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="uvicorn")
        self.host = host

    @property
    def port(self) -> int:
        servers = getattr(self.server, "servers", [])
        for server in servers:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return int(self.config.port)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server on {self.host} did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class EmulatorServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state: EmulatorState | None = None,
        extra_routes: list[BaseRoute] | None = None,
        manifest: dict[str, Any] | None = None,
    ) -> None:
        """`manifest` models an app other than the project's (ignored with `state`, which
        has its own)."""
        self.state = state or EmulatorState(manifest=manifest)
        self.host = host
        app, self.emulator = build_emulator_app(self.state, lambda: self.url, extra_routes)
        self._server = ThreadedServer(app, host, port)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in {"0.0.0.0", ""} else self.host  # noqa: S104
        return f"http://{host}:{self._server.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def attach(self, app_url: str, signing_secret: str) -> SlackDriver:
        """Point the emulator's Slack side at the app under test."""
        self.emulator.driver = SlackDriver(self.state, app_url, signing_secret, self.url)
        return self.emulator.driver

    @property
    def socket_mode(self) -> SocketModeHub:
        return self.emulator.socket_mode

    def attach_socket_mode(self) -> SlackDriver:
        """Slack's side for an app connected over Socket Mode: same requests, over its socket."""
        self.emulator.driver = SlackDriver(
            self.state, "", "", self.url, transport=self.emulator.socket_mode
        )
        return self.emulator.driver

    def start(self) -> EmulatorServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self.state.close()
        self.emulator.socket_mode.stop()
        if self.emulator.driver is not None:
            self.emulator.driver.close()
        self._server.stop()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
