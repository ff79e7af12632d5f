"""The fastest thing the product could be: a bare Bolt app on the same server stack."""

from __future__ import annotations

import os
import re
import sys

import uvicorn
from slack_bolt import Ack, App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def asgi(app: App) -> Starlette:
    """A Bolt app behind Starlette the way the product serves its own: dispatch blocks until
    ack(), so it runs on Starlette's thread pool, off the event loop."""

    async def events(request: Request) -> Response:
        body = await request.body()
        return to_starlette_response(
            await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
        )

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", lambda r: Response("ok"), methods=["GET"]),
        ]
    )


def build() -> Starlette:
    app = App(
        client=WebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )

    @app.command("/role")
    @app.command("/hire")
    def answer(ack: Ack) -> None:
        ack(text="ok")

    @app.action(re.compile(".*"))
    def click(ack: Ack) -> None:
        ack()

    return asgi(app)


def serve(app: Starlette, port: int) -> None:
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    serve(build(), int(sys.argv[1]))
