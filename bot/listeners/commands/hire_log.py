"""`/hire list|show|export`: the decision log, read from Slack."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk.errors import SlackApiError

from bot.blocks import hire as hire_blocks
from bot.blocks import log as log_blocks
from bot.blocks.text import user_text
from bot.core.hire_command import Export, HireCommand, ListConversations, Show
from bot.core.interactions import LogPageValue
from bot.core.log_views import thread_link
from bot.core.recommendation import recommend
from bot.core.typed_text import from_slack
from bot.core.visibility import Audience, private_count
from bot.hiring.export import decisions_csv
from bot.hiring.log import LIST_STATES, DecisionLog
from bot.listeners import hire_flow
from bot.listeners.background import after_ack
from bot.services import Services
from bot.slack.deliver import Delivery
from bot.slack.links import workspace_url
from bot.slack.payloads import Click, tell_clicker
from bot.slack.people import Directory
from bot.slack.visibility import ChannelAccess, reader_audience

log = logging.getLogger(__name__)

STALE = ":information_source: That button is from an older version of this list. Try `/hire list` again."


def parse_date(text: str | None) -> datetime | str | None:
    """A YYYY-MM-DD date as the start of that day in UTC; the text itself if it isn't one."""
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return text


def handle(
    ctx: hire_flow.Context, parsed: HireCommand, command: dict[str, Any], respond: Respond
) -> None:
    if isinstance(parsed, ListConversations):
        user_id = parsed.user_id
        if parsed.user_name is not None:
            user_id = _resolve(ctx, respond, parsed.user_name)
            if user_id is None:
                return
        show_page(ctx, respond, parsed.filter, user_id, parsed.since, 0, replace=False)
    elif isinstance(parsed, Show):
        show_one(ctx, respond, parsed.conversation_id)
    elif isinstance(parsed, Export):
        export(ctx, respond, parsed.since, command["channel_id"])


def _bad_date(respond: Respond, text: str) -> None:
    message = hire_blocks.problem_message(
        f"“{user_text(from_slack(text), 40)}” is not a date I can read.",
        "Use YYYY-MM-DD, e.g. `since 2026-01-31`.",
    )
    respond(response_type="ephemeral", **message.as_kwargs())


def _resolve(ctx: hire_flow.Context, respond: Respond, typed: str) -> str | None:
    """The one person a plain-text `@Name Surname` means; otherwise say why not, and None."""
    name = from_slack(typed)
    found = Directory(ctx.client, ctx.services.people).find(name)
    shown = user_text(name, 80)
    if found is not None and len(found) == 1:
        return found[0].id
    if found is None:
        problem = f"I couldn't look up who “@{shown}” is: Slack didn't list the people here."
        hint = "Try again, or pick the person from Slack's suggestions as you type `@`."
    elif not found:
        problem = f"No one in this workspace is called “@{shown}”."
        hint = "Check the spelling, or pick the person from Slack's suggestions as you type `@`."
    else:
        listed = ", ".join(f"<@{p.id}>" for p in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        problem = f"Several people match “@{shown}”: {listed}{more}."
        hint = "Type more of the name, or pick the person from Slack's suggestions."
    message = hire_blocks.problem_message(problem, hint)
    respond(response_type="ephemeral", **message.as_kwargs())
    return None


def show_page(
    ctx: hire_flow.Context,
    respond: Respond,
    filter_: str,
    user_id: str | None,
    since_text: str | None,
    offset: int,
    replace: bool,
) -> None:
    since = parse_date(since_text)
    if isinstance(since, str):
        return _bad_date(respond, since)
    log_ = DecisionLog(ctx.services.session_factory)
    audience = reader_audience(ctx.client, ctx.services.channels, log_, ctx.workspace_id, ctx.user)
    page = log_.page(
        ctx.workspace_id,
        filter_,
        user_id,
        since,
        offset,
        workspace_url=workspace_url(ctx.client),
        audience=audience,
    )
    person = Directory(ctx.client, ctx.services.people).label(user_id) if user_id else None
    more = LogPageValue(filter_, offset + len(page.rows), user_id, since_text)
    message = log_blocks.log_page(page, filter_, more, person, since_text)
    respond(response_type="ephemeral", replace_original=replace, **message.as_kwargs())


def show_one(ctx: hire_flow.Context, respond: Respond, conversation_id: int) -> None:
    snapshot = ctx.conversations.get_in(ctx.workspace_id, conversation_id)
    if snapshot is None or snapshot.root_ts is None:
        message = hire_blocks.problem_message(
            f"There is no hiring decision #{conversation_id} in this workspace.",
            "`/hire list all` shows the ones there are.",
        )
        respond(response_type="ephemeral", **message.as_kwargs())
        return
    detail = DecisionLog(ctx.services.session_factory).detail(ctx.workspace_id, snapshot.id)
    if detail.private_channel:
        channel = snapshot.channel_id
        audience = ChannelAccess(ctx.client, ctx.services.channels).audience(
            ctx.user, [(channel, snapshot.started_by)]
        )
        if not audience.sees(channel, private=True):
            _not_yours(respond, conversation_id, audience)
            return
    texts = {
        q.key: (q.prompt, {o.key: o.label for o in q.options})
        for q in ctx.conversations.criteria.questions
    }
    decision = snapshot.decision
    recommendation = decision.recommendation if decision else None
    confidence = decision.confidence if decision else None
    hire_first = None
    if (
        snapshot.state in {"awaiting_decision", "decided"}
        and len(snapshot.answers) == snapshot.total
    ):
        rec = recommend(ctx.conversations.criteria, snapshot.answer_map, snapshot.openings)
        if decision is None:
            recommendation, confidence = rec.outcome, rec.confidence
        if rec.outcome == recommendation:  # the order of "both" is not stored: recomputed
            hire_first = rec.hire_first
    # Each person named once per request (and briefly across requests): a few at most.
    directory = Directory(ctx.client, ctx.services.people)
    names = {}
    for actor in dict.fromkeys(e.actor for e in detail.history if e.actor):
        person = directory.person(actor)
        if person is not None:
            names[actor] = person.label
    may_restart = snapshot.state == "orphaned" and (
        ctx.user == snapshot.started_by or Delivery(ctx.client).is_admin(ctx.user)
    )
    message = log_blocks.decision_detail(
        snapshot,
        texts,
        recommendation,
        confidence,
        detail.notes,
        detail.history,
        thread_link(workspace_url(ctx.client), snapshot.channel_id, snapshot.root_ts),
        names,
        may_restart,
        checkin=detail.checkin,
        team=detail.team,
        hire_first=hire_first,
    )
    respond(response_type="ephemeral", **message.as_kwargs())


def _not_yours(respond: Respond, conversation_id: int, audience: Audience) -> None:
    """A decision in a private channel the reader is not in (or Slack won't say): its
    number only, never its title."""
    if audience.unchecked:
        problem = (
            f"Hiring decision #{conversation_id} is in a private channel, and I couldn't "
            f"check that you're in it (Slack said `{user_text(audience.unchecked, 40)}`)."
        )
        hint = "Try again in a minute."
    else:
        problem = f"Hiring decision #{conversation_id} is in a private channel you're not in."
        hint = "Only people in that channel can see it."
    respond(response_type="ephemeral", **hire_blocks.problem_message(problem, hint).as_kwargs())


def _left_out(hidden: int, unchecked: str | None) -> str:
    """What an export leaves out, counted: " 1 decision in a private channel is left out…"."""
    if not hidden:
        return ""
    if hidden == 1:
        said = f"{private_count(hidden)} is left out: only people in that channel can export it."
    else:
        said = (
            f"{private_count(hidden)} are left out: only people in those channels can export them."
        )
    if unchecked:
        said += (
            f" (I couldn't check which private channels you're in: Slack said "
            f"`{user_text(unchecked, 40)}`. Try again in a minute.)"
        )
    return " " + said[0].upper() + said[1:]


def export(ctx: hire_flow.Context, respond: Respond, since_text: str | None, channel: str) -> None:
    since = parse_date(since_text)
    if isinstance(since, str):
        return _bad_date(respond, since)
    directory = Directory(ctx.client, ctx.services.people)
    log_ = DecisionLog(ctx.services.session_factory)
    audience = reader_audience(ctx.client, ctx.services.channels, log_, ctx.workspace_id, ctx.user)
    content, count = decisions_csv(
        ctx.services.session_factory,
        ctx.workspace_id,
        since,
        name_of=directory.label,
        audience=audience,
    )
    hidden = log_.hidden_decisions(ctx.workspace_id, audience, since)
    if count == 0:
        respond(
            response_type="ephemeral",
            text=":information_source: No decisions to export yet"
            + (f" since {since_text}." if since_text else ".")
            + (
                _left_out(hidden, audience.unchecked)
                if hidden
                else " Once a conversation ends in a decision, `/hire export` sends it as a CSV file."
            ),
        )
        return
    stamp = ctx.now.strftime("%Y-%m-%d")
    decisions = "1 decision" if count == 1 else f"{count} decisions"
    try:
        dm = ctx.client.conversations_open(users=ctx.user)["channel"]["id"]
        ctx.client.files_upload_v2(
            channel=dm,
            filename=f"hiring-decisions-{stamp}.csv",
            title=f"Hiring decisions ({stamp})",
            content=content,
            initial_comment=f"Here is the decision log: {decisions}, oldest first."
            + _left_out(hidden, audience.unchecked),
        )
    except SlackApiError as error:
        log.warning("export upload failed: %s", error.response.get("error"))
        respond(
            response_type="ephemeral",
            text=":warning: Slack refused the file upload, so nothing was sent. Please try again.",
        )
        return
    respond(
        response_type="ephemeral",
        text=f":inbox_tray: Sent {decisions} as a CSV file in a direct message from me."
        + _left_out(hidden, audience.unchecked),
    )


@after_ack
def more(
    ack: Ack,
    click: Click,
    client: Any,
    context: dict[str, Any],
    services: Services,
    respond: Respond,
) -> None:
    page = click.value_as(LogPageValue)
    if page is None:
        tell_clicker(click, STALE, respond, client)
        return
    filter_ = page.filter if page.filter in LIST_STATES else "all"
    ctx = hire_flow.build_context(services, client, context, click.user)
    show_page(ctx, respond, filter_, page.user or None, page.since, page.offset, replace=True)
