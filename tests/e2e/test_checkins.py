""" "Did it hold up?" end to end: the real server (two replicas, and `hiring-bot digest`
cron runs racing them) against the emulator. A decision is made through Slack, then
moved 90 days into the past in the database; the decider gets one DM, answers it, adds a
note, and the answer shows in `/hire show` and on the Home tab."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.db.models import Checkin, Decision
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from tests.e2e.harness import BotProcess, lapse_leases, slack_runs_behind
from tests.e2e.test_digest import reply_text, run_cron
from tests.e2e.test_hire import STARTUP_ANSWERS, answer_all, everything, start

DECIDER = "U0MANAGER"
DM = "D0MANAGER"


def decide(slack: SlackDriver) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    thread.click(DECIDER, "Accept: Product engineer", thread.replies()[6])
    wait_for(lambda: "Decided" in everything(thread.root), message="decided")


def backdate(bot: BotProcess, days: float = 90, **values: Any) -> None:
    """As if the decision had been made `days` days ago (and whatever else `values` sets)."""
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Decision).values(
                    decided_at=datetime.now(UTC) - timedelta(days=days, minutes=1), **values
                )
            )
    finally:
        engine.dispose()


def checkins(bot: BotProcess) -> list[tuple[str, str | None]]:
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return [(r.status, r.error) for r in connection.execute(select(Checkin))]
    finally:
        engine.dispose()


def checkin_dms(slack: SlackDriver) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.state.messages_in(DM, include_ephemeral=False)
        if "Did it hold up?" in everything(m)
    ]


def posts_to(emulator: EmulatorServer, channel: str) -> list[int]:
    return [
        c.status
        for c in emulator.state.calls_to("chat.postMessage")
        if c.args.get("channel") == channel
    ]


def racing_crons(bot: BotProcess, count: int) -> None:
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "digest"],
            env=bot.env(),
            cwd=bot.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    for run in runs:
        assert run.wait(timeout=120) == 0


def test_ninety_days_on_the_decider_is_asked_once_answers_and_it_shows(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    decide(slack)
    second = BotProcess(
        database_url=bot.database_url,
        api_url=bot.api_url,
        workdir=bot.workdir,
        signing_secret=bot.signing_secret,
    )
    second.start()
    try:
        backdate(bot)  # 90 days on: both replicas' schedulers and two cron runs race for it
        racing_crons(bot, 2)
        wait_for(lambda: checkins(bot) == [("sent", None)], timeout=30, message="the DM sent")
        racing_crons(bot, 1)
    finally:
        second.stop()
    (dm,) = checkin_dms(slack)
    assert posts_to(emulator, DM) == [200]
    shown = everything(dm)
    assert (
        "Was hiring a product engineer the right call for *Senior engineer, checkout team*?"
        in shown
    )
    print("\nCHECK-IN DM (text):", dm["text"])
    print("CHECK-IN DM (first section):", dm["blocks"][0]["text"]["text"])

    # The decider answers, then adds a note with the answer in the modal.
    slack.click(DECIDER, dm["ts"], "checkin_answer:partly", channel=DM)
    wait_for(
        lambda: "You answered *Partly*" in everything(checkin_dms(slack)[0]),
        message="the DM redrawn with the answer",
    )
    # The same (now stale) button again, as a double click: nothing more is recorded.
    slack.click(DECIDER, dm["ts"], "checkin_answer:no", channel=DM, stale_copy=dm)
    wait_for(
        lambda: any(
            "already recorded" in everything(m) for m in slack.state.ephemeral_for(DECIDER)
        ),
        message="the stale click answered",
    )
    redrawn = checkin_dms(slack)[0]
    slack.click(DECIDER, redrawn["ts"], "checkin_note", channel=DM)
    modal = wait_for(lambda: slack.state.modals.get(DECIDER), message="the note modal")[-1]
    slack.submit_view(DECIDER, modal["id"], {"note": {"value": "no answer chosen"}})
    assert "Choose an answer." in slack.state.view_errors[modal["id"]].values()
    slack.submit_view(
        DECIDER,
        modal["id"],
        {
            "answer": {"value": "yes"},
            "note": {"value": "Shipped <!channel> checkout v2 in six weeks\x07"},
        },
    )
    wait_for(
        lambda: "You answered *Yes*" in everything(checkin_dms(slack)[0]),
        message="the DM redrawn with the note",
    )
    answered = everything(checkin_dms(slack)[0])
    assert "Shipped &lt;!channel&gt; checkout v2 in six weeks" in answered
    assert "\\u0007" not in answered and "<!channel>" not in answered

    show = reply_text(slack, "show 1", user=DECIDER)
    assert "Did it hold up?" in show and "*Yes*" in show
    assert "answered *Did it hold up?*: *Partly*" in show  # the history keeps both
    assert "answered *Did it hold up?*: *Yes*" in show

    slack.open_home(DECIDER)
    home = wait_for(
        lambda: (
            (slack.state.home_views.get(DECIDER) or {}).get("blocks")
            and "How past calls held up" in str(slack.state.home_views[DECIDER]["blocks"])
            and slack.state.home_views[DECIDER]
        ),
        message="the Home tab",
    )
    section = next(
        b["text"]["text"]
        for b in home["blocks"]
        if b.get("text") and "How past calls held up" in b["text"]["text"]
    )
    assert "1 answered · Yes *1* · Partly *0* · No *0* · Too early *0*" in section
    assert "Followed the recommendation: 1 of 1 held up" in section
    print("HOME SECTION:", section)
    # The week's digest (its preview here) lists the check-in answered this week.
    preview = reply_text(slack, "digest")
    assert "Did it hold up? 1 check-in answered" in preview
    assert "Senior engineer, checkout team" in preview and ":white_check_mark: *Yes*" in preview
    assert len(checkin_dms(slack)) == 1 and posts_to(emulator, DM) == [200]


def test_off_means_no_check_in(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    decide(slack)
    assert "Check-ins are off" in reply_text(slack, "checkin off")  # the admin
    assert ":lock:" in reply_text(slack, "checkin after 30", user="U0TEAMMATE")
    backdate(bot)
    run_cron(bot)
    assert "Check-ins: off" in reply_text(slack, "checkin", user=DECIDER)
    assert checkins(bot) == [] and checkin_dms(slack) == []


def test_a_decider_who_cannot_be_messaged_is_recorded_once_and_not_retried(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    decide(slack)
    backdate(bot, decided_by="U0LEFT")  # someone no longer in the workspace
    wait_for(
        lambda: checkins(bot) == [("failed", "user_not_found")], message="the refusal recorded"
    )
    run_cron(bot)
    run_cron(bot)
    opened = [
        c for c in emulator.state.calls_to("conversations.open") if c.args.get("users") == "U0LEFT"
    ]
    assert len(opened) == 1  # no retry storm: one refusal, recorded, never asked again


@pytest.mark.parametrize(
    "fault",
    [
        "hang",  # killed before the DM reached Slack
        "delay_after",  # killed after the DM was sent, before the bot heard back
    ],
)
def test_a_check_in_whose_sender_is_killed_is_sent_exactly_once(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess, fault: str
) -> None:
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    decide(slack)
    emulator.state.inject_fault("chat.postMessage", fault, seconds=60, match={"channel": DM})
    backdate(bot)
    wait_for(lambda: posts_to(emulator, DM), message="the DM under way")
    if fault == "delay_after":
        wait_for(lambda: checkin_dms(slack), message="the DM in Slack")
    assert bot.process is not None
    bot.process.kill()  # SIGKILL: the claim stays as it was
    bot.process.wait()
    assert checkins(bot) == [("claimed", None)]
    bot.start()
    run_cron(bot)  # within the dead claimer's lease nobody else sends it
    assert checkins(bot) == [("claimed", None)]
    lapse_leases(bot, Checkin, "claimed")
    wait_for(lambda: checkins(bot) == [("sent", None)], message="taken over and sent")
    run_cron(bot)
    assert len(checkin_dms(slack)) == 1
    assert len(posts_to(emulator, DM)) == (1 if fault == "delay_after" else 2)
