"""Check-ins at the Slack edge: send the DM of a claimed check-in (exactly once: an
attempt that takes over a lapsed claim first looks in the DM for an earlier attempt's
message, by its metadata), record a click or the note modal, and redraw the DM."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.checkin import (
    CHECKIN_EVENT,
    NOTE_ANSWER_BLOCK,
    NOTE_TEXT_BLOCK,
    checkin_message,
    note_modal,
    refused_text,
)
from bot.core.actor import Actor
from bot.core.checkins import (
    ANSWERS,
    NOTE_LIMIT,
    CheckinAnswered,
    CheckinClaim,
    CheckinRefused,
    CheckinSetting,
    describe_setting,
)
from bot.core.digest_settings import SettingsRefused
from bot.core.interactions import CheckinValue
from bot.core.typed_text import storable
from bot.hiring.checkins import Checkins
from bot.services import Services
from bot.slack.actor import workspace_of
from bot.slack.deliver import Delivery, failure_code, is_transient
from bot.slack.digest_settings import DigestSettingsDesk
from bot.slack.payloads import Submitted, read_metadata
from bot.slack_client import WorkspaceClients

log = logging.getLogger(__name__)

# A claimed check-in is its claimer's for this long: far longer than a DM with every retry
# of the Web API client, so only a process that died (or hangs) loses it to another.
LEASE = timedelta(minutes=10)
# After a passing failure (Slack's server errors, rate limits, the network) the next try is
# from 1 minute later, then 2, 4 … at most an hour; after MAX_ATTEMPTS it is given up.
# Anything else (the decider left, can't be messaged …) is given up at once: no retry storm.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MOST = timedelta(hours=1)
MAX_ATTEMPTS = 8


def send_checkin(
    services: Services, clients: WorkspaceClients, client: WebClient, claim: CheckinClaim
) -> bool:
    """Send a claimed check-in's DM and record it; True when it is in Slack."""
    store = Checkins(services.session_factory)
    view = claim.view
    now = services.clock.now()
    delivery = Delivery(client)
    marker = {"checkin": view.id, "workspace": view.workspace_id}
    message = replace(
        checkin_message(view), metadata={"event_type": CHECKIN_EVENT, "event_payload": marker}
    )
    try:
        channel = delivery.open_direct(view.decided_by)
        earlier = (
            delivery.find_posted(channel, claim.first_claimed_at, CHECKIN_EVENT, marker)
            if claim.attempt > 1
            else None
        )
        ts = earlier or delivery.post(channel, message)
    except (SlackApiError, OSError) as error:
        code = failure_code(error)
        if is_transient(error) and claim.attempt < MAX_ATTEMPTS:
            retry_at = now + min(RETRY_FIRST * 2 ** (claim.attempt - 1), RETRY_MOST)
            log.warning(
                "check-in %s failed (%s) on attempt %d; next try from %s",
                view.id,
                code,
                claim.attempt,
                retry_at.isoformat(timespec="seconds"),
            )
            store.postpone(claim, retry_at, code)
            return False
        log.warning("check-in %s could not be sent to %s: %s", view.id, view.decided_by, code)
        store.failed(claim, now, code)
        clients.token_refused(view.workspace_id, client, code)
        return False
    store.sent(claim, now, channel, ts)
    return True


@dataclass(frozen=True)
class NoteSubmission:
    """The note modal as submitted: the answer picked and the note typed (if any)."""

    checkin_id: int
    version: int
    answer: str
    note: str | None


def read_note_form(view: dict[str, Any]) -> NoteSubmission | dict[str, str]:
    """The submitted note modal, or what to say beside its fields (by block id)."""
    form = Submitted(view)
    answer = form.chosen(NOTE_ANSWER_BLOCK)
    # Kept as typed, minus what no database stores; escaped whenever it is shown.
    note = storable(form.typed(NOTE_TEXT_BLOCK)).strip()[:NOTE_LIMIT] or None
    drawn = read_metadata(view)
    if not isinstance(drawn, CheckinValue):
        return {NOTE_ANSWER_BLOCK: "This form is out of date; close it."}
    if answer not in ANSWERS:
        return {NOTE_ANSWER_BLOCK: "Choose an answer."}
    return NoteSubmission(drawn.checkin_id, drawn.version, answer, note)


class CheckinDesk:
    """The DM's buttons and note modal, for one workspace's client."""

    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.store = Checkins(services.session_factory)
        self.delivery = Delivery(client)
        self.client = client

    def answer(
        self,
        actor: Actor,
        checkin_id: int,
        answer: str,
        note: str | None,
        seen_version: int,
    ) -> None:
        """Record the answer; redraw the DM with what stands; a refusal is told there."""
        user = actor.user
        workspace_id = workspace_of(self.services, actor.team)
        now = self.services.clock.now()
        result = self.store.answer(workspace_id, checkin_id, user, answer, note, seen_version, now)
        view = result.view
        if view is not None and view.channel_id and view.message_ts:
            self.delivery.update(view.channel_id, view.message_ts, checkin_message(view))
        if isinstance(result, CheckinRefused):
            where = view.channel_id if view is not None and view.channel_id else None
            if where:
                self.delivery.tell(where, user, refused_text(result.why))
            else:
                self.delivery.tell_directly(user, refused_text(result.why))
        elif isinstance(result, CheckinAnswered):
            log.info("check-in %s answered %s", checkin_id, answer)

    def setting(self, actor: Actor, asked: CheckinSetting) -> str:
        """`/hire checkin …`: show the setting (anyone), or change it (admins and digest
        managers, like the digest's settings)."""
        workspace_id = workspace_of(self.services, actor.team)
        if asked.after_days is None:
            days = self.store.after_days(workspace_id)
            return (
                f":crystal_ball: Check-ins: {describe_setting(days)}. The decider is asked in a "
                "direct message whether the call held up. Admins and digest managers change "
                "it with `/hire checkin after <days>` or `/hire checkin off`."
            )
        result = self.store.set_after_days(
            workspace_id,
            actor.user,
            # Asked before the change's transaction, which holds the workspace's lock.
            actor_is_admin=actor.is_admin(),
            days=asked.after_days,
            now=self.services.clock.now(),
        )
        if isinstance(result, SettingsRefused):
            return DigestSettingsDesk(self.services, self.client).refusal(
                result, "change the check-ins"
            )
        before, after = result
        if before == after:
            return f":information_source: Check-ins are already {describe_setting(after)}."
        if after == 0:
            return ":no_bell: Check-ins are off: nobody is asked whether a decision held up."
        return (
            f":crystal_ball: Check-ins are now {describe_setting(after)} (were "
            f"{describe_setting(before)}): the decider is asked in a direct message whether "
            "the call held up."
        )

    def open_note(self, actor: Actor, checkin_id: int, trigger_id: str) -> None:
        """Opened right after the ack (the trigger_id lasts three seconds), showing the
        answer and note that stand (one read, no Web API call before views.open)."""
        view = self.store.view(workspace_of(self.services, actor.team), checkin_id)
        if view is None or actor.user != view.decided_by:
            self.delivery.tell_directly(
                actor.user, refused_text("Only the person who made this decision can answer it.")
            )
            return
        self.client.views_open(trigger_id=trigger_id, view=note_modal(view))
