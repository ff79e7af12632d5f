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
from dataclasses import dataclass
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
from bot.hiring.digest import DigestStore
from bot.services import Services
from bot.slack.deliver import Delivery, post_problem
from bot.slack.links import workspace_url
from bot.slack_client import DEAD_TOKEN_ERRORS, WorkspaceClients

log = logging.getLogger(__name__)

# Workspaces are independent and mostly wait on Slack, so a few are posted at once.
PARALLEL_WORKSPACES = 8


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
        if store.has_run(settings.workspace_id, period_key(settings.schedule, due)):
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
            run_id = store.claim(
                settings.workspace_id, period_key(settings.schedule, item.due), identity, now
            )
            if run_id is None:
                return 0  # another process got there first
            return _post(store, clients, client, settings, run_id, item.due, now)
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
    run_id: int,
    due: datetime,
    now: datetime,
) -> int:
    assert settings.channel_id is not None
    digest = store.build(
        settings.workspace_id,
        *period_bounds(settings.schedule, due),
        workspace_url(client),
        audience=Audience.posted_in(settings.channel_id),
        schedule=settings.schedule,
    )
    workspace_id = settings.workspace_id
    if digest.quiet and not settings.post_when_quiet:
        # Done for this period (never retried), with nothing to show in the channel.
        store.complete(workspace_id, run_id, "posted", now, error="quiet week: not posted")
        return 0
    try:
        ts = Delivery(client).post(settings.channel_id, digest_message(digest, now))
    except SlackApiError as error:
        code = str(error.response.get("error"))
        store.complete(
            workspace_id, run_id, "failed", now, channel_id=settings.channel_id, error=code
        )
        store.record_error(workspace_id, code, now)
        clients.token_refused(workspace_id, client, code)
        tell_configurer(client, settings, code)
        return 0
    store.complete(
        workspace_id, run_id, "posted", now, channel_id=settings.channel_id, message_ts=ts
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
