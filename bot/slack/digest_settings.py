"""The digest's settings at the Slack edge. One path for `/hire digest …` and the Home
tab's settings modal: ask Slack whether the person is an admin, let the use case
(`bot.hiring.digest.DigestStore`) decide and change, announce the change in the digest
channel (the old one and the new one, when it moves), and say what happened."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Unpack

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import home as home_blocks
from bot.blocks.common import Message
from bot.blocks.digest import (
    describe_schedule,
    managers_text,
    quiet_words,
    settings_announcement,
    settings_history,
    settings_refusal,
    settings_reply,
)
from bot.blocks.text import user_text
from bot.core.actor import Actor, Team
from bot.core.digest import next_due, parse_time, parse_timezone
from bot.core.digest_settings import (
    MAX_MANAGERS,
    SettingsChanged,
    SettingsRefused,
)
from bot.core.hire_command import DigestManagers
from bot.core.log_views import SettingsView
from bot.core.typed_text import from_slack, storable
from bot.db.repositories.digests import SettingsChanges
from bot.hiring.digest import DigestStore
from bot.services import Services
from bot.slack import modals
from bot.slack.actor import workspace_of
from bot.slack.deliver import Delivery, error_code, post_problem
from bot.slack.modals import OpenModal
from bot.slack.payloads import Submitted
from bot.slack.people import Directory

log = logging.getLogger(__name__)

CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$")
CHANGE = "change the digest"


def settings_line(settings: SettingsView, now: datetime) -> str:
    """The settings in one line: where, when, the next post, quiet weeks, the last failure."""
    if not settings.enabled:
        line = ":no_bell: The weekly digest is off. `/hire digest on` turns it back on."
    else:
        where = (
            f"<#{settings.channel_id}>"
            if settings.channel_id
            else "no channel yet (`/hire digest channel #name`)"
        )
        upcoming = next_due(settings.schedule, now) if settings.channel_id else None
        line = f":calendar: Posts to {where}, {describe_schedule(settings.schedule)}"
        if upcoming:
            line += f" · next: {upcoming.astimezone(settings.schedule.zone):%a %b %d %H:%M}"
        line += f" · {quiet_words(settings.post_when_quiet)}"
    if settings.last_error:
        line += f"\n:warning: Last attempt failed: {post_problem(settings.last_error)}"
    return line


@dataclass(frozen=True)
class SettingsSubmission:
    """The Home tab's settings modal as submitted, each field checked."""

    channel_id: str
    changes: SettingsChanges  # every setting the form shows, the channel among them
    # None when the modal had no managers' field (only admins see it).
    managers: tuple[str, ...] | None


def _field(form: Submitted, block: str) -> str | None:
    """A field as text (a menu's choice, the picked conversation or what was typed), or
    None; never longer than any field allows."""
    entry = form.entry(block)
    selected = entry.get("selected_option")
    if isinstance(selected, dict):
        raw = selected.get("value")
    elif "selected_conversation" in entry:
        raw = entry["selected_conversation"]
    else:
        raw = entry.get("value")
    return storable(raw)[:255] if isinstance(raw, str) else None


def _people(form: Submitted, block: str) -> tuple[str, ...] | None:
    """The people picked in a users field, or None when the modal has no such field."""
    if not form.has(block):
        return None
    picked = form.entry(block).get("selected_users") or []
    return tuple(str(user)[:32] for user in picked if isinstance(user, str))[:MAX_MANAGERS]


def read_settings_form(view: dict[str, Any]) -> SettingsSubmission | dict[str, str]:
    """The submitted settings modal, or what to say beside its fields (by block id)."""
    form = Submitted(view)
    at = parse_time(_field(form, "time") or "")
    zone = parse_timezone(_field(form, "timezone") or "")
    weekday, channel = _field(form, "weekday"), _field(form, "channel")
    errors = {}
    if at is None:
        errors["time"] = "Use HH:MM, from 00:00 to 23:59."
    if zone is None:
        errors["timezone"] = "Use an IANA name such as Europe/London or UTC."
    if weekday not in {str(i) for i in range(7)}:
        errors["weekday"] = "Choose a day."
    if not channel:
        errors["channel"] = "Choose a channel."
    if errors:
        return errors
    assert at is not None and zone is not None and weekday is not None and channel
    changes = SettingsChanges(
        channel_id=channel,
        weekday=int(weekday),
        hour=at[0],
        minute=at[1],
        timezone=zone,
        enabled=_field(form, "enabled") != "off",
    )
    return SettingsSubmission(channel, changes, _people(form, home_blocks.DIGEST_MANAGERS_BLOCK))


def open_form(client: WebClient, trigger_id: str) -> OpenModal | None:
    """The settings modal, opened at once saying it is checking (`fill_form` fills it in):
    views.open comes before any other call, while the trigger_id is good."""
    return modals.open_checking(client, trigger_id, home_blocks.DIGEST_SETTINGS_TITLE)


@dataclass(frozen=True)
class Said:
    """What to tell the person; `trouble` when it was refused or something needs fixing."""

    text: str
    trouble: bool = False


class DigestSettingsDesk:
    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.client = client
        self.store = DigestStore(services.session_factory)
        self.delivery = Delivery(client)
        self.directory = Directory(client, services.people)
        self._workspaces: dict[Team, int] = {}

    # -- changing -----------------------------------------------------------------------------
    def workspace(self, actor: Actor) -> int:
        """The actor's workspace id, looked up once per desk (a request's steps share it)."""
        if actor.team not in self._workspaces:
            self._workspaces[actor.team] = workspace_of(self.services, actor.team)
        return self._workspaces[actor.team]

    def change(
        self,
        actor: Actor,
        *,
        managers: tuple[str, ...] | None = None,
        **changes: Unpack[SettingsChanges],
    ) -> Said:
        """Change what the person asked for, if they may; announce it; say what happened.
        Whether they are an admin is asked before the change's transaction, which holds the
        workspace's lock."""
        is_admin = actor.is_admin()
        result = self.store.change(
            self.workspace(actor),
            actor.user,
            self.services.clock.now(),
            actor_is_admin=is_admin,
            managers=managers,
            **changes,
        )
        if isinstance(result, SettingsRefused):
            return Said(self.refusal(result), trouble=True)
        return self._report(result)

    def _report(self, result: SettingsChanged) -> Said:
        now = self.services.clock.now()
        change = result.change
        if change is None:
            return Said(
                ":information_source: That is how it is already; nothing changed.\n"
                + settings_line(result.settings, now)
            )
        announced, failed = [], []
        # The new channel first; on a move the old one is told where the digest went.
        for channel in dict.fromkeys(
            c for c in (result.settings.channel_id, result.previous.channel_id) if c
        ):
            try:
                self.delivery.post(channel, settings_announcement(change))
                announced.append(channel)
            except SlackApiError as error:
                log.info("could not announce a digest change in %s: %s", channel, error_code(error))
                failed.append((channel, post_problem(error_code(error))))
        # Turning it off is said once, by the reply itself.
        line = None if change.after.get("enabled") is False else settings_line(result.settings, now)
        text = settings_reply(change, announced, failed, line)
        return Said(text, trouble=bool(failed))

    def refusal(self, refused: SettingsRefused, what: str = CHANGE) -> str:
        names = [user_text(self.directory.label(user), 80) for user in refused.managers]
        return settings_refusal(refused, names, what)

    def set_channel(self, actor: Actor, typed: str) -> Said:
        """`/hire digest channel #name`: only for those who may change the digest (asked
        before the bot joins anything), and only a channel the bot can post in."""
        allowed = self.store.form(self.workspace(actor), actor.user, actor.is_admin())
        if isinstance(allowed, SettingsRefused):
            return Said(self.refusal(allowed), trouble=True)
        channel_id = self._resolve_channel(typed)
        if channel_id is None:
            return Said(
                f":thinking_face: I can't find the channel “{user_text(from_slack(typed), 40)}”. "
                "Pick it with "
                "`/hire digest channel #name`; for a private channel, invite me first.",
                trouble=True,
            )
        problem = self._cannot_post(channel_id)
        if problem is not None:
            return Said(problem, trouble=True)
        return self.change(actor, channel_id=channel_id)

    def _resolve_channel(self, text: str) -> str | None:
        mention = CHANNEL_MENTION.match(text)
        if mention:
            return mention.group(1)
        name = text.lstrip("#").lower()
        try:
            for channel in self.client.conversations_list(
                types="public_channel,private_channel", limit=1000
            )["channels"]:
                if channel["name"] == name or channel["id"] == text:
                    return str(channel["id"])
        except SlackApiError:
            return None
        return None

    def _cannot_post(self, channel_id: str) -> str | None:
        """Why the bot can't post the digest in the channel, or None (joining a public
        channel it is not in yet)."""
        try:
            info = self.client.conversations_info(channel=channel_id)["channel"]
            if info.get("is_archived"):
                return f":thinking_face: <#{channel_id}> is archived; pick another channel."
            if not info.get("is_member"):
                if info.get("is_private"):
                    return (
                        f":thinking_face: I can't post in <#{channel_id}>: it is a private "
                        "channel and I'm not in it. Invite me with `/invite @hiring-bot`, "
                        "then try again."
                    )
                self.client.conversations_join(channel=channel_id)
        except SlackApiError as error:
            return (
                f":thinking_face: I can't post in <#{channel_id}>: "
                f"{post_problem(error_code(error))}."
            )
        return None

    # -- managers and history -------------------------------------------------------------------
    def managers(self, actor: Actor, asked: DigestManagers) -> Said:
        """Show the managers (anyone may), or replace the list (admins only)."""
        if asked.show:
            return Said(managers_text(self.store.managers(self.workspace(actor))))
        found: list[str] = list(asked.user_ids)
        for name in asked.names:
            people = self.directory.find(name)
            shown = user_text(name, 80)
            if people is None:
                return Said(f":thinking_face: I couldn't look up who “@{shown}” is.", True)
            if len(people) != 1:
                why = "No one here is" if not people else "Several people are"
                return Said(
                    f":thinking_face: {why} called “@{shown}”. Pick people from Slack's "
                    "suggestions as you type `@`.",
                    trouble=True,
                )
            found.append(people[0].id)
        chosen = tuple(dict.fromkeys(found))
        if len(chosen) > MAX_MANAGERS:
            return Said(f":thinking_face: Name at most {MAX_MANAGERS} digest managers.", True)
        return self.change(actor, managers=chosen)

    def history(self, actor: Actor) -> Message | Said:
        changes = self.store.history(self.workspace(actor), actor.user, actor.is_admin())
        if isinstance(changes, SettingsRefused):
            return Said(self.refusal(changes, "read the digest's settings history"), True)
        return settings_history(changes)

    # -- the Home tab's modal -----------------------------------------------------------------
    def fill_form(self, actor: Actor, modal: OpenModal) -> None:
        """The settings modal (opened at once, checking) becomes the form for those who may
        change them (the managers' field for admins only), and for anyone else says who
        can. Asking Slack whether the person is an admin is why it opens first: no Web API
        call may come before views.open."""
        workspace_id = self.workspace(actor)
        form = self.store.form(workspace_id, actor.user, actor.is_admin())
        if isinstance(form, SettingsRefused):
            settings = self.store.settings(workspace_id)
            view = home_blocks.digest_settings_refusal(
                self.refusal(form), settings_line(settings, self.services.clock.now())
            )
        else:
            view = home_blocks.digest_settings_modal(
                form.settings, form.managers if form.is_admin else None
            )
        modals.rewrite(self.client, modal, view)

    def save_form(self, actor: Actor, form: SettingsSubmission) -> None:
        """Save the modal (checked again: it may have been opened before the person lost
        the right). Its channel menu offers every channel the person can see, so a new
        channel is checked as `/hire digest channel` checks it (the bot joins a public one;
        it must be invited to a private one). The Home tab shows the result; a refusal or a
        channel the bot can't post in is told in a direct message, since a closed modal
        can't say it."""
        allowed = self.store.form(self.workspace(actor), actor.user, actor.is_admin())
        if isinstance(allowed, SettingsRefused):
            said = Said(self.refusal(allowed), trouble=True)
        else:
            channel = form.channel_id
            moved = channel != allowed.settings.channel_id
            problem = self._cannot_post(channel) if moved else None
            if problem is not None:
                said = Said(f"{problem} Nothing was changed.", trouble=True)
            else:
                said = self.change(actor, managers=form.managers, **form.changes)
        if said.trouble:
            try:
                self.client.chat_postMessage(channel=actor.user, text=said.text)
            except SlackApiError as error:
                log.warning(
                    "could not tell %s about the digest settings: %s",
                    actor.user,
                    error_code(error),
                )
