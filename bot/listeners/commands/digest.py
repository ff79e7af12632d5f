"""`/hire digest …`: preview, post now, and the digest's settings."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk.errors import SlackApiError

from bot.blocks import hire as hire_blocks
from bot.blocks.common import Message, context
from bot.blocks.digest import digest_message
from bot.blocks.text import user_text
from bot.core.digest import (
    current_period,
    next_due,
    parse_time,
    parse_timezone,
    parse_weekday,
)
from bot.core.hire_command import Digest, DigestManagers
from bot.core.log_views import SettingsView
from bot.core.typed_text import from_slack
from bot.core.visibility import Audience
from bot.hiring.digest import DigestStore
from bot.hiring.log import DecisionLog
from bot.listeners import hire_flow
from bot.slack.deliver import Delivery, post_problem
from bot.slack.digest_settings import DigestSettingsDesk, Said, settings_line
from bot.slack.links import workspace_url
from bot.slack.visibility import preview_audience


def _echo(typed: str) -> str:
    """What the user typed, safe to echo back."""
    return user_text(from_slack(typed), 40)


def _say(respond: Respond, text: str, hint: str | None = None) -> None:
    respond(response_type="ephemeral", **hire_blocks.problem_message(text, hint).as_kwargs())


def _ok(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", text=text)


def handle_digest(
    ctx: hire_flow.Context,
    parsed: Digest | DigestManagers,
    command: dict[str, Any],
    respond: Respond,
) -> None:
    desk = DigestSettingsDesk(ctx.services, ctx.client)
    if isinstance(parsed, DigestManagers):
        return _tell(respond, desk.managers(ctx.workspace_id, ctx.user, parsed))
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
        message.blocks.append(context(settings_line(settings, ctx.now)).to_dict())
        respond(response_type="ephemeral", **message.as_kwargs())
    elif action == "now":
        post_now(ctx, store, settings, respond)
    elif action in {"on", "off"}:
        _tell(respond, desk.change(ctx.workspace_id, ctx.user, enabled=action == "on"))
    elif action == "quiet":
        value = args[0].lower() if args else ""
        if value not in {"on", "off"} or len(args) != 1:
            return _say(
                respond,
                "Say `/hire digest quiet on` to post a digest even in a quiet week (no "
                "decisions, nothing waiting), or `quiet off` to post nothing in such a week.",
            )
        _tell(respond, desk.change(ctx.workspace_id, ctx.user, post_when_quiet=value == "on"))
    elif action == "schedule":
        set_schedule(ctx, desk, settings, args, respond)
    elif action == "channel":
        _tell(respond, desk.set_channel(ctx.workspace_id, ctx.user, args[0]))
    elif action == "history":
        _tell(respond, desk.history(ctx.workspace_id, ctx.user))


def _tell(respond: Respond, said: Said | Message) -> None:
    if isinstance(said, Message):
        respond(response_type="ephemeral", **said.as_kwargs())
    else:
        respond(response_type="ephemeral", text=said.text)


def set_schedule(
    ctx: hire_flow.Context,
    desk: DigestSettingsDesk,
    settings: SettingsView,
    args: tuple[str, ...],
    respond: Respond,
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
    zone = parse_timezone(args[2]) if len(args) == 3 else settings.schedule.timezone
    if zone is None:
        return _say(
            respond,
            f"“{_echo(args[2])}” is not a time zone I know.",
            "Use an IANA name such as `Europe/London`, `America/New_York` or `UTC`.",
        )
    _tell(
        respond,
        desk.change(
            ctx.workspace_id, ctx.user, weekday=weekday, hour=at[0], minute=at[1], timezone=zone
        ),
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
