"""The Web API client: pointed at SLACK_API_URL, retrying rate limits and dropped connections."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    return WebClient(
        token=token if token is not None else settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        logger=logging.getLogger("bot.slack"),
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=1),
        ],
    )
