"""Which private channels a person can read, asked of Slack (`conversations.members`,
`conversations.info`); the rule that uses the answer is `bot.core.visibility`.

Members of a channel are kept briefly per (workspace, channel) in the process's cache
(`Services.channels`, like people's names), so a page of rows costs a call per private
channel at most, once a minute. A failed check is never cached and hides the channel from
that reader (fail closed); the reader is told why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.visibility import Audience, channels_to_check, private_from_payload
from bot.hiring.log import DecisionLog
from bot.slack.people import _MISSING, BriefCache

log = logging.getLogger(__name__)

CHANNEL_TTL_SECONDS = 60.0
MEMBERS_PAGE = 200


class ChannelAccess:
    """The channels of the workspace whose token `client` carries."""

    def __init__(self, client: WebClient, cache: BriefCache) -> None:
        self.client = client
        self.cache = cache
        self.scope = str(client.token or "")  # one workspace's channels never answer another's

    def is_private(self, channel_id: str, channel_name: str | None = None) -> bool:
        """Whether only some people can read `channel_id`: a DM, a group DM or a private
        channel. When Slack won't say, it is treated as private (fail closed)."""
        said = private_from_payload(channel_id, channel_name)
        if said is not None:
            return said
        key = (self.scope, "private", channel_id)
        found = self.cache.get(key)
        if found is not _MISSING:
            return bool(found)
        try:
            info = self.client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            log.warning(
                "conversations.info failed for %s: %s; treating it as private",
                channel_id,
                error.response.get("error"),
            )
            return True
        private = bool(info.get("is_private") or info.get("is_im") or info.get("is_mpim"))
        self.cache.put(key, private)
        return private

    def members(self, channel_id: str) -> frozenset[str]:
        """Everyone in the channel, every page of it; raises SlackApiError when Slack
        won't say (`channel_not_found` when the bot is not in a private channel)."""
        key = (self.scope, "members", channel_id)
        found = self.cache.get(key)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        members: set[str] = set()
        cursor = None
        while True:
            page = self.client.conversations_members(
                channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor
            )
            members.update(str(m) for m in page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        result = frozenset(members)
        self.cache.put(key, result)
        return result

    def audience(self, viewer: str, private: Iterable[tuple[str, str]]) -> Audience:
        """What `viewer` may read, given the (channel, started by) pairs of the
        conversations in private channels (`DecisionLog.private_channels`)."""
        readable: set[str] = set()
        problem = None
        for channel in sorted(channels_to_check(private, viewer)):
            try:
                if viewer in self.members(channel):
                    readable.add(channel)
            except SlackApiError as error:
                problem = str(error.response.get("error") or "unknown_error")
                log.warning("conversations.members failed for %s: %s", channel, problem)
        return Audience(frozenset(readable), unchecked=problem)


def reader_audience(
    client: WebClient, cache: BriefCache, log: DecisionLog, workspace_id: int, reader: str
) -> Audience:
    """What `reader` may read of the workspace's log: read which private channels its
    conversations are in, then ask Slack (no transaction is open while it answers)."""
    return ChannelAccess(client, cache).audience(reader, log.private_channels(workspace_id))


def preview_audience(
    client: WebClient,
    cache: BriefCache,
    log: DecisionLog,
    workspace_id: int,
    reader: str,
    digest_channel: str | None,
) -> Audience:
    """A digest preview shows what the digest channel would get and nothing its reader
    may not see: a private channel's decisions only to one of its members, previewing a
    digest posted there."""
    mine = reader_audience(client, cache, log, workspace_id, reader)
    return Audience.posted_in(digest_channel).also_read_by(mine)
