"""Closing what is stuck: Cancel on the Home tab (a modal asks for an optional reason), and
"Restart in a new thread" for a conversation whose thread is gone (on the Home tab, in
`/hire show`, in the note to whoever found it). Cancelled and restarted through the same
use case as `/hire cancel` and `/hire restart` (bot.slack.hire).

A Home tab has no channel to answer in, so it is answered where the person is looking: a
button that can no longer do what it says opens a short note instead of its modal, a
submission that can't be carried out turns its modal into that note, and what was done is
said at the top of the Home tab, drawn again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.blocks import home as home_blocks
from bot.blocks.common import notice_modal
from bot.blocks.conversation import refusal
from bot.blocks.text import user_text
from bot.core.actor import Actor
from bot.core.conversation import Cancel, Refused, decide_move
from bot.core.hire import ConversationView, NotDone
from bot.core.interactions import ConversationValue, Stale, Value
from bot.core.typed_text import storable
from bot.services import Services
from bot.slack import modals
from bot.slack.hire import HireDesk, Origin, origin_of
from bot.slack.home import HomeDesk
from bot.slack.payloads import Click, Submitted, read_metadata

CANCEL = "cancel this conversation"
REASON_LIMIT = 200
OLDER_HOME_TAB = ":information_source: That button is from an older version of the Home tab."


@dataclass(frozen=True)
class CancelSubmission:
    """The Home tab's cancel modal, judged: the conversation to cancel, and why (if said)."""

    conversation_id: int
    reason: str | None


@dataclass(frozen=True)
class NothingToCancel:
    """The note the submitted modal becomes instead."""

    modal: dict[str, Any]


def _conversation_id(value: Value | Stale) -> int | None:
    return value.conversation_id if isinstance(value, ConversationValue) else None


def _said(text: str, view: ConversationView) -> str:
    """A refusal as the Home tab says it: closed ones say how they ended."""
    if view.state == "decided" and view.decision is not None:
        return (
            f":information_source: #{view.id} was already decided, so there is nothing to cancel."
        )
    if view.state == "cancelled":
        return f":information_source: #{view.id} was already cancelled."
    return text


def _cancel_refused(view: ConversationView, may: bool) -> str | None:
    """Why the conversation can't be cancelled by someone who `may` (its starter or an
    admin) or may not, or None."""
    outcome = decide_move(view.position, Cancel(None), by_owner=may)
    if isinstance(outcome, Refused):
        return _said(refusal(NotDone(outcome.reason, view), CANCEL), view)
    return None


def _cancel_form(view: ConversationView | None, problem: str | None) -> dict[str, Any]:
    """The cancel modal, or the note saying why there is nothing to cancel."""
    if view is None or problem:
        return notice_modal("Nothing to cancel", problem or "")
    return home_blocks.cancel_modal(view.id, view.title)


class ClosingDesk:
    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.client = client
        self.hire = HireDesk(services, client)
        self.home = HomeDesk(services, client)

    def _conversation(
        self, actor: Actor, conversation_id: int | None
    ) -> tuple[ConversationView | None, str | None]:
        """The conversation a Cancel names, or why there is none (a stale or forged button)."""
        if conversation_id is None:
            return None, OLDER_HOME_TAB
        now = self.services.clock.now()
        view = self.hire.conversations.get(actor.team, conversation_id, now)
        if view is None or view.root_ts is None:
            return None, f":information_source: There is no hiring conversation #{conversation_id}."
        return view, None

    # -- cancel, from the Home tab ----------------------------------------------------------
    def open_cancel(
        self, actor: Actor, value: Value | Stale, trigger_id: str
    ) -> Callable[[], None] | None:
        """Home → Cancel…: the modal opens at once (a trigger_id lives 3 seconds), after one
        read of the conversation and before any Web API call, so a stale or forged button is
        answered at once. Whether someone other than its starter is an admin is asked of
        Slack after: their modal opens checking, then becomes the form or the note. Returns
        the work left for after the ack."""
        view, problem = self._conversation(actor, _conversation_id(value))
        if view is not None and actor.user != view.started_by:
            modal = modals.open_checking(self.client, trigger_id, "Cancel the conversation")
            if modal is None:
                return None
            found = view

            def judge() -> None:
                refused = _cancel_refused(found, actor.is_admin())
                modals.rewrite(self.client, modal, _cancel_form(found, refused))
                if refused:  # the Home tab's stale row goes
                    self.home.publish(actor)

            return judge
        if view is not None:
            problem = _cancel_refused(view, may=True)
        self.client.views_open(trigger_id=trigger_id, view=_cancel_form(view, problem))
        # Draw the Home tab again: its stale row goes.
        return (lambda: self.home.publish(actor)) if problem else None

    def check_cancel(
        self, view: dict[str, Any], actor: Actor
    ) -> CancelSubmission | NothingToCancel:
        """The submitted cancel modal, judged again before the ack (it may have been decided
        while the modal was open, and a forged submission names anyone's conversation), so
        the modal itself can say why not."""
        found, problem = self._conversation(actor, _conversation_id(read_metadata(view)))
        if found is not None:
            problem = _cancel_refused(found, actor.may_act_for(found.started_by))
        if found is None or problem:
            return NothingToCancel(notice_modal("Nothing to cancel", problem or ""))
        typed = Submitted(view).typed(home_blocks.CANCEL_REASON_BLOCK)
        reason = " ".join(storable(typed).split())[:REASON_LIMIT] or None
        return CancelSubmission(found.id, reason)

    def cancel(self, actor: Actor, asked: CancelSubmission) -> None:
        """Cancel through the desk, as `/hire cancel` does; the Home tab says how it went."""
        conversation_id = asked.conversation_id
        origin = Origin(actor=actor, channel="")
        event = Cancel(None, asked.reason)
        result = self.hire.act(origin, conversation_id, event, CANCEL, tell_refusal=False)
        if isinstance(result, NotDone):
            said = (
                _said(refusal(result, CANCEL), result.view)
                if result.view
                else f":information_source: There is no hiring conversation #{conversation_id} "
                "any more."
            )
        else:
            title = user_text(result.after.title, 80)
            said = (
                f":x: Cancelled #{conversation_id} · {title}. Its answers so far stay in the log."
            )
        self.home.publish(actor, said)

    # -- restart in a new thread ------------------------------------------------------------
    def restart_from_home(self, click: Click, actor: Actor) -> None:
        """In the channel it was in, if the bot can still post there (if not, the Home tab
        says so and how to restart it elsewhere)."""
        conversation_id = _conversation_id(click.value)
        if conversation_id is None:
            said = OLDER_HOME_TAB
        else:
            said = self.hire.restart(origin_of(click, actor), conversation_id, None)
        self.home.publish(actor, said)

    def restart_here(self, click: Click, actor: Actor) -> str:
        """From a message (`/hire show`, the note to whoever found the thread gone): in the
        channel that message is in. What to tell the clicker."""
        conversation_id = _conversation_id(click.value)
        if conversation_id is None:
            return ":information_source: That button is from an older version of this message."
        return self.hire.restart(origin_of(click, actor), conversation_id, click.channel)
