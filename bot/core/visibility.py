"""Who may read a hiring conversation in full: Slack's own rule, applied to the log.

A conversation started in a public channel is shown to anyone in the workspace, as before.
One started in a private channel, a DM or a group DM is shown in full (title, notes,
reasons, outcome) only to an audience that can read that channel; anywhere else it is
counted without a title ("1 decision in a private channel").

An audience is a person (the private channels they are in, as Slack says), a channel a
digest is posted to (its readers see that channel's conversations, nothing more), or the
operator's command-line export (everything). Plain Python: the Slack lookup that says
which channels a person is in lives in `bot.slack.visibility`.

Whether a channel is private is stored with the conversation when it starts. Rows from
before that was stored are treated as public (they were shown to everyone until then).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# What Slack's slash command payload says for a channel it won't name: `channel_name` is
# "privategroup" for a private channel, "directmessage" for a DM, "mpdm-…" for a group DM.
PRIVATE_CHANNEL_NAMES = ("privategroup", "directmessage")


def is_direct_message(channel_id: str) -> bool:
    """A DM's id starts with D: only the person in it (and the bot) can read it."""
    return channel_id.startswith("D")


def private_from_payload(channel_id: str, channel_name: str | None) -> bool | None:
    """True when the id or Slack's `channel_name` already says the channel is private;
    None when only Slack (`conversations.info`) can tell."""
    if is_direct_message(channel_id):
        return True
    name = channel_name or ""
    if name in PRIVATE_CHANNEL_NAMES or name.startswith("mpdm-"):
        return True
    return None


@dataclass(frozen=True)
class Audience:
    """Who will read what is shown. `private_channels`: the private channels all of its
    readers can see. `unchecked`: Slack's error when a check failed; those channels are
    then left out (fail closed) and the reader is told why."""

    private_channels: frozenset[str] = frozenset()
    everything: bool = False
    unchecked: str | None = None

    @classmethod
    def operator(cls) -> Audience:
        """The operator's export from the command line: every conversation."""
        return cls(everything=True)

    @classmethod
    def posted_in(cls, channel_id: str | None) -> Audience:
        """The readers of a message posted in `channel_id`: that channel's own
        conversations, private or not, and every public one."""
        return cls(frozenset({channel_id}) if channel_id else frozenset())

    def sees(self, channel_id: str, private: bool) -> bool:
        return self.everything or not private or channel_id in self.private_channels

    def also_read_by(self, other: Audience) -> Audience:
        """The part both audiences see: a preview shown to one person of a digest meant
        for a channel shows neither more than the channel's digest nor more than the
        person may read."""
        if self.everything:
            return other
        if other.everything:
            return self
        return Audience(
            self.private_channels & other.private_channels,
            unchecked=self.unchecked or other.unchecked,
        )


def channels_to_check(private: Iterable[tuple[str, str]], viewer: str) -> frozenset[str]:
    """Of the private channels conversations were started in, given as (channel, started
    by) pairs, the ones worth asking Slack whether `viewer` is in. A DM holds one person
    and the bot, and only that person can run `/hire` in it: someone else's DM is never
    theirs to read, so it costs no Web API call."""
    return frozenset(
        channel
        for channel, started_by in private
        if not is_direct_message(channel) or started_by == viewer
    )


def private_count(count: int, noun: str = "decision") -> str:
    """ "1 decision in a private channel", "3 decisions in private channels"."""
    if count == 1:
        return f"1 {noun} in a private channel"
    return f"{count} {noun}s in private channels"
