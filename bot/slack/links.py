"""The workspace's own address, which every thread link starts with (see
`bot.core.log_views.thread_link`)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def workspace_url(client: WebClient) -> str | None:
    """https://<domain>.slack.com/ of the workspace whose token `client` carries: one
    `auth.test` links every row of a page. None when Slack won't say: rows go unlinked."""
    try:
        return str(client.auth_test()["url"])
    except SlackApiError:
        return None
