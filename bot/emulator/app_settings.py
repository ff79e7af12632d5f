"""The app as Slack knows it: the settings of its manifest that decide what Slack lets people
and the app do. A real workspace installed from `manifest.yml` behaves by these, so the
emulator does too: by default it reads the project's manifest (bot.manifest.load_manifest),
and a test can give it another to model another setting (the Messages tab off, a missing
scope, an event not subscribed to).

The App Home tabs: https://docs.slack.dev/surfaces/app-home
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# What Slack shows in place of the text box of an app's DM when its Messages tab is off or
# read-only (App Home → Show Tabs; slackapi/python-slack-sdk issue 1015).
MESSAGES_TAB_OFF = "Sending messages to this app has been turned off."

# The kinds of conversation Slack tells apart, with the names its scopes and message events
# use for each (https://docs.slack.dev/reference/events/message.channels and its siblings).
CONVERSATION_KINDS = ("public", "private", "im", "mpim")
SCOPE_PREFIX = {"public": "channels", "private": "groups", "im": "im", "mpim": "mpim"}
MESSAGE_EVENT = {
    "public": "message.channels",
    "private": "message.groups",
    "im": "message.im",
    "mpim": "message.mpim",
}
# The `channel_type` of a message event.
CHANNEL_TYPE = {"public": "channel", "private": "group", "im": "im", "mpim": "mpim"}


@dataclass(frozen=True)
class AppSettings:
    commands: frozenset[str]
    bot_scopes: tuple[str, ...]
    bot_events: frozenset[str]
    home_tab_enabled: bool
    messages_tab_enabled: bool
    messages_tab_read_only: bool
    # Bot tokens expire and are refreshed (https://docs.slack.dev/authentication/using-token-rotation).
    token_rotation: bool = False

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> AppSettings:
        features = manifest.get("features") or {}
        app_home = features.get("app_home") or {}
        oauth = (manifest.get("oauth_config") or {}).get("scopes") or {}
        settings = manifest.get("settings") or {}
        events = settings.get("event_subscriptions") or {}
        return cls(
            commands=frozenset(c["command"] for c in features.get("slash_commands") or []),
            bot_scopes=tuple(oauth.get("bot") or ()),
            bot_events=frozenset(events.get("bot_events") or ()),
            home_tab_enabled=bool(app_home.get("home_tab_enabled", False)),
            messages_tab_enabled=bool(app_home.get("messages_tab_enabled", False)),
            messages_tab_read_only=bool(app_home.get("messages_tab_read_only_enabled", False)),
            token_rotation=bool(settings.get("token_rotation_enabled", False)),
        )

    @property
    def people_may_message_the_app(self) -> bool:
        """Whether people can type (messages and slash commands) in the app's DM: only with
        the Messages tab on and not read-only."""
        return self.messages_tab_enabled and not self.messages_tab_read_only

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in self.bot_events
