"""The App Home tab, and the digest settings modal it opens."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import home as home_blocks
from bot.core.digest import parse_time, parse_timezone
from bot.core.digest_settings import MAX_MANAGERS
from bot.core.typed_text import storable
from bot.hiring.log import DecisionLog
from bot.listeners import hire_flow
from bot.listeners.background import after_ack, run_in_background
from bot.services import Services
from bot.slack import modals
from bot.slack.deliver import Delivery
from bot.slack.digest_settings import DigestSettingsDesk
from bot.slack.links import workspace_url
from bot.slack.payloads import Click
from bot.slack.visibility import reader_audience


def register(app: App) -> None:
    # Its button and modal are registered with the other actions and views.
    app.event("app_home_opened")(publish_home)


def acknowledge_link(ack: Ack) -> None:
    """URL buttons open the thread in Slack; Slack still sends the click, which needs an ack."""
    ack()


def publish(ctx: hire_flow.Context, notice: str | None = None) -> None:
    """Draw the user's Home tab; `notice` answers what they just did there. An admin, who
    may close anyone's conversation, sees everyone's open ones (those in private channels
    only if they are in them, like everything else here)."""
    admin = Delivery(ctx.client).is_admin(ctx.user)
    log = DecisionLog(ctx.services.session_factory)
    audience = reader_audience(ctx.client, ctx.services.channels, log, ctx.workspace_id, ctx.user)
    home = log.home(
        ctx.workspace_id,
        ctx.user,
        ctx.now,
        workspace_url(ctx.client),
        audience=audience,
        everyone_open=admin,
    )
    view = home_blocks.home_view(ctx.user, home, notice)
    ctx.client.views_publish(user_id=ctx.user, view=view)


@after_ack
def publish_home(
    event: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    if event.get("tab") not in (None, "home"):
        return
    publish(hire_flow.build_context(services, client, context, event["user"]))


def open_digest_settings(
    ack: Ack,
    click: Click,
    body: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    """The modal opens at once, from the ack path, with views.open the first Web API call
    (Slack's trigger_id lasts 3 seconds); who may change the settings is judged after, and
    the modal becomes the form or says who can."""
    ack()
    if click.trigger_id is None:  # nothing can open without one: not a click Slack sent
        return
    modal = modals.open_checking(client, click.trigger_id, home_blocks.DIGEST_SETTINGS_TITLE)
    if modal is None:
        return

    def fill() -> None:
        ctx = hire_flow.build_context(services, client, context, click.user)
        DigestSettingsDesk(services, client).fill_form(ctx.workspace_id, ctx.user, modal)

    run_in_background(services, fill, body=body, client=client)


def _value(values: dict[str, Any], block: str) -> str | None:
    """A field of the submitted modal as text (a menu's choice, the picked conversation or
    what was typed), or None; never longer than any field allows."""
    entry = values.get(block, {}).get("value", {})
    selected = entry.get("selected_option")
    if isinstance(selected, dict):
        raw = selected.get("value")
    elif "selected_conversation" in entry:
        raw = entry["selected_conversation"]
    else:
        raw = entry.get("value")
    return storable(raw)[:255] if isinstance(raw, str) else None


def _people(values: dict[str, Any], block: str) -> tuple[str, ...] | None:
    """The people picked in a users field, or None when the modal has no such field (only
    admins see the managers)."""
    if block not in values:
        return None
    picked = values[block].get("value", {}).get("selected_users") or []
    return tuple(str(user)[:32] for user in picked if isinstance(user, str))[:MAX_MANAGERS]


def save_digest_settings(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    values = view.get("state", {}).get("values", {})
    at = parse_time(_value(values, "time") or "")
    zone = parse_timezone(_value(values, "timezone") or "")
    weekday = _value(values, "weekday")
    errors = {}
    if at is None:
        errors["time"] = "Use HH:MM, from 00:00 to 23:59."
    if zone is None:
        errors["timezone"] = "Use an IANA name such as Europe/London or UTC."
    if weekday not in {str(i) for i in range(7)}:
        errors["weekday"] = "Choose a day."
    if not _value(values, "channel"):
        errors["channel"] = "Choose a channel."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    assert at is not None and zone is not None and weekday is not None

    def work() -> None:
        ctx = hire_flow.build_context(services, client, context, body["user"]["id"])
        DigestSettingsDesk(services, client).save_form(
            ctx.workspace_id,
            ctx.user,
            _people(values, home_blocks.DIGEST_MANAGERS_BLOCK),
            channel_id=_value(values, "channel"),
            weekday=int(weekday),
            hour=at[0],
            minute=at[1],
            timezone=zone,
            enabled=_value(values, "enabled") != "off",
        )
        publish(ctx)

    run_in_background(services, work, body=body, client=client)
