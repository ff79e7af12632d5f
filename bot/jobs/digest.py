"""Post every digest that is due, exactly once per workspace and period.

The scheduler in each process (and `hiring-bot digest` from cron) calls this; the
database decides who posts: a run is claimed by inserting its (workspace, period) row
first. Each digest covers [previous due time, its due time) (see `bot.core.digest`). A
digest missed while every process was down is still posted within the grace period; an
older one, and every earlier period the bot slept through, is recorded as missed, the
process that records it tells whoever configured the digest in a DM, and the next digest
says so. Slack errors are recorded and shown to whoever configured the digest; one
workspace's failure never stops the others.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.digest import digest_message
from bot.core.digest import (
    MISSED_LOOKBACK,
    describe_due,
    earlier_dues,
    latest_due,
    period_bounds,
    period_key,
    period_label,
)
from bot.core.log_views import SettingsView
from bot.core.visibility import Audience
from bot.hiring.digest import DigestStore, RunClaim
from bot.services import Services
from bot.slack.deliver import Delivery, failure_code, is_transient, post_problem
from bot.slack.links import workspace_url
from bot.slack_client import DEAD_TOKEN_ERRORS, WorkspaceClients

log = logging.getLogger(__name__)

# Workspaces are independent and mostly wait on Slack, so a few are posted at once.
PARALLEL_WORKSPACES = 8
# A claimed digest is its claimer's for this long: far longer than a post with every retry
# of the Web API client, so only a process that died (or hangs) loses it to another.
LEASE = timedelta(minutes=10)
# After a transient failure the next try is from 1 minute later, then 2, 4 … at most 30,
# while the digest is within its grace period; after that it is a failure like any other.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MOST = timedelta(minutes=30)
# The digest's message carries its run in Slack's message metadata, so a process taking
# over a run can tell whether the previous attempt's post reached the channel.
DIGEST_EVENT = "hiring_digest"


def post_due_digests(services: Services, clients: WorkspaceClients, identity: str) -> int:
    store = DigestStore(services.session_factory)
    now = services.clock.now()
    grace = timedelta(seconds=services.settings.digest_grace_seconds)
    work: list[_Work] = []
    for settings in store.scheduled():
        due = latest_due(settings.schedule, now)
        # A schedule only applies from when it was set: no surprise post for last week.
        if settings.updated_at is not None and due < settings.updated_at:
            continue
        if store.is_done_or_held(settings.workspace_id, period_key(settings.schedule, due), now):
            continue
        # The periods the bot slept through: every due time with no run since the schedule
        # was set (newest first), and this one too when it is past its grace period.
        missed = [] if now - due <= grace else [due]
        for earlier in earlier_dues(settings.schedule, due, MISSED_LOOKBACK):
            if settings.updated_at is not None and earlier < settings.updated_at:
                break
            if store.has_run(settings.workspace_id, period_key(settings.schedule, earlier)):
                break
            missed.append(earlier)
        work.append(_Work(settings, None if missed[:1] == [due] else due, missed))
    if not work:
        return 0

    def one(item: _Work) -> int:
        settings = item.settings
        try:
            client = clients.for_workspace(settings.workspace_id)
            _record_missed(store, client, settings, item.missed, identity, now)
            if item.due is None or client is None:
                # Uninstalled: nothing is claimed, so a reinstall within the grace period
                # still gets this week's digest.
                return 0
            key = period_key(settings.schedule, item.due)
            claim = store.take(settings.workspace_id, key, identity, now, LEASE)
            if claim is None:
                return 0  # done, or another process holds it
            return _post(store, clients, client, settings, claim, item.due, now, grace)
        except Exception:
            log.exception("digest for workspace %s failed; carrying on", settings.workspace_id)
            return 0

    with ThreadPoolExecutor(max_workers=PARALLEL_WORKSPACES, thread_name_prefix="digest") as pool:
        return sum(pool.map(one, work))


@dataclass(frozen=True)
class _Work:
    settings: SettingsView
    due: datetime | None  # the digest to post now, if it is within its grace period
    missed: list[datetime]  # due times of digests never posted, newest first


def _record_missed(
    store: DigestStore,
    client: WebClient | None,
    settings: SettingsView,
    missed: list[datetime],
    identity: str,
    now: datetime,
) -> None:
    """Record each missed period once (the claim decides which process) and tell whoever
    configured the digest about the ones this process recorded."""
    schedule = settings.schedule
    recorded = [
        due
        for due in reversed(missed)
        if store.claim(
            settings.workspace_id, period_key(schedule, due), identity, now, status="missed"
        )
        is not None
    ]
    if not recorded:
        return
    labels = [period_label(schedule.zone, *period_bounds(schedule, due)) for due in recorded]
    log.info("digests %s of workspace %s were missed", labels, settings.workspace_id)
    if client is None or not settings.configured_by:
        return
    if len(recorded) == 1:
        said = f"The hiring digest for {labels[0]} was"
    else:
        said = f"The hiring digests for {', '.join(labels)} were"
    try:
        client.chat_postMessage(
            channel=settings.configured_by,
            text=f":warning: {said} not posted in <#{settings.channel_id}>: the bot was "
            f"offline when it was due ({describe_due(schedule, recorded[-1])}) and came back "
            "after the grace period. The next digest will say so; `/hire list decided` shows "
            "those decisions, and `/hire digest now` posts this week so far.",
        )
    except SlackApiError as error:
        log.warning(
            "could not tell %s about the missed digest: %s",
            settings.configured_by,
            error.response.get("error"),
        )


def _post(
    store: DigestStore,
    clients: WorkspaceClients,
    client: WebClient,
    settings: SettingsView,
    claim: RunClaim,
    due: datetime,
    now: datetime,
    grace: timedelta,
) -> int:
    assert settings.channel_id is not None
    workspace_id, channel = settings.workspace_id, settings.channel_id
    run_id, attempt = claim.run_id, claim.attempt
    delivery = Delivery(client)
    marker = {"run": run_id, "workspace": workspace_id}
    digest = store.build(
        workspace_id,
        *period_bounds(settings.schedule, due),
        workspace_url(client),
        audience=Audience.posted_in(settings.channel_id),
        schedule=settings.schedule,
    )
    if digest.quiet and not settings.post_when_quiet:
        # Done for this period (never retried), with nothing to show in the channel.
        store.complete(
            workspace_id, run_id, "posted", now, error="quiet week: not posted", attempt=attempt
        )
        return 0
    message = replace(
        digest_message(digest, now),
        metadata={"event_type": DIGEST_EVENT, "event_payload": marker},
    )
    try:
        # An earlier attempt may have posted and died before recording it: never post twice.
        earlier = (
            delivery.find_posted(channel, claim.first_claimed_at, DIGEST_EVENT, marker)
            if attempt > 1
            else None
        )
        ts = earlier or delivery.post(channel, message)
    except (SlackApiError, OSError) as error:
        code = failure_code(error)
        retry_at = now + min(RETRY_FIRST * 2 ** (attempt - 1), RETRY_MOST)
        if is_transient(error) and retry_at - due <= grace:
            # Slack or the network is having a moment: any process tries again from then.
            log.warning(
                "digest for workspace %s failed (%s) on attempt %d; next try from %s",
                workspace_id,
                code,
                attempt,
                retry_at.isoformat(timespec="seconds"),
            )
            store.postpone(workspace_id, claim, retry_at, code)
            return 0
        store.complete(
            workspace_id, run_id, "failed", now, channel_id=channel, error=code, attempt=attempt
        )
        store.record_error(workspace_id, code, now)
        clients.token_refused(workspace_id, client, code)
        tell_configurer(client, settings, code)
        return 0
    store.complete(
        workspace_id, run_id, "posted", now, channel_id=channel, message_ts=ts, attempt=attempt
    )
    if settings.last_error:
        store.record_error(workspace_id, None, now)
    return 1


def tell_configurer(client: WebClient, settings: SettingsView, code: str) -> None:
    if not settings.configured_by or code in DEAD_TOKEN_ERRORS:
        log.warning(
            "digest for workspace %s failed with %s and nobody can be told in Slack",
            settings.workspace_id,
            code,
        )
        return
    try:
        client.chat_postMessage(
            channel=settings.configured_by,
            text=f":warning: This week's hiring digest could not be posted in "
            f"<#{settings.channel_id}>: {post_problem(code)}. Pick another channel with "
            "`/hire digest channel #name`, or try again with `/hire digest now`.",
        )
    except SlackApiError as error:
        log.warning(
            "could not tell %s about the digest: %s",
            settings.configured_by,
            error.response.get("error"),
        )
