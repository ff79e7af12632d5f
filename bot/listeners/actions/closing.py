"""Closing what is stuck: Cancel on the Home tab (a modal asks for an optional reason), and
"Restart in a new thread" for a conversation whose thread is gone (on the Home tab, in
`/hire show`, in the note to whoever found it). Routing only: the desk (bot.slack.hire)
cancels and restarts through the same use case as `/hire cancel` and `/hire restart`.

A Home tab has no channel to answer in, so it is answered where the person is looking: a
button that can no longer do what it says opens a short note instead of its modal, a
submission that can't be carried out turns its modal into that note, and what was done is
said at the top of the Home tab, drawn again."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks import home as home_blocks
from bot.blocks.common import notice_modal
from bot.blocks.conversation import refusal
from bot.blocks.text import user_text
from bot.core.conversation import Cancel, Refused, decide_move
from bot.core.hire import ConversationView, NotDone
from bot.core.interactions import ConversationValue, Stale, Value
from bot.core.typed_text import storable
from bot.listeners import hire_flow
from bot.listeners.background import after_ack, run_in_background
from bot.listeners.events.home import publish
from bot.services import Services
from bot.slack import modals
from bot.slack.hire import HireDesk, Origin, origin_of
from bot.slack.payloads import Click, read_metadata, team_of, tell_clicker

CANCEL = "cancel this conversation"
REASON_LIMIT = 200


def _conversation_id(value: Value | Stale) -> int | None:
    return value.conversation_id if isinstance(value, ConversationValue) else None


def _conversation(
    desk: HireDesk, origin: Origin, conversation_id: int | None
) -> tuple[ConversationView | None, str | None]:
    """The conversation a Cancel names, or why there is none (a stale or forged button)."""
    if conversation_id is None:
        return None, ":information_source: That button is from an older version of the Home tab."
    view = desk.conversations.get(origin.team, conversation_id, desk.services.clock.now())
    if view is None or view.root_ts is None:
        return None, f":information_source: There is no hiring conversation #{conversation_id}."
    return view, None


def _cancel_refused(view: ConversationView, may: bool) -> str | None:
    """Why the conversation can't be cancelled by someone who `may` (its starter or an
    admin) or may not, or None."""
    outcome = decide_move(view.position, Cancel(None), by_owner=may)
    if isinstance(outcome, Refused):
        return _said(refusal(NotDone(outcome.reason, view), CANCEL), view)
    return None


def _cancellable(
    desk: HireDesk, origin: Origin, conversation_id: int | None
) -> tuple[ConversationView | None, str | None]:
    """The conversation `origin.user` may cancel now, or why not."""
    view, problem = _conversation(desk, origin, conversation_id)
    if view is None:
        return None, problem
    may = origin.user == view.started_by or desk.delivery.is_admin(origin.user)
    problem = _cancel_refused(view, may)
    return (None, problem) if problem else (view, None)


def _said(text: str, view: ConversationView) -> str:
    """A refusal as the Home tab says it: closed ones say how they ended."""
    if view.state == "decided" and view.decision is not None:
        return (
            f":information_source: #{view.id} was already decided, so there is nothing to cancel."
        )
    if view.state == "cancelled":
        return f":information_source: #{view.id} was already cancelled."
    return text


def _cancel_form(view: ConversationView | None, problem: str | None) -> dict[str, Any]:
    """The cancel modal, or the note saying why there is nothing to cancel."""
    if view is None or problem:
        return notice_modal("Nothing to cancel", problem or "")
    return home_blocks.cancel_modal(view.id, view.title)


def open_cancel(
    ack: Ack,
    click: Click,
    body: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    """Home → Cancel…: the modal opens from the ack path (a trigger_id lives 3 seconds), after
    one read of the conversation and before any Web API call, so a stale or forged button is
    answered at once. Whether someone other than its starter is an admin is asked of Slack
    after: their modal opens checking, then becomes the form or the note."""
    ack()
    if click.trigger_id is None:  # nothing can open without one: not a click Slack sent
        return
    origin = origin_of(click)
    desk = HireDesk(services, client)
    view, problem = _conversation(desk, origin, _conversation_id(click.value))
    if view is not None and origin.user != view.started_by:
        modal = modals.open_checking(client, click.trigger_id, "Cancel the conversation")
        if modal is None:
            return
        found = view

        def judge() -> None:
            refused = _cancel_refused(found, desk.delivery.is_admin(origin.user))
            modals.rewrite(client, modal, _cancel_form(found, refused))
            if refused:  # the Home tab's stale row goes
                publish(hire_flow.build_context(services, client, context, origin.user))

        run_in_background(services, judge, body=body, client=client)
        return
    if view is not None:
        problem = _cancel_refused(view, may=True)
    client.views_open(trigger_id=click.trigger_id, view=_cancel_form(view, problem))
    if problem:
        _refresh(services, client, context, origin.user, body)


def submit_cancel(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    """The Home tab's cancel modal: judged again before the ack (it may have been decided
    while the modal was open, and a forged submission names anyone's conversation), so the
    modal itself can say why not; then cancelled through the desk, as `/hire cancel` is."""
    origin = Origin(
        team=team_of(context), user=str((body.get("user") or {}).get("id") or ""), channel=""
    )
    desk = HireDesk(services, client)
    found, problem = _cancellable(desk, origin, _conversation_id(read_metadata(view)))
    if found is None:
        notice = notice_modal("Nothing to cancel", problem or "")
        ack(response_action="update", view=notice)
        _refresh(services, client, context, origin.user, body)
        return
    ack()
    conversation_id = found.id
    values = view.get("state", {}).get("values", {})
    typed = (values.get(home_blocks.CANCEL_REASON_BLOCK, {}).get("value") or {}).get("value")
    reason = " ".join(storable(str(typed or "")).split())[:REASON_LIMIT] or None

    def work() -> None:
        result = desk.act(origin, conversation_id, Cancel(None, reason), CANCEL, tell_refusal=False)
        if isinstance(result, NotDone):
            said = (
                _said(refusal(result, CANCEL), result.view)
                if result.view
                else f":information_source: There is no hiring conversation #{conversation_id} any more."
            )
        else:
            title = user_text(result.after.title, 80)
            said = (
                f":x: Cancelled #{conversation_id} · {title}. Its answers so far stay in the log."
            )
        publish(hire_flow.build_context(services, client, context, origin.user), said)

    run_in_background(services, work, body=body)


@after_ack
def restart_from_home(
    ack: Ack,
    click: Click,
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    """Home → Restart in a new thread: in the channel it was in, if the bot can still post
    there (if not, the Home tab says so and how to restart it elsewhere)."""
    origin = origin_of(click)
    conversation_id = _conversation_id(click.value)
    if conversation_id is None:
        said = ":information_source: That button is from an older version of the Home tab."
    else:
        said = HireDesk(services, client).restart(origin, conversation_id, None)
    publish(hire_flow.build_context(services, client, context, origin.user), said)


@after_ack
def restart_here(
    ack: Ack,
    click: Click,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    """Restart in a new thread, from a message (`/hire show`, the note to whoever found the
    thread gone): in the channel that message is in. What happened is told to the clicker
    alone, on that message."""
    conversation_id = _conversation_id(click.value)
    if conversation_id is None:
        said = ":information_source: That button is from an older version of this message."
    else:
        said = HireDesk(services, client).restart(origin_of(click), conversation_id, click.channel)
    tell_clicker(click, said, respond, client)


def _refresh(
    services: Services,
    client: WebClient,
    context: dict[str, Any],
    user: str,
    body: dict[str, Any],
) -> None:
    """Draw the Home tab again after the ack: its stale rows go."""
    run_in_background(
        services,
        lambda: publish(hire_flow.build_context(services, client, context, user)),
        body=body,
    )
