"""Post every digest that is due, exactly once per workspace and period.

The scheduler in each process (and `hiring-bot digest` from cron) calls this; the
database decides who posts: a run is claimed by inserting its (workspace, period) row
first. A digest missed while every process was down is still posted within the grace
period; an older one is recorded as missed. Slack errors are recorded and shown to whoever
configured the digest; one workspace's failure never stops the others.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.digest import digest_message
from bot.core.digest import latest_due, period_bounds, period_key
from bot.core.log_views import SettingsView
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
    due_now = []
    for settings in store.scheduled():
        due = latest_due(settings.schedule, now)
        # A schedule only applies from when it was set: no surprise post for last week.
        if settings.updated_at is not None and due < settings.updated_at:
            continue
        key = period_key(settings.schedule, due)
        if store.has_run(settings.workspace_id, key):
            continue
        if now - due > grace:
            store.claim(settings.workspace_id, key, identity, now, status="missed")
            log.info(
                "digest %s for workspace %s was missed (past the grace period)",
                key,
                settings.workspace_id,
            )
            continue
        due_now.append((settings, due, key))
    if not due_now:
        return 0

    def one(item: tuple[SettingsView, datetime, str]) -> int:
        settings, due, key = item
        try:
            client = clients.for_workspace(settings.workspace_id)
            if client is None:
                # Uninstalled: nothing is claimed, so a reinstall within the grace period
                # still gets this week's digest.
                return 0
            run_id = store.claim(settings.workspace_id, key, identity, now)
            if run_id is None:
                return 0  # another process got there first
            return _post(store, clients, client, settings, run_id, due, now)
        except Exception:
            log.exception("digest for workspace %s failed; carrying on", settings.workspace_id)
            return 0

    with ThreadPoolExecutor(max_workers=PARALLEL_WORKSPACES, thread_name_prefix="digest") as pool:
        return sum(pool.map(one, due_now))


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
    start, end = period_bounds(settings.schedule, due)
    digest = store.build(settings.workspace_id, start, end, workspace_url(client))
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
