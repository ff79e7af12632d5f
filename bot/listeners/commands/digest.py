"""`/hire digest …`: preview, post now, and the digest's settings."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Respond
from slack_sdk.errors import SlackApiError

from bot.blocks import hire as hire_blocks
from bot.blocks.common import context
from bot.blocks.digest import describe_schedule, digest_message
from bot.blocks.text import from_slack, user_text
from bot.core.digest import (
    current_period,
    next_due,
    parse_time,
    parse_timezone,
    parse_weekday,
)
from bot.core.hire_command import Digest
from bot.core.log_views import SettingsView
from bot.core.visibility import Audience
from bot.hiring.digest import DigestStore
from bot.hiring.log import DecisionLog
from bot.listeners import hire_flow
from bot.slack.deliver import Delivery, post_problem
from bot.slack.links import workspace_url
from bot.slack.visibility import preview_audience

CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$")


def _echo(typed: str) -> str:
    """What the user typed, safe to echo back."""
    return user_text(from_slack(typed), 40)


def _say(respond: Respond, text: str, hint: str | None = None) -> None:
    respond(response_type="ephemeral", **hire_blocks.problem_message(text, hint).as_kwargs())


def _ok(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", text=text)


def _settings_line(settings: SettingsView, ctx: hire_flow.Context) -> str:
    if not settings.enabled:
        return ":no_bell: The weekly digest is off. `/hire digest on` turns it back on."
    where = (
        f"<#{settings.channel_id}>"
        if settings.channel_id
        else "no channel yet (`/hire digest channel #name`)"
    )
    upcoming = next_due(settings.schedule, ctx.now) if settings.channel_id else None
    line = f":calendar: Posts to {where}, {describe_schedule(settings.schedule)}"
    if upcoming:
        line += f" · next: {upcoming.astimezone(settings.schedule.zone):%a %b %d %H:%M}"
    if settings.last_error:
        line += f"\n:warning: Last attempt failed: {post_problem(settings.last_error)}"
    return line


def handle_digest(
    ctx: hire_flow.Context, parsed: Digest, command: dict[str, Any], respond: Respond
) -> None:
    store = DigestStore(ctx.services.session_factory)
    settings = store.settings(ctx.workspace_id)
    action, args = parsed.action, parsed.args
    if action == "preview":
        schedule = settings.schedule
        digest = store.build(
            ctx.workspace_id,
            *current_period(schedule, ctx.now),
            workspace_url(ctx.client),
            audience=preview_audience(
                ctx.client,
                ctx.services.channels,
                DecisionLog(ctx.services.session_factory),
                ctx.workspace_id,
                ctx.user,
                settings.channel_id,
            ),
            schedule=schedule,
            so_far=True,
        )
        message = digest_message(digest, ctx.now, preview=True)
        message.blocks.append(context(_settings_line(settings, ctx)).to_dict())
        respond(response_type="ephemeral", **message.as_kwargs())
    elif action == "now":
        post_now(ctx, store, settings, respond)
    elif action in {"on", "off"}:
        store.update_settings(ctx.workspace_id, ctx.user, ctx.now, enabled=action == "on")
        _ok(
            respond,
            f":white_check_mark: The weekly digest is {action}.\n"
            + _settings_line(store.settings(ctx.workspace_id), ctx),
        )
    elif action == "quiet":
        value = args[0].lower() if args else ""
        if value not in {"on", "off"}:
            return _say(
                respond,
                "Say `/hire digest quiet on` to post in quiet weeks too, or `quiet off` to skip them.",
            )
        store.update_settings(ctx.workspace_id, ctx.user, ctx.now, post_when_quiet=value == "on")
        _ok(
            respond,
            ":white_check_mark: "
            + (
                "Quiet weeks get a digest too."
                if value == "on"
                else "Weeks with nothing to report are skipped."
            ),
        )
    elif action == "schedule":
        set_schedule(ctx, store, args, respond)
    elif action == "channel":
        set_channel(ctx, store, args, respond)


def set_schedule(
    ctx: hire_flow.Context, store: DigestStore, args: tuple[str, ...], respond: Respond
) -> None:
    usage = "`/hire digest schedule <weekday> <HH:MM> [<IANA time zone>]`, e.g. `monday 09:00 Europe/Paris`"
    if len(args) not in {2, 3}:
        return _say(respond, "I need a weekday and a time.", usage)
    weekday, at = parse_weekday(args[0]), parse_time(args[1])
    if weekday is None:
        return _say(respond, f"“{_echo(args[0])}” is not a weekday.", usage)
    if at is None:
        return _say(
            respond, f"“{_echo(args[1])}” is not a time of day (HH:MM, 00:00–23:59).", usage
        )
    current = store.settings(ctx.workspace_id).schedule.timezone
    zone = parse_timezone(args[2]) if len(args) == 3 else current
    if zone is None:
        return _say(
            respond,
            f"“{_echo(args[2])}” is not a time zone I know.",
            "Use an IANA name such as `Europe/London`, `America/New_York` or `UTC`.",
        )
    saved = store.update_settings(
        ctx.workspace_id,
        ctx.user,
        ctx.now,
        weekday=weekday,
        hour=at[0],
        minute=at[1],
        timezone=zone,
    )
    _ok(respond, ":white_check_mark: Schedule saved.\n" + _settings_line(saved, ctx))


def _resolve_channel(ctx: hire_flow.Context, text: str) -> str | None:
    mention = CHANNEL_MENTION.match(text)
    if mention:
        return mention.group(1)
    name = text.lstrip("#").lower()
    try:
        for channel in ctx.client.conversations_list(
            types="public_channel,private_channel", limit=1000
        )["channels"]:
            if channel["name"] == name or channel["id"] == text:
                return str(channel["id"])
    except SlackApiError:
        return None
    return None


def set_channel(
    ctx: hire_flow.Context, store: DigestStore, args: tuple[str, ...], respond: Respond
) -> None:
    channel_id = _resolve_channel(ctx, args[0])
    if channel_id is None:
        return _say(
            respond,
            f"I can't find the channel “{_echo(args[0])}”.",
            "Pick it with `/hire digest channel #name`; for a private channel, invite me first.",
        )
    try:
        info = ctx.client.conversations_info(channel=channel_id)["channel"]
        if info.get("is_archived"):
            return _say(respond, f"<#{channel_id}> is archived; pick another channel.")
        if not info.get("is_member"):
            if info.get("is_private"):
                return _say(
                    respond,
                    f"I'm not in <#{channel_id}>.",
                    "Invite me with `/invite @hiring-bot`, then try again.",
                )
            ctx.client.conversations_join(channel=channel_id)
    except SlackApiError as error:
        code = str(error.response.get("error"))
        return _say(respond, f"I can't use that channel ({post_problem(code)}).")
    saved = store.set_channel(ctx.workspace_id, ctx.user, ctx.now, channel_id)
    _ok(
        respond, ":white_check_mark: The digest will be posted here.\n" + _settings_line(saved, ctx)
    )


def post_now(
    ctx: hire_flow.Context, store: DigestStore, settings: SettingsView, respond: Respond
) -> None:
    if not settings.channel_id:
        return _say(
            respond,
            "There's no digest channel yet.",
            "Choose one with `/hire digest channel #name`.",
        )
    # The period in progress so far; its scheduled digest still covers the whole period
    # and says this part was posted early (the rule is in bot.core.digest).
    schedule = settings.schedule
    digest = store.build(
        ctx.workspace_id,
        *current_period(schedule, ctx.now),
        workspace_url(ctx.client),
        audience=Audience.posted_in(settings.channel_id),
        schedule=schedule,
        so_far=True,
    )
    try:
        ts = Delivery(ctx.client).post(settings.channel_id, digest_message(digest, ctx.now))
    except SlackApiError as error:
        code = str(error.response.get("error"))
        store.record_error(ctx.workspace_id, code, ctx.now)
        return _say(respond, f"I couldn't post the digest: {post_problem(code)}.")
    store.record_early_post(ctx.workspace_id, schedule, ctx.user, ctx.now, settings.channel_id, ts)
    if settings.last_error:
        store.record_error(ctx.workspace_id, None, ctx.now)
    scheduled = next_due(schedule, ctx.now).astimezone(schedule.zone)
    _ok(
        respond,
        f":mailbox: Posted this week's digest so far ({digest.label}) in "
        f"<#{settings.channel_id}>. The scheduled digest on {scheduled:%a %b %d %H:%M} "
        "will still cover the whole week and say that part of it was posted early.",
    )
