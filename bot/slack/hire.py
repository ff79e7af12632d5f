"""The hiring conversation at the Slack edge: a payload becomes a typed event, one use case
acts on it, Block Kit renders the result, and the plan is delivered. One direction, for
buttons, modals, typed replies and the reminder job alike."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import conversation as plans
from bot.blocks import hire as hire_blocks
from bot.blocks.common import OUTCOME_LABELS, notice_modal
from bot.content.criteria import Criteria, load_criteria
from bot.core.actor import Actor, Team
from bot.core.conversation import (
    Answer,
    Back,
    Cancel,
    Change,
    Decide,
    Event,
    Openings,
    OrphanCause,
    Refused,
    Reopen,
    Restart,
    decide_move,
)
from bot.core.hire import Acted, ActResult, ConversationView, NotDone, Owed
from bot.core.interactions import (
    AFTER_LAST_STEP,
    ActionId,
    AnswerValue,
    CallbackId,
    DecidedValue,
    DecisionForm,
    OpeningsValue,
    Stale,
    StepValue,
    Value,
    VerdictValue,
)
from bot.core.typed_text import storable
from bot.hiring.conversations import Conversations
from bot.services import Services
from bot.slack.deliver import Delivery, error_code, post_problem, thread_gone
from bot.slack.modals import GuardedForm
from bot.slack.owed import OwedPoster
from bot.slack.payloads import Click, Submitted, read_metadata
from bot.slack.visibility import ChannelAccess
from bot.slack_client import WorkspaceClients

log = logging.getLogger(__name__)

# Told to whoever acted when Slack would not take the next message yet.
POSTING_LATER = (
    ":hourglass_flowing_sand: Slack is slow to take messages right now. Your answer is saved, "
    "and the next message will appear in this thread as soon as Slack takes it."
)


@dataclass(frozen=True)
class Origin:
    """Who did something (and in which workspace), in which channel, on which message."""

    actor: Actor
    channel: str
    clicked_ts: str | None = None
    trigger_id: str | None = None
    # The slash command's `channel_name`: "privategroup"/"directmessage" say it is private.
    channel_name: str | None = None
    # How to tell the person privately where they acted, when the conversation itself can't
    # say where (it is not found, or its thread is gone): a click answers through its
    # response_url, never in a channel its payload names. None: an ephemeral in `channel`.
    reply: Callable[[str], None] | None = field(default=None, compare=False)

    @property
    def team(self) -> Team:
        return self.actor.team

    @property
    def user(self) -> str:
        return self.actor.user


def origin_of(click: Click, actor: Actor, reply: Callable[[str], None] | None = None) -> Origin:
    """Who clicked, where, on which message."""
    return Origin(
        actor=actor,
        channel=click.channel,
        clicked_ts=click.rewritable_ts,
        trigger_id=click.trigger_id,
        reply=reply,
    )


def button_event(action: ActionId | None, value: Value | Stale) -> tuple[int, Event] | None:
    """The conversation and the state-machine event a hiring button asks for, or None when
    the button does not ask for one (modals are opened, not acted)."""
    if action is ActionId.HIRE_ANSWER and isinstance(value, AnswerValue):
        return value.conversation_id, Answer(value.step, value.option, value.version)
    if action is ActionId.HIRE_BACK and isinstance(value, StepValue):
        # Back from the recommendation is drawn after the last question; the desk fills in
        # that step from the criteria.
        return value.conversation_id, Back(value.step, value.to_step, value.version)
    if action is ActionId.HIRE_CANCEL and isinstance(value, StepValue):
        return value.conversation_id, Cancel(value.version)
    if action is ActionId.HIRE_ACCEPT and isinstance(value, VerdictValue):
        return value.conversation_id, Decide(value.recommended, None, value.version)
    if action is ActionId.HIRE_OPENINGS and isinstance(value, OpeningsValue):
        return value.conversation_id, Openings(value.openings, value.version)
    return None


def modal_event(
    callback: CallbackId, form: Value | Stale, outcome: str | None, reason: str
) -> tuple[int, Event] | None:
    """The conversation and the event a submitted decision modal asks for, or None when its
    metadata is not a decision form's or the outcome it needs is missing."""
    if not isinstance(form, DecisionForm):
        return None
    if callback is CallbackId.HIRE_REOPEN:
        return form.conversation_id, Reopen(reason, form.version)
    if callback is CallbackId.HIRE_NOT_HIRING:
        return form.conversation_id, Decide("not_hiring", reason, form.version)
    if outcome is None:
        return None
    if callback is CallbackId.HIRE_CHANGE:
        return form.conversation_id, Change(outcome, reason, form.version)
    return form.conversation_id, Decide(outcome, reason, form.version)


REASON_LIMIT = 1000
# Forms that ask only why: the outcome is the button's (reopen) or fixed (not hiring now).
REASON_ONLY = {CallbackId.HIRE_REOPEN, CallbackId.HIRE_NOT_HIRING}


@dataclass(frozen=True)
class DecisionSubmission:
    """A decision modal as submitted: the event it asks of which conversation, and what a
    refusal says the person may not do."""

    conversation_id: int
    event: Event
    what: str


def read_decision_form(view: dict[str, Any]) -> DecisionSubmission | dict[str, str]:
    """A submitted decision modal (another outcome, change, reopen, not hiring now), or what
    to say beside its fields (by block id), checked before the ack so Slack shows it there."""
    callback = CallbackId(view["callback_id"])  # Bolt routed it here by this id
    form = Submitted(view)
    outcome = form.chosen(hire_blocks.OVERRIDE_OUTCOME_BLOCK)
    reason = " ".join(storable(form.typed(hire_blocks.OVERRIDE_REASON_BLOCK)).split())
    reason = reason[:REASON_LIMIT]
    errors = {}
    if callback not in REASON_ONLY and outcome not in OUTCOME_LABELS:
        errors[hire_blocks.OVERRIDE_OUTCOME_BLOCK] = "Choose what you decided."
    if len(reason) < 3:
        errors[hire_blocks.OVERRIDE_REASON_BLOCK] = (
            "Say why in a few words; it is kept with the decision."
        )
    asked = modal_event(callback, read_metadata(view), outcome, reason)
    if errors or asked is None:
        return errors or {
            hire_blocks.OVERRIDE_REASON_BLOCK: "This form is out of date: close it and start "
            "again from the thread."
        }
    what = "reopen the decision" if callback is CallbackId.HIRE_REOPEN else "record the decision"
    return DecisionSubmission(*asked, what)


def decision_form(click: Click) -> GuardedForm | None:
    """The modal a decision button opens (another outcome, not hiring now, change, reopen),
    for the conversation's starter or an admin; None when the button's value is not one of
    its kind. It needs nothing but the button's value, so it opens at once."""
    value, action = click.value, click.action
    form: dict[str, Any] | None = None
    started_by: str | None = None
    if isinstance(value, VerdictValue):
        drawn, started_by = (value.conversation_id, value.version), value.started_by
        if action is ActionId.HIRE_NOT_HIRING:
            form = hire_blocks.not_hiring_modal(*drawn)
        elif action is ActionId.HIRE_OVERRIDE:
            form = hire_blocks.override_modal(*drawn, value.recommended)
    elif isinstance(value, DecidedValue):
        drawn, started_by = (value.conversation_id, value.version), value.started_by
        if action is ActionId.HIRE_REOPEN:
            form = hire_blocks.reopen_modal(*drawn, value.decided)
        elif action is ActionId.HIRE_CHANGE:
            form = hire_blocks.override_modal(*drawn, value.decided, changing_from=value.decided)
    if form is None:
        return None
    what = "reopen the decision" if action is ActionId.HIRE_REOPEN else "decide"
    refusal = notice_modal(
        "Not yours to decide",
        f":lock: Only <@{started_by}>, who started this conversation, or a workspace "
        f"admin can {what}.",
    )
    return GuardedForm(form, started_by, refusal)


class HireDesk:
    """Carries one request through: use case, then render, then deliver."""

    def __init__(self, services: Services, client: WebClient, criteria: Criteria | None = None):
        self.services = services
        self.criteria = criteria or load_criteria()
        self.conversations = Conversations(services.session_factory, self.criteria)
        self.delivery = Delivery(client)
        self.channels = ChannelAccess(client, services.channels)
        self.owed = OwedPoster(
            self.delivery,
            self.conversations,
            services.clock,
            background=services.background,
            redeliver=self.redeliver,
        )

    def act(
        self,
        origin: Origin,
        conversation_id: int,
        event: Event,
        what: str,
        *,
        tell_refusal: bool = True,
    ) -> ActResult:
        """Act, deliver what the thread now owes, and tell the actor if nothing changed
        (unless the caller explains a refusal itself). One request per conversation at a
        time in this process, so a quick second click's messages never land before the
        first one's (a stale root saying "waiting" after "decided")."""
        with self.services.conversation_locks(origin.team.team_id, conversation_id):
            return self._act(origin, conversation_id, event, what, tell_refusal=tell_refusal)

    def _act(
        self,
        origin: Origin,
        conversation_id: int,
        event: Event,
        what: str,
        *,
        tell_refusal: bool,
    ) -> ActResult:
        if isinstance(event, Back) and event.step == AFTER_LAST_STEP:
            event = Back(len(self.criteria), event.to_step, event.drawn_version)
        now = self.services.clock.now()
        result = self.conversations.act(
            origin.team,
            conversation_id,
            event,
            origin.user,
            now,
            actor_is_admin=origin.actor.is_admin,
        )
        if isinstance(result, NotDone):
            view = result.view
            if tell_refusal and result.reason != "unchanged":  # a resubmission: said already
                said = plans.refusal(result, what)
                if view is not None and result.reason != "orphaned":
                    self.delivery.tell(view.channel_id, origin.user, said, view.root_ts)
                elif origin.reply is not None:
                    origin.reply(said)
                else:
                    # Not found, or its thread is gone: told where the person is.
                    channel = origin.channel or (view.channel_id if view is not None else "")
                    self.delivery.tell(channel, origin.user, said)
            return result
        self.carry_out(result, origin.actor, origin.clicked_ts)
        return result

    def start(self, origin: Origin, title: str, *, once: str | None = None) -> str | None:
        """Open a conversation: the root message in the channel, then the first question in
        its thread. None when it started (or, with a `once` key already used, had started);
        otherwise what to tell the person who asked.

        The conversation and its owed root are stored first (the outbox), so a crash or a
        Slack outage after that never loses it: the root is posted by whoever finds it
        owed, once (see `redeliver`)."""
        now = self.services.clock.now()
        # Stored with the conversation, so the log shows it only to those who can read the
        # channel (bot.core.visibility) without asking Slack for every row.
        private = self.channels.is_private(origin.channel, origin.channel_name)
        started = self.conversations.start(
            origin.team, title, origin.user, origin.channel, now, private_channel=private, once=once
        )
        if started is None:
            return None
        view, owed = started
        try:
            root_ts = self.owed.send(owed, view.channel_id, plans.root(view))
        except SlackApiError as error:
            code = error_code(error)
            log.info("could not start a conversation in %s: %s", origin.channel, code)
            self.conversations.abandon(view)
            return f":warning: I can't start a hiring conversation here: {post_problem(code)}."
        if root_ts is None:
            return (
                f":hourglass_flowing_sand: Slack is slow to take messages right now. "
                f"Hiring decision #{view.id} is saved, and its thread will appear here as "
                "soon as Slack takes it."
            )
        self._rooted(view, owed, root_ts, origin.actor)
        return None

    def _rooted(
        self, view: ConversationView, owed: Owed, root_ts: str, actor: Actor | None
    ) -> None:
        """The root is in Slack: record it, then ask the first question it now owes."""
        view, step = self.conversations.attach_root(view, owed, root_ts, self.services.clock.now())
        if step is not None:
            self.deliver(view, [plans.next_step(view, self.criteria)], actor, step)

    def cancel(self, origin: Origin, conversation_id: int, reason: str | None) -> str:
        """`/hire cancel <id> [reason]`: works from any channel, and for a conversation whose
        thread is gone. What to tell the person who asked."""
        event = Cancel(None, reason)
        result = self.act(
            origin, conversation_id, event, "cancel this conversation", tell_refusal=False
        )
        if isinstance(result, NotDone):
            if result.reason == "not_found":
                return (
                    f":information_source: There is no hiring conversation #{conversation_id} here."
                )
            return plans.refusal(result, "cancel this conversation")
        return f":x: Cancelled #{conversation_id}. Its answers so far stay in the log" + (
            ", with your reason." if reason else "."
        )

    def restart(self, origin: Origin, conversation_id: int, channel: str | None) -> str:
        """`/hire restart <id>` and the "Restart in a new thread" buttons: carry an orphaned
        conversation on in a new thread in `channel` (None: the channel it was in, from the
        Home tab), with its answers so far. What to tell the person who asked."""
        with self.services.conversation_locks(origin.team.team_id, conversation_id):
            return self._restart(origin, conversation_id, channel)

    def _restart(self, origin: Origin, conversation_id: int, channel: str | None) -> str:
        now = self.services.clock.now()
        view = self.conversations.get(origin.team, conversation_id, now)
        if view is None or view.root_ts is None:
            return f":information_source: There is no hiring conversation #{conversation_id} here."
        what = "restart this conversation"
        where = channel or view.channel_id
        if view.private_channel and where != view.channel_id:
            # Its title, answers and thread would reach people who could not read it.
            return (
                f":lock: #{view.id} was started in a private channel, so it can only go on "
                f"there: type `/hire restart {view.id}` in <#{view.channel_id}>, or use "
                "*Restart in a new thread* on your Home tab."
            )
        # Judged before anything is posted, so a refusal leaves no stray root behind; the
        # move itself is judged again (guarded) once the new root is out.
        probe = decide_move(
            view.position,
            Restart(where, "", view.version),
            by_owner=origin.actor.may_act_for(view.started_by),
        )
        if isinstance(probe, Refused):
            return plans.refusal(NotDone(probe.reason, view), what)
        resumed = replace(view, state=probe.target.state, channel_id=where)
        try:
            root_ts = self.delivery.post(where, plans.root(resumed))
        except SlackApiError as error:
            code = error_code(error)
            log.info("could not restart conversation %s in %s: %s", view.id, where, code)
            if channel is None:
                return (
                    f":warning: I can't post in <#{where}> any more: {post_problem(code)}. "
                    f"Type `/hire restart {view.id}` in the channel where it should go on."
                )
            return f":warning: I can't restart it here: {post_problem(code)}."
        result = self.conversations.act(
            origin.team,
            view.id,
            Restart(where, root_ts, view.version),
            origin.user,
            now,
            actor_is_admin=origin.actor.is_admin,
        )
        if isinstance(result, NotDone):  # restarted elsewhere meanwhile: take ours back
            self.delivery.delete(where, root_ts)
            return plans.refusal(result, what)
        self.carry_out(result, origin.actor, None)
        answered = len(result.after.answers)
        carried = (
            "no answers yet"
            if answered == 0
            else "its answer so far"
            if answered == 1
            else f"its {answered} answers so far"
        )
        return f":recycle: Restarted #{view.id} in a new thread in <#{where}>, with {carried}."

    def carry_out(self, acted: Acted, actor: Actor, clicked_ts: str | None) -> None:
        self.deliver(
            acted.after, plans.after_act(acted, self.criteria, clicked_ts), actor, acted.owed
        )

    def deliver(
        self,
        view: ConversationView,
        outputs: list[plans.Output],
        actor: Actor | None,
        owed: Owed | None = None,
    ) -> None:
        """Carry out a plan for `view`; `owed` is the outbox row of its question or
        recommendation (the Post it `remember`s), recorded with the change.

        A Slack answer saying the thread is gone (see `thread_gone`) is reported to the use
        case, which marks the conversation orphaned: what is left of the plan is then
        dropped and `actor` (None for a job) is told. No call is added to find out: the
        plan's own posts and rewrites are the probe. If Slack will not take the owed message
        yet, it stays owed for a later try (`redeliver`), the person is told, and the rest of
        the plan goes on.
        """
        for output in outputs:
            if isinstance(output, plans.Post):
                owing = owed if output.remember is not None else None
                try:
                    ts = (
                        self.delivery.post(view.channel_id, output.message, view.root_ts)
                        if owing is None
                        else self.owed.send(owing, view.channel_id, output.message, view.root_ts)
                    )
                except SlackApiError as error:
                    refused = error_code(error)
                    cause = (
                        thread_gone(refused, posting=True, on_root=True) if view.root_ts else None
                    )
                    if owing is not None:
                        self.conversations.finish_owed(
                            owing, "failed", self.services.clock.now(), refused
                        )
                    if cause is not None and self.found_gone(view, cause, actor):
                        return
                    raise
                if ts is None:  # Slack would not take it yet: it stays owed for a later try
                    if actor is not None:
                        self.delivery.tell(view.channel_id, actor.user, POSTING_LATER, view.root_ts)
                    continue
                now = self.services.clock.now()
                if output.remember is not None and not self.conversations.record_step(
                    view, owing, ts, now
                ):
                    log.info("conversation %s moved on while its message was posted", view.id)
            elif isinstance(output, plans.Rewrite):
                code = self.delivery.update(view.channel_id, output.ts, output.message)
                on_root = output.ts is not None and output.ts == view.root_ts
                cause = thread_gone(code, posting=False, on_root=on_root)
                if cause is not None and self.found_gone(view, cause, actor):
                    return
            elif actor is not None:
                self.delivery.tell(
                    view.channel_id, actor.user, output.text, view.root_ts, output.message
                )

    def redeliver(self, owed: Owed, view: ConversationView) -> None:
        """Deliver a message that was owed and not delivered in time (its request crashed,
        the database went away before its ts was stored, or Slack refused it for a while),
        taken over by this process. An earlier try that got through is found by its key and
        recorded rather than posted again; a message the conversation no longer needs is
        superseded."""
        now = self.services.clock.now()
        if owed.kind == "root":
            if view.root_ts is not None or not view.is_open:
                # Delivered and recorded after all, or closed (`/hire cancel`) before its
                # thread ever appeared: nobody needs it now.
                self.conversations.finish_owed(owed, "superseded", now)
                return
            try:
                root_ts = self.owed.send(owed, view.channel_id, plans.root(view))
            except SlackApiError as error:
                code = error_code(error)
                log.warning("conversation %s could not be started: %s", view.id, code)
                self.conversations.finish_owed(owed, "failed", now, code)
                self.conversations.abandon(view)
                self.delivery.tell_directly(
                    view.started_by,
                    f":warning: I couldn't start *{view.title}* in <#{view.channel_id}>: "
                    f"{post_problem(code)}.",
                )
                return
            if root_ts is not None:
                self._rooted(view, owed, root_ts, None)
            return
        if owed.kind == "step":
            if owed.version != view.version or not view.owes_step:
                self.conversations.finish_owed(owed, "superseded", now)
                return
            self.deliver(view, [plans.next_step(view, self.criteria)], None, owed)
            return
        self.remind(view, owed)

    def remind(self, view: ConversationView, owed: Owed) -> str | None:
        """Post the reminder owed for `view`'s idle spell (or record an earlier try that got
        through). Slack's refusal code when it refused for good, else None."""
        now = self.services.clock.now()
        if not view.is_open or view.version != owed.version or view.root_ts is None:
            self.conversations.complete_nudge(owed, None, "skipped", now)  # answered meanwhile
            return None
        [reminder] = plans.nudge(view, self.criteria)
        assert isinstance(reminder, plans.Post)
        try:
            ts = self.owed.send(owed, view.channel_id, reminder.message, view.root_ts)
        except SlackApiError as error:
            code = error_code(error)
            log.warning("nudge for conversation %s failed: %s", view.id, code)
            self.conversations.complete_nudge(owed, None, "failed", now, code)
            cause = thread_gone(code, posting=True, on_root=True)
            if cause is not None:  # nobody can answer there any more: say so everywhere
                self.conversations.orphan(view, cause, "", now)
            return code
        if ts is not None:
            self.conversations.complete_nudge(owed, ts, "posted", now)
        return None

    def found_gone(self, view: ConversationView, cause: OrphanCause, actor: Actor | None) -> bool:
        """Slack says `view`'s thread is gone: the conversation is orphaned (by this report
        or an earlier one) and whoever acted is told, with the way on. False when it
        is not orphaned: it was closed anyway (a cancel or a decision needs no thread), or
        it was already restarted elsewhere."""
        who = actor.user if actor is not None else ""
        result = self.conversations.orphan(view, cause, who, self.services.clock.now())
        orphaned = isinstance(result, Acted) or result.reason == "orphaned"
        if not orphaned:
            return False
        log.info("conversation %s orphaned: its %s is gone", view.id, cause)
        if actor is not None:
            may_restart = actor.may_act_for(view.started_by)
            message = hire_blocks.orphaned_message(view.id, cause, may_restart=may_restart)
            self.delivery.tell(view.channel_id, actor.user, message.text, None, message)
        return True


class WorkspaceDesks:
    """A job's desk for each workspace it meets, built once per run; None for a workspace
    the bot cannot reach (uninstalled, or its token refused during the run)."""

    def __init__(self, services: Services, clients: WorkspaceClients, criteria: Criteria):
        self.services, self.clients, self.criteria = services, clients, criteria
        self._desks: dict[int, HireDesk | None] = {}

    def get(self, workspace_id: int) -> HireDesk | None:
        if workspace_id not in self._desks:
            client = self.clients.for_workspace(workspace_id)
            self._desks[workspace_id] = (
                None if client is None else HireDesk(self.services, client, self.criteria)
            )
        return self._desks[workspace_id]

    def unreachable(self, workspace_id: int) -> None:
        self._desks[workspace_id] = None
