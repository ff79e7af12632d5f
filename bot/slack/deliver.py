"""The one place messages leave for Slack: posts, updates, ephemeral notes, and what to say
when Slack refuses. Listeners and jobs both deliver through here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import Message
from bot.core.conversation import OrphanCause
from bot.slack_client import retry_after_seconds

log = logging.getLogger(__name__)

# How far Slack's clock may be from ours when a landed post is looked for by its key (a
# message's ts is Slack's time; when we owed it is ours). Minutes, not seconds: a look back
# costs a page of history, a post missed costs a second copy.
CLOCK_TOLERANCE = timedelta(minutes=15)

# Why a post was refused, in words for the person who can fix it.
POST_PROBLEMS = {
    "channel_not_found": "the channel no longer exists, or it is private and I'm not in it — "
    "invite me with `/invite @hiring-bot`",
    "is_archived": "the channel is archived",
    "not_in_channel": "I'm not in the channel and can't join it — invite me with "
    "`/invite @hiring-bot`",
    "method_not_supported_for_channel_type": "I can't join this kind of conversation by "
    "myself — invite me with `/invite @hiring-bot`",
}


def post_problem(code: str) -> str:
    return POST_PROBLEMS.get(code, f"Slack answered `{code}`")


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error"))


# Slack's answers that mean "not now" rather than "never": worth another try later.
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "ratelimited", "request_timeout", "service_unavailable"}
)


def is_transient(error: Exception) -> bool:
    """A failure another try may not meet: Slack's server errors and rate limits (after the
    client's own retries), or the network."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        return status >= 500 or status == 429 or error_code(error) in TRANSIENT_ERRORS
    return isinstance(error, OSError)


def rate_limit_wait(error: Exception) -> int | None:
    """How long Slack asked us to wait (Retry-After, seconds) if `error` is its 429."""
    if not isinstance(error, SlackApiError) or getattr(error.response, "status_code", 0) != 429:
        return None
    return retry_after_seconds(getattr(error.response, "headers", None))


def failure_code(error: Exception) -> str:
    """A short name for a failed call, for the run's record and the log."""
    if isinstance(error, SlackApiError):
        return error_code(error)
    return type(error).__name__


def thread_gone(code: str | None, *, posting: bool, on_root: bool) -> OrphanCause | None:
    """Whether Slack's refusal says a conversation's thread is gone, and what went.

    Read conservatively: only answers that can mean nothing else count. The channel is gone
    (or the bot was removed from a private one) for any call; the root message is gone
    when rewriting it answers `message_not_found` (a deleted question alone is not the
    thread); a reply is refused with `thread_not_found` when its parent is gone for good.
    Slack still takes replies under a deleted root that has replies (it leaves a "This
    message was deleted" placeholder), so a post alone often finds nothing."""
    if code == "channel_not_found":
        return "channel"
    if posting:
        return "thread" if code == "thread_not_found" else None
    return "thread" if on_root and code == "message_not_found" else None


@dataclass
class Delivery:
    """Delivers for one workspace, with that workspace's client."""

    client: WebClient

    def post(self, channel: str, message: Message, thread_ts: str | None = None) -> str:
        """Post and return the ts. If the bot is not in a public channel, it joins and
        tries once more; any other refusal is raised for the caller to explain."""
        try:
            return self._post(channel, message, thread_ts)
        except SlackApiError as error:
            if error_code(error) != "not_in_channel":
                raise
        self.client.conversations_join(channel=channel)
        return self._post(channel, message, thread_ts)

    def _post(self, channel: str, message: Message, thread_ts: str | None) -> str:
        response = self.client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, **message.as_kwargs()
        )
        return str(response["ts"])

    def find_posted(
        self,
        channel: str,
        since: datetime,
        event_type: str,
        payload: dict[str, Any],
        thread_ts: str | None = None,
    ) -> str | None:
        """The ts of the bot's message in `channel` (in the thread of `thread_ts`, if given),
        posted since `since`, whose metadata is (`event_type`, `payload`): how a retried
        post finds out an earlier try got through. `since` is our clock and a ts is Slack's,
        so the search starts `CLOCK_TOLERANCE` earlier: the key alone says which it is."""
        cursor = None
        while True:
            page: dict[str, Any] = {
                "channel": channel,
                "oldest": f"{(since - CLOCK_TOLERANCE).timestamp():.6f}",
                "include_all_metadata": True,
                "limit": 200,
                "cursor": cursor,
            }
            response = (
                self.client.conversations_history(**page)
                if thread_ts is None
                else self.client.conversations_replies(ts=thread_ts, **page)
            )
            for found in response.get("messages") or []:
                metadata = found.get("metadata") or {}
                if (
                    metadata.get("event_type") == event_type
                    and metadata.get("event_payload") == payload
                ):
                    return str(found["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    def update(self, channel: str, ts: str | None, message: Message) -> str | None:
        """Rewrite a message; a deleted one must not stop anything, so failures are logged
        and returned (Slack's error code) for the caller to read; None when rewritten, or
        when there is nothing to rewrite."""
        if not ts:
            return None
        try:
            self.client.chat_update(channel=channel, ts=ts, **message.as_kwargs())
        except SlackApiError as error:
            code = error_code(error)
            log.warning("chat.update %s failed: %s", ts, code)
            return code
        return None

    def delete(self, channel: str, ts: str) -> None:
        """Take back a message the bot posted; if Slack refuses, the log has it."""
        try:
            self.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as error:
            log.warning("chat.delete %s failed: %s", ts, error_code(error))

    def tell(
        self,
        channel: str,
        user: str,
        text: str,
        thread_ts: str | None = None,
        message: Message | None = None,
    ) -> None:
        """A short ephemeral note to one person (with the blocks of `message`, if given);
        if it can't be shown, the log has it."""
        try:
            self.client.chat_postEphemeral(
                channel=channel,
                user=user,
                text=text,
                thread_ts=thread_ts,
                blocks=message.blocks if message else None,
            )
        except SlackApiError as error:
            log.warning("could not tell %s: %s", user, error_code(error))

    def open_direct(self, user: str) -> str:
        """The id of the bot's DM with `user` (Slack opens it if needed); Slack's refusal
        (`user_not_found`, `cannot_dm_bot`, `user_disabled` …) is raised for the caller."""
        return str(self.client.conversations_open(users=user)["channel"]["id"])

    def tell_directly(self, user: str, text: str) -> None:
        """A direct message from the bot to one person; if it can't be sent, the log has it."""
        try:
            self.client.chat_postMessage(channel=user, text=text)
        except SlackApiError as error:
            log.warning("could not message %s: %s", user, error_code(error))
