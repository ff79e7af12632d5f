"""HTTP mode: Bolt behind Starlette + uvicorn, plus /healthz and the OAuth routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.db.session import check_database
from bot.edge import (
    BODY_READ_TIMEOUT_SECONDS,
    MAX_BODY_BYTES,
    BodyTooLarge,
    Rejection,
    VerifiedBody,
    admit,
    declared_too_large,
    read_capped,
    verified_bolt_request,
)
from bot.runtime import Runtime
from bot.scheduler import start_scheduler

log = logging.getLogger(__name__)


def _reject(rejection: Rejection, size: int) -> Response:
    """Refuse without a trace of the body: the reason and the size are all the log needs."""
    log.info("refused a request to /slack/events: %s (%d bytes)", rejection.reason, size)
    return Response(rejection.reason, status_code=rejection.status, media_type="text/plain")


def build_asgi_app(runtime: Runtime, *, with_scheduler: bool | None = None) -> Starlette:
    bolt_app = runtime.app
    run_scheduler = runtime.settings.scheduler_enabled if with_scheduler is None else with_scheduler

    signing_secret = runtime.settings.signing_secret
    if not signing_secret:
        raise ValueError("HTTP mode verifies every request: it needs SLACK_SIGNING_SECRET")

    async def slack_events(request: Request) -> Response:
        if declared_too_large(request.headers.get("content-length")):
            return _reject(Rejection(413, "declared body over the size limit"), 0)
        try:
            body = await asyncio.wait_for(
                read_capped(request.stream()), timeout=BODY_READ_TIMEOUT_SECONDS
            )
        except BodyTooLarge:
            return _reject(Rejection(413, "body over the size limit"), MAX_BODY_BYTES + 1)
        except TimeoutError:
            return _reject(Rejection(408, "body not received in time"), 0)
        except ClientDisconnect:
            return Response(status_code=400)
        verified = admit(signing_secret, request.headers, body, time.time())
        if not isinstance(verified, VerifiedBody):
            return _reject(verified, len(body))
        dispatched = verified_bolt_request(verified, request.query_params, request.headers)
        # Bolt's dispatch blocks until ack(); run it off the event loop.
        bolt_response = await run_in_threadpool(bolt_app.dispatch, dispatched)
        return to_starlette_response(bolt_response)

    async def healthz(request: Request) -> Response:
        ok, detail = await run_in_threadpool(check_database, runtime.engine)
        payload = {
            "status": "ok" if ok else "degraded",
            "database": {"ok": ok, "dialect": runtime.engine.dialect.name, "detail": detail},
        }
        return JSONResponse(payload, status_code=200 if ok else 503)

    async def oauth(request: Request) -> Response:
        flow = bolt_app.oauth_flow
        if flow is None:
            return Response("OAuth is not configured", status_code=404)
        bolt_request = to_bolt_request(request, await request.body())
        if request.url.path == flow.install_path:
            bolt_response = await run_in_threadpool(flow.handle_installation, bolt_request)
        else:
            bolt_response = await run_in_threadpool(flow.handle_callback, bolt_request)
        return to_starlette_response(bolt_response)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        scheduler = start_scheduler(runtime.services, runtime.clients) if run_scheduler else None
        log.info("hiring bot ready (database: %s)", runtime.engine.dialect.name)
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=True)
            runtime.close()
            log.info("hiring bot stopped")

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/slack/install", oauth, methods=["GET"]),
        Route("/slack/oauth_redirect", oauth, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
