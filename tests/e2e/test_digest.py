"""The weekly digest end to end: settings, preview, scheduled posting exactly once, failures."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.db.models import DigestRun, DigestSettings, Workspace
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from tests.e2e.harness import BotProcess
from tests.e2e.test_hire import STARTUP_ANSWERS, answer_all, everything, start

CHANNEL = "C0HIRING"


def reply_text(slack: SlackDriver, text: str, user: str = "U0MANAGER") -> str:
    before = len(slack.state.ephemeral_for(user))
    slack.command(user, CHANNEL, "/hire", text)
    replies = wait_for(lambda: slack.state.ephemeral_for(user)[before:], message=f"reply to {text}")
    return everything(replies[-1])


def digests_in(slack: SlackDriver, channel: str) -> list[dict]:
    return [
        m
        for m in slack.state.messages_in(channel, include_ephemeral=False)
        if "Hiring digest" in everything(m)
    ]


def run_cron(bot: BotProcess) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "digest"],
        env=bot.env(),
        cwd=bot.workdir,
        check=True,
        capture_output=True,
        timeout=120,
    )


def make_due(bot: BotProcess, minutes_ago: int = 5, settings_age_days: int = 8) -> None:
    """Point every schedule at a moment just past, set long enough ago to apply."""
    due = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(DigestSettings).values(
                    weekday=due.weekday(),
                    hour=due.hour,
                    minute=due.minute,
                    timezone="UTC",
                    updated_at=datetime.now(UTC) - timedelta(days=settings_age_days),
                )
            )
    finally:
        engine.dispose()


def runs(bot: BotProcess) -> list[tuple[str, str | None]]:
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return [(r.status, r.error) for r in connection.execute(select(DigestRun))]
    finally:
        engine.dispose()


def test_settings_are_validated_and_nothing_changes_on_bad_input(slack: SlackDriver) -> None:
    assert "posted here" in reply_text(slack, "digest channel #general")
    assert "Mondays at 09:00 (UTC)" in reply_text(slack, "digest")
    for bad, says in [
        ("digest schedule moonday 09:00", "not a weekday"),
        ("digest schedule monday 25:00", "not a time of day"),
        ("digest schedule monday 09:00 Mars/Olympus", "not a time zone"),
        ("digest channel #nowhere", "can't find the channel"),
    ]:
        assert says in reply_text(slack, bad)
    assert "Mondays at 09:00 (UTC)" in reply_text(slack, "digest")
    assert "Fridays at 16:30 (Europe/Paris)" in reply_text(
        slack, "digest schedule fri 16:30 Europe/Paris"
    )
    assert "is off" in reply_text(slack, "digest off")
    assert "is on" in reply_text(slack, "digest on")


def test_preview_and_post_now(slack: SlackDriver) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    thread.click("U0MANAGER", "Accept: Product engineer", thread.replies()[6])
    wait_for(lambda: "Decided" in everything(thread.root), message="decided")
    preview = reply_text(slack, "digest")
    assert "1 decision this week" in preview and "Preview" in preview
    assert "There's no digest channel" in reply_text(slack, "digest now")
    reply_text(slack, "digest channel #general")
    assert "Posted this week's digest" in reply_text(slack, "digest now")
    posted = digests_in(slack, "C0GENERAL")
    assert len(posted) == 1 and "Product engineer" in everything(posted[0])
    assert "Senior engineer, checkout team" in everything(posted[0])


def test_a_due_digest_is_posted_once_by_scheduler_and_cron(
    slack: SlackDriver, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    start(slack, "Staff engineer")  # waiting for input
    make_due(bot)
    run_cron(bot)
    run_cron(bot)
    wait_for(lambda: digests_in(slack, "C0GENERAL"), message="the scheduled digest")
    assert len(digests_in(slack, "C0GENERAL")) == 1
    assert "Waiting for input" in everything(digests_in(slack, "C0GENERAL")[0])
    assert [status for status, _ in runs(bot)] == ["posted"]


def test_a_digest_older_than_the_grace_period_is_recorded_missed(
    slack: SlackDriver, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    make_due(bot, minutes_ago=60 * 30)  # 30 hours ago; the grace period is 24 h
    run_cron(bot)
    assert runs(bot) == [("missed", None)]
    assert digests_in(slack, "C0GENERAL") == []


def test_rate_limits_are_retried(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    emulator.state.inject_fault(
        "chat.postMessage", "rate_limited", retry_after=1, match={"channel": "C0GENERAL"}
    )
    make_due(bot)
    run_cron(bot)
    wait_for(lambda: digests_in(slack, "C0GENERAL"), message="posted after the retry")
    statuses = [
        c.status
        for c in emulator.state.calls_to("chat.postMessage")
        if c.args.get("channel") == "C0GENERAL"
    ]
    assert statuses[:2] == [429, 200]


def test_not_in_channel_joins_and_retries(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    with emulator.state.lock:  # someone removed the bot from the channel since
        emulator.state.channels["C0GENERAL"]["members"].discard("U0BOT")
    make_due(bot)
    run_cron(bot)
    wait_for(lambda: digests_in(slack, "C0GENERAL"), message="posted after joining")
    assert emulator.state.calls_to("conversations.join")


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived"])
def test_a_channel_error_is_recorded_and_the_configurer_told(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess, error: str
) -> None:
    reply_text(slack, "digest channel #general")
    emulator.state.inject_fault(
        "chat.postMessage", "error", error=error, times=None, match={"channel": "C0GENERAL"}
    )
    make_due(bot)
    run_cron(bot)
    wait_for(lambda: runs(bot) and runs(bot)[0][0] == "failed", message="a failed run")
    assert runs(bot) == [("failed", error)]
    dm = wait_for(lambda: slack.state.messages_in("D0MANAGER"), message="a DM to the configurer")
    assert "could not be posted" in dm[0]["text"] and "/hire digest channel" in dm[0]["text"]
    assert "Last attempt failed" in reply_text(slack, "digest")


def test_fifty_workspaces_two_servers_and_cron_post_exactly_fifty(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    if not bot.database_url.startswith("postgresql"):
        pytest.skip("the multi-process contention test runs on PostgreSQL")
    now = datetime.now(UTC)
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            for index in range(50):
                workspace_id = connection.execute(
                    Workspace.__table__.insert()
                    .values(team_id=f"T{index:04d}", enterprise_id="", created_at=now)
                    .returning(Workspace.id)
                ).scalar_one()
                connection.execute(
                    DigestSettings.__table__.insert().values(
                        workspace_id=workspace_id,
                        channel_id="C0GENERAL",
                        weekday=0,
                        hour=9,
                        minute=0,
                        timezone="UTC",
                        enabled=True,
                        post_when_quiet=True,
                        updated_at=now,
                    )
                )
    finally:
        engine.dispose()
    extra = [
        BotProcess(
            database_url=bot.database_url,
            api_url=bot.api_url,
            workdir=bot.workdir,
            signing_secret=bot.signing_secret,
        )
        for _ in range(2)
    ]
    try:
        for process in extra:
            process.start()
        make_due(bot)  # all 50 due at once: three schedulers and a cron run race for them
        run_cron(bot)
        wait_for(
            lambda: len(digests_in(slack, "C0GENERAL")) >= 50, timeout=60, message="50 digests"
        )
        wait_for(
            lambda: all(status == "posted" for status, _ in runs(bot)),
            timeout=30,
            message="runs complete",
        )
    finally:
        for process in extra:
            process.stop()
    assert len(digests_in(slack, "C0GENERAL")) == 50
    assert len(runs(bot)) == 50


def test_a_revoked_token_is_recorded_and_the_scheduler_carries_on(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    make_due(bot)
    emulator.state.revoke_token()
    try:
        run_cron(bot)  # exits 0: one workspace's failure never stops the job
        wait_for(lambda: runs(bot) and runs(bot)[0][0] == "failed", message="a failed run")
        assert runs(bot) == [("failed", "token_revoked")]
        assert digests_in(slack, "C0GENERAL") == []
    finally:
        emulator.state.token_revoked = False
