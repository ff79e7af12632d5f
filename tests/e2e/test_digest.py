"""The weekly digest end to end: settings, preview, scheduled posting exactly once, failures."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.db.models import Decision, DigestRun, DigestSettings, Workspace
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from tests.e2e.harness import BotProcess, lapse_leases, slack_runs_behind
from tests.e2e.test_hire import STARTUP_ANSWERS, answer_all, everything, start

CHANNEL = "C0HIRING"


def reply_text(slack: SlackDriver, text: str, user: str = "U0ADMIN") -> str:
    """`/hire <text>` by a workspace admin (whose the digest settings are, by default)."""
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


def make_due(bot: BotProcess, minutes_ago: int = 5, settings_age_days: float = 6.5) -> None:
    """Point every schedule at a moment just past, set long enough ago to apply (and, by
    default, recently enough that no earlier week was due: see the slept-through test)."""
    schedule_at(bot, datetime.now(UTC) - timedelta(minutes=minutes_ago), "UTC", settings_age_days)


def schedule_at(bot: BotProcess, due: datetime, zone: str, settings_age_days: float) -> None:
    """Set every schedule to `due`'s weekday and local time in `zone`."""
    local = due.astimezone(ZoneInfo(zone))
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(DigestSettings).values(
                    weekday=local.weekday(),
                    hour=local.hour,
                    minute=local.minute,
                    timezone=zone,
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
    assert "will be posted in <#C0GENERAL>" in reply_text(slack, "digest channel #general")
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
    assert "Digest turned off." in reply_text(slack, "digest off")
    assert "Digest turned on." in reply_text(slack, "digest on")


def test_preview_and_post_now(slack: SlackDriver) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    thread.click("U0MANAGER", "Accept: Product engineer", thread.replies()[6])
    wait_for(lambda: "Decided" in everything(thread.root), message="decided")
    preview = reply_text(slack, "digest")
    assert "1 decision so far this week" in preview and "Preview" in preview
    # The period in progress, from the last due time (the default: Mondays 09:00 UTC).
    assert " – now" in preview and "since Monday 09:00 UTC" in preview
    assert "There's no digest channel" in reply_text(slack, "digest now")
    reply_text(slack, "digest channel #general")
    said = reply_text(slack, "digest now")
    assert "Posted this week's digest so far" in said and "cover the whole week" in said
    posted = digests_in(slack, "C0GENERAL")
    assert len(posted) == 1 and "Product engineer" in everything(posted[0])
    assert "Senior engineer, checkout team" in everything(posted[0])
    assert " – now" in everything(posted[0])


def test_the_scheduled_digest_says_what_now_already_posted(
    slack: SlackDriver, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    thread.click("U0MANAGER", "Accept: Product engineer", thread.replies()[6])
    wait_for(lambda: "Decided" in everything(thread.root), message="decided")
    # A zone where it is about noon now, so both due times below fall on today's date.
    now = datetime.now(UTC)
    zone = f"Etc/GMT{now.hour - 12:+d}"  # Etc/GMT+X is X hours behind UTC
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:  # decided 10 minutes ago
            connection.execute(update(Decision).values(decided_at=now - timedelta(minutes=10)))
    finally:
        engine.dispose()
    # Due tonight: `now` posts this period so far ...
    tonight = now.astimezone(ZoneInfo(zone)).replace(hour=23, minute=0)
    schedule_at(bot, tonight, zone, settings_age_days=6.5)
    assert "Posted this week's digest so far" in reply_text(slack, "digest now")
    early = digests_in(slack, "C0GENERAL")
    assert len(early) == 1 and "Senior engineer, checkout team" in everything(early[0])
    # ... and when that period's digest comes due, it covers the whole period, including
    # the decision `now` showed, and says so.
    schedule_at(bot, now - timedelta(minutes=5), zone, settings_age_days=6.5)
    run_cron(bot)
    wait_for(lambda: len(digests_in(slack, "C0GENERAL")) == 2, message="the scheduled digest")
    scheduled = everything(digests_in(slack, "C0GENERAL")[1])
    assert "Senior engineer, checkout team" in scheduled and " – now" not in scheduled
    assert "already posted early" in scheduled and "/hire digest now" in scheduled


def test_a_due_digest_is_posted_once_by_scheduler_and_cron(
    slack: SlackDriver, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    start(slack, "Staff engineer")  # open: in progress
    make_due(bot)
    run_cron(bot)
    run_cron(bot)
    wait_for(lambda: digests_in(slack, "C0GENERAL"), message="the scheduled digest")
    assert len(digests_in(slack, "C0GENERAL")) == 1
    assert "Open conversations (1)" in everything(digests_in(slack, "C0GENERAL")[0])
    assert [status for status, _ in runs(bot)] == ["posted"]


def test_a_digest_older_than_the_grace_period_is_recorded_missed(
    slack: SlackDriver, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    make_due(bot, minutes_ago=60 * 30)  # 30 hours ago; the grace period is 24 h
    run_cron(bot)
    assert runs(bot) == [("missed", None)]
    assert digests_in(slack, "C0GENERAL") == []
    dm = wait_for(lambda: slack.state.messages_in("D0ADMIN"), message="a DM to the configurer")
    assert "was not posted" in dm[0]["text"] and "the bot was offline" in dm[0]["text"]
    run_cron(bot)  # told once
    assert len(slack.state.messages_in("D0ADMIN")) == 1 and len(runs(bot)) == 1


def test_a_week_the_bot_slept_through_is_reported_in_the_next_digest(
    slack: SlackDriver, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    # Set up more than a week ago and due 5 minutes ago: last week's due time passed while
    # no process was running, so that digest was never posted.
    make_due(bot, settings_age_days=8)
    run_cron(bot)
    wait_for(lambda: digests_in(slack, "C0GENERAL"), message="this week's digest")
    due = datetime.now(UTC) - timedelta(minutes=5)
    last_week = f"{due - timedelta(days=14):%b %d} – {due - timedelta(days=7):%b %d}"
    digest = everything(digests_in(slack, "C0GENERAL")[0])
    assert f"Last week's digest ({last_week}) was not posted: the bot was offline" in digest
    assert sorted(status for status, _ in runs(bot)) == ["missed", "posted"]
    dm = wait_for(lambda: slack.state.messages_in("D0ADMIN"), message="a DM to the configurer")
    assert f"The hiring digest for {last_week} was not posted" in dm[0]["text"]


def test_rate_limits_are_retried(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    announced = len(posts_to(emulator, "C0GENERAL"))  # the change, told there
    emulator.state.inject_fault(
        "chat.postMessage", "rate_limited", retry_after=1, match={"channel": "C0GENERAL"}
    )
    make_due(bot)
    run_cron(bot)
    wait_for(lambda: digests_in(slack, "C0GENERAL"), message="posted after the retry")
    assert posts_to(emulator, "C0GENERAL")[announced:][:2] == [429, 200]


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


def posts_to(emulator: EmulatorServer, channel: str) -> list[int]:
    return [
        c.status
        for c in emulator.state.calls_to("chat.postMessage")
        if c.args.get("channel") == channel
    ]


@pytest.mark.parametrize(
    "fault",
    [
        "hang",  # killed before the post reached Slack
        "delay_after",  # killed after the post reached the channel, before the bot heard back
    ],
)
def test_a_digest_whose_poster_is_killed_is_posted_exactly_once(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess, fault: str
) -> None:
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    reply_text(slack, "digest channel #general")
    announced = len(posts_to(emulator, "C0GENERAL"))  # the change was announced there
    emulator.state.inject_fault(
        "chat.postMessage", fault, seconds=60, match={"channel": "C0GENERAL"}
    )
    make_due(bot)  # the server's scheduler claims the digest within a second and posts
    wait_for(
        lambda: len(posts_to(emulator, "C0GENERAL")) > announced,
        message="the digest's post under way",
    )
    if fault == "delay_after":
        wait_for(lambda: digests_in(slack, "C0GENERAL"), message="the post in the channel")
    assert bot.process is not None
    bot.process.kill()  # SIGKILL: no cleanup, the claim stays as it was
    bot.process.wait()
    assert [status for status, _ in runs(bot)] == ["claimed"]

    bot.start()
    run_cron(bot)  # within the dead claimer's lease, nobody else posts
    assert [status for status, _ in runs(bot)] == ["claimed"]
    lapse_leases(bot, DigestRun, "claimed")
    wait_for(lambda: runs(bot) == [("posted", None)], message="the run taken over and posted")
    run_cron(bot)
    assert len(digests_in(slack, "C0GENERAL")) == 1
    # After the cut post the new attempt found it in the channel and posted nothing.
    assert len(posts_to(emulator, "C0GENERAL")) - announced == (1 if fault == "delay_after" else 2)
    assert slack.state.messages_in("D0ADMIN") == []  # nothing failed, nobody is alarmed


def test_a_digest_that_meets_server_errors_is_tried_again_later(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    reply_text(slack, "digest channel #general")
    announced = len(posts_to(emulator, "C0GENERAL"))  # the change was announced there
    # One 500: the client never repeats a post (bot.slack_client.NEVER_REPEATED).
    emulator.state.inject_fault("chat.postMessage", "http_500", match={"channel": "C0GENERAL"})
    make_due(bot)
    wait_for(
        lambda: runs(bot) == [("claimed", "internal_error")],
        message="the run waiting for its next try",
    )
    run_cron(bot)  # not before the next try's time
    assert posts_to(emulator, "C0GENERAL")[announced:] == [500]
    assert digests_in(slack, "C0GENERAL") == [] and slack.state.messages_in("D0ADMIN") == []
    lapse_leases(bot, DigestRun, "claimed")  # the next try's time has come
    wait_for(lambda: runs(bot) == [("posted", None)], message="the digest posted on the next try")
    assert len(digests_in(slack, "C0GENERAL")) == 1
    assert posts_to(emulator, "C0GENERAL")[announced:] == [500, 200]


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
    dm = wait_for(lambda: slack.state.messages_in("D0ADMIN"), message="a DM to the configurer")
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
