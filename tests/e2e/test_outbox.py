"""Nothing acked is lost: the server is SIGKILLed (or loses its database) at each step
boundary of a conversation, and the conversation carries on with no message twice and
nothing stranded.

The same holds for "Ask the team": the team's message on the reveal and each invitee's next
question in their DM are owed with the change and taken over the same way.

The boundaries, with the emulator's faults that hold the server there:
- after the state change, before the post lands (`hang`: Slack has the call, no answer);
- after the post landed, before its ts is recorded (`delay_after`: the message is in the
  thread, the answer is late).
Where the post landed, Slack's clock runs 5 s behind ours (`slack_runs_behind`): a ts earlier
than the moment the message was owed. The server is killed there; a restarted server, or a second replica that was running all
along, takes the owed message over once its lease lapses (`lapse_leases` stands in for the
two minutes) and posts it, or finds the one that landed by its idempotency key.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.db.models import HiringConversation, OutboxMessage, Voice
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from tests.e2e.harness import BotProcess, lapse_leases, slack_runs_behind
from tests.e2e.test_digest import posts_to, run_cron
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, Thread, buttons, everything, start
from tests.e2e.test_resilience import _allow
from tests.e2e.test_voices import (
    answer_in_dm,
    click_in_dm,
    dm,
    dm_of,
    invite,
    question_in_dm,
    round_line,
)
from tests.pg import PostgresServer


def outbox(bot: BotProcess) -> list[tuple[str, str]]:
    """(kind, status) of every owed message, oldest first."""
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(OutboxMessage.kind, OutboxMessage.status).order_by(OutboxMessage.id)
            )
            return [(kind, status) for kind, status in rows]
    finally:
        engine.dispose()


def stored_question_ts(bot: BotProcess) -> list[str | None]:
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(select(HiringConversation.current_question_ts)).scalars()
            )
    finally:
        engine.dispose()


def questions(thread: Thread, number: int) -> list[dict]:
    """The thread's messages that ask (or asked) question `number`."""
    return [m for m in thread.replies() if f"Question {number} of" in m["text"]]


def answered(slack: SlackDriver, question: dict) -> bool:
    """The question's own message now shows its answer (its ts was the one stored)."""
    message = slack.state.find_message(CHANNEL, question["ts"])
    return message is not None and "answered by" in everything(message)


def kill(bot: BotProcess) -> None:
    assert bot.process is not None
    bot.process.kill()  # SIGKILL: no cleanup, whatever was under way stays as it was
    bot.process.wait()


@pytest.fixture
def replica(bot: BotProcess, emulator: EmulatorServer, tmp_path: Path) -> Iterator[BotProcess]:
    """A second server on the same database and Slack app, scheduler ticking too."""
    second = BotProcess(
        database_url=bot.database_url,
        api_url=emulator.api_url,
        workdir=tmp_path,
        signing_secret=bot.signing_secret,
    )
    second.start()
    yield second
    second.stop()


@pytest.mark.parametrize("fault", ["hang", "delay_after"])
@pytest.mark.parametrize("taken_over_by", ["restart", "replica"])
def test_a_server_killed_between_an_answer_and_its_next_question_loses_nothing(
    slack: SlackDriver,
    emulator: EmulatorServer,
    bot: BotProcess,
    request: pytest.FixtureRequest,
    fault: str,
    taken_over_by: str,
) -> None:
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    other = request.getfixturevalue("replica") if taken_over_by == "replica" else None
    thread = start(slack)
    sent_before = len(posts_to(emulator, CHANNEL))
    emulator.state.inject_fault("chat.postMessage", fault, seconds=15, match={"channel": CHANNEL})
    thread.click("U0MANAGER", STARTUP_ANSWERS[0])
    wait_for(
        lambda: len(posts_to(emulator, CHANNEL)) > sent_before,
        message="the next question's post under way",
    )
    if fault == "delay_after":
        wait_for(lambda: questions(thread, 2), message="the question in the thread")
    kill(bot)
    assert outbox(bot)[-1] == ("step", "pending")  # owed with the answer, in its transaction

    if other is None:
        bot.start()
    else:
        slack = emulator.attach(other.url, other.signing_secret)
    # Within the dead server's lease, nobody else posts it.
    assert outbox(bot)[-1] == ("step", "pending")
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: outbox(bot)[-1] == ("step", "sent"), message="the question delivered")
    assert len(questions(thread, 2)) == 1
    # The landed post was found by its key, not posted again; the cut-off one was posted.
    calls = posts_to(emulator, CHANNEL)[sent_before:]
    assert len(calls) == (1 if fault == "delay_after" else 2)
    # The question's ts is stored: a typed answer rewrites the right message.
    question_two = questions(thread, 2)[0]
    assert stored_question_ts(bot) == [question_two["ts"]]
    driver = Thread(slack, thread.root_ts)
    slack.message("U0MANAGER", CHANNEL, "1", thread_ts=thread.root_ts)
    wait_for(lambda: questions(driver, 3), message="question 3")
    # Question 3 goes out first, then question 2 is rewritten as answered.
    wait_for(lambda: answered(slack, question_two), message="question 2 rewritten")
    assert len(questions(driver, 2)) == 1 and len(questions(driver, 3)) == 1


def test_a_server_killed_after_posting_the_root_of_hire_loses_nothing(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    slack_runs_behind(emulator)  # and Slack's clock behind ours
    emulator.state.inject_fault(
        "chat.postMessage", "delay_after", seconds=60, match={"channel": CHANNEL}
    )
    assert (
        slack.command("U0MANAGER", CHANNEL, "/hire", "Senior engineer, checkout team").status == 200
    )
    roots = lambda: [  # noqa: E731
        m
        for m in slack.state.messages_in(CHANNEL, include_ephemeral=False)
        if m["text"].startswith("Hiring decision #")
    ]
    [root] = wait_for(roots, message="the root message in the channel")
    kill(bot)
    assert outbox(bot) == [("root", "pending")]
    bot.start()
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: outbox(bot) == [("root", "sent"), ("step", "sent")], message="both sent")
    assert roots() == [root] or [m["ts"] for m in roots()] == [root["ts"]]
    thread = Thread(slack, root["ts"])
    assert len(questions(thread, 1)) == 1
    # The thread is the conversation's: typed replies answer it, and /hire list shows it.
    slack.message("U0MANAGER", CHANNEL, "1", thread_ts=root["ts"])
    wait_for(lambda: questions(thread, 2), message="question 2")
    listed = slack.command("U0MANAGER", CHANNEL, "/hire", "list")
    reply = wait_for(lambda: slack.state.ephemeral_for("U0MANAGER"), message="the list")
    assert listed.status == 200 and "Senior engineer, checkout team" in str(reply)


def test_a_server_error_on_the_next_question_tell_the_person_and_post_it_later(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    thread = start(slack)
    # One 500: the client never repeats a post (bot.slack_client.NEVER_REPEATED).
    emulator.state.inject_fault("chat.postMessage", "http_500", match={"channel": CHANNEL})
    thread.click("U0MANAGER", STARTUP_ANSWERS[0])
    told = wait_for(
        lambda: [m for m in slack.state.ephemeral_for("U0MANAGER") if "Slack is slow" in m["text"]],
        message="the person told the question will come",
    )
    assert told[0].get("thread_ts") == thread.root_ts and questions(thread, 2) == []
    assert outbox(bot)[-1] == ("step", "pending")
    lapse_leases(bot, OutboxMessage, "pending")  # the next try's time has come
    wait_for(lambda: questions(thread, 2), message="the question posted on the next try")
    assert len(questions(thread, 2)) == 1 and outbox(bot)[-1] == ("step", "sent")
    thread.click("U0MANAGER", STARTUP_ANSWERS[1])
    wait_for(lambda: questions(thread, 3), message="question 3 after a click on question 2")


def test_a_question_that_landed_before_a_server_error_is_found_not_posted_twice(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    """Slack stores the post, then answers 500: the client does not repeat the post blindly
    (Slack has no idempotency key for posts); the outbox's next try looks for the message by
    its key, finds it, and the thread holds one copy, the one the conversation goes on from."""
    thread = start(slack)
    before = len(posts_to(emulator, CHANNEL))
    emulator.state.inject_fault("chat.postMessage", "http_500_after", match={"channel": CHANNEL})
    thread.click("U0MANAGER", STARTUP_ANSWERS[0])
    wait_for(lambda: failed_tries(bot, "step") == ["internal_error"], message="the try failed")
    assert posts_to(emulator, CHANNEL)[before:] == [500]  # one call: no blind retry
    assert len(questions(thread, 2)) == 1  # it landed all the same
    lapse_leases(bot, OutboxMessage, "pending")  # the next try's time has come
    wait_for(lambda: outbox(bot)[-1] == ("step", "sent"), message="found and recorded as sent")
    assert posts_to(emulator, CHANNEL)[before:] == [500]  # found by its key, not posted again
    [question] = questions(thread, 2)
    wait_for(lambda: question["ts"] in stored_question_ts(bot), message="its ts stored")
    thread.click("U0MANAGER", STARTUP_ANSWERS[1])
    wait_for(lambda: questions(thread, 3), message="question 3 after a click on question 2")
    assert len(questions(thread, 2)) == 1


def test_the_database_lost_between_the_post_and_its_ts_loses_nothing(
    bot: BotProcess, emulator: EmulatorServer, postgres_server: PostgresServer, slack: SlackDriver
) -> None:
    slack_runs_behind(emulator)  # and Slack's clock behind ours
    if not bot.database_url.startswith("postgresql"):
        pytest.skip("the database is taken away from a PostgreSQL server")
    thread = start(slack)
    emulator.state.inject_fault(
        "chat.postMessage", "delay_after", seconds=3, match={"channel": CHANNEL}
    )
    thread.click("U0MANAGER", STARTUP_ANSWERS[0])
    wait_for(lambda: questions(thread, 2), message="the question in the thread")
    _allow(postgres_server, bot.database_url, False)  # before the late answer comes back
    try:
        wait_for(
            lambda: [
                m for m in slack.state.ephemeral_for("U0MANAGER") if "unavailable" in m["text"]
            ],
            timeout=20,
            message="an apology once the ts could not be stored",
        )
    finally:
        _allow(postgres_server, bot.database_url, True)
    assert stored_question_ts(bot) == [None]
    lapse_leases(bot, OutboxMessage, "pending")
    question_two = questions(thread, 2)[0]
    wait_for(lambda: stored_question_ts(bot) == [question_two["ts"]], message="the ts recorded")
    assert len(questions(thread, 2)) == 1
    # A typed answer now rewrites question 2, not question 1.
    slack.message("U0MANAGER", CHANNEL, "1", thread_ts=thread.root_ts)
    wait_for(lambda: questions(thread, 3), message="question 3")
    # Question 3 goes out first, then question 2 is rewritten as answered.
    wait_for(lambda: answered(slack, question_two), message="question 2 rewritten")


@pytest.mark.parametrize("fault", ["hang", "delay_after"])
def test_a_reminder_whose_poster_is_killed_is_posted_exactly_once(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess, fault: str
) -> None:
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    thread = start(slack)
    sent_before = len(posts_to(emulator, CHANNEL))
    emulator.state.inject_fault("chat.postMessage", fault, seconds=15, match={"channel": CHANNEL})
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:  # idle for three days: the scheduler's next tick
            connection.execute(
                update(HiringConversation).values(
                    last_activity_at=datetime.now(UTC) - timedelta(days=3)
                )
            )
    finally:
        engine.dispose()
    wait_for(lambda: len(posts_to(emulator, CHANNEL)) > sent_before, message="the reminder sent")
    if fault == "delay_after":
        wait_for(lambda: reminders(thread), message="the reminder in the thread")
    kill(bot)
    assert outbox(bot)[-1] == ("nudge", "pending")

    bot.start()
    assert outbox(bot)[-1] == ("nudge", "pending")  # the dead poster's lease still holds
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: outbox(bot)[-1] == ("nudge", "sent"), message="the reminder delivered")
    assert len(reminders(thread)) == 1
    assert len(posts_to(emulator, CHANNEL)[sent_before:]) == (1 if fault == "delay_after" else 2)
    thread.click("U0MANAGER", "Cancel this conversation", reminders(thread)[0])
    wait_for(lambda: "Cancelled" in everything(thread.root), message="cancelled from the reminder")


def reminders(thread: Thread) -> list[dict]:
    return [m for m in thread.replies() if "still waiting" in everything(m)]


# -- "Ask the team": the team's message and an invitee's questions are owed the same way ----
def team_messages(thread: Thread) -> list[dict]:
    return [m for m in thread.replies() if "The team's view" in m["text"]]


def dm_questions(slack: SlackDriver, user: str, number: int) -> list[dict]:
    """The invitee's DM messages that ask question `number` (with its buttons)."""
    return [m for m in dm(slack, user) if f"Question {number} of 6" in m["text"] and buttons(m)]


@pytest.mark.parametrize(
    ("fault", "taken_over_by"), [("hang", "restart"), ("delay_after", "replica")]
)
def test_a_server_killed_while_posting_the_teams_message_posts_it_once(
    slack: SlackDriver,
    emulator: EmulatorServer,
    bot: BotProcess,
    request: pytest.FixtureRequest,
    fault: str,
    taken_over_by: str,
) -> None:
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    other = request.getfixturevalue("replica") if taken_over_by == "replica" else None
    thread = start(slack)
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
    round_line(thread)
    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS[:5])
    sent_before = len(posts_to(emulator, CHANNEL))
    emulator.state.inject_fault("chat.postMessage", fault, seconds=15, match={"channel": CHANNEL})
    # The last answer reveals the round: the team's message is owed with it.
    click_in_dm(slack, "U0TEAMMATE", 6, STARTUP_ANSWERS[5])
    wait_for(
        lambda: len(posts_to(emulator, CHANNEL)) > sent_before,
        message="the team's message's post under way",
    )
    if fault == "delay_after":
        wait_for(lambda: team_messages(thread), message="the team's message in the thread")
    kill(bot)
    assert outbox(bot)[-1] == ("team", "pending")

    if other is None:
        bot.start()
    assert outbox(bot)[-1] == ("team", "pending")  # the dead poster's lease still holds
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: outbox(bot)[-1] == ("team", "sent"), message="the team's message delivered")
    [shown] = team_messages(thread)
    assert "<@U0TEAMMATE>" in everything(shown)
    # The landed post was found by its key, not posted again; the cut-off one was posted.
    assert len(posts_to(emulator, CHANNEL)[sent_before:]) == (1 if fault == "delay_after" else 2)


@pytest.mark.parametrize("fault", ["hang", "delay_after"])
def test_a_server_killed_while_asking_an_invitee_the_next_question_asks_it_once(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess, fault: str
) -> None:
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    thread = start(slack)
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
    round_line(thread)
    question_in_dm(slack, "U0TEAMMATE", 1)
    channel = dm_of("U0TEAMMATE")
    sent_before = len(posts_to(emulator, channel))
    emulator.state.inject_fault("chat.postMessage", fault, seconds=15, match={"channel": channel})
    click_in_dm(slack, "U0TEAMMATE", 1, STARTUP_ANSWERS[0])
    wait_for(
        lambda: len(posts_to(emulator, channel)) > sent_before,
        message="question 2's post under way",
    )
    if fault == "delay_after":
        wait_for(lambda: dm_questions(slack, "U0TEAMMATE", 2), message="question 2 in the DM")
    kill(bot)
    assert outbox(bot)[-1] == ("voice", "pending")  # owed with the answer, in its transaction

    bot.start()
    assert outbox(bot)[-1] == ("voice", "pending")
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: outbox(bot)[-1] == ("voice", "sent"), message="question 2 delivered")
    assert len(dm_questions(slack, "U0TEAMMATE", 2)) == 1
    assert len(posts_to(emulator, channel)[sent_before:]) == (1 if fault == "delay_after" else 2)
    # Its ts is stored with the voice (a typed reply rewrites it), and the next click works.
    [question_two] = dm_questions(slack, "U0TEAMMATE", 2)
    assert stored_voice_question_ts(bot) == [question_two["ts"]]
    click_in_dm(slack, "U0TEAMMATE", 2, STARTUP_ANSWERS[1])
    question_in_dm(slack, "U0TEAMMATE", 3)
    wait_for(
        lambda: not buttons(slack.state.find_message(channel, question_two["ts"]) or question_two),
        message="question 2 rewritten as answered",
    )
    assert len(dm_questions(slack, "U0TEAMMATE", 3)) == 1


def stored_voice_question_ts(bot: BotProcess) -> list[str | None]:
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(Voice.question_ts)).scalars())
    finally:
        engine.dispose()


def test_a_server_error_on_an_invitees_next_question_tell_them_and_ask_it_later(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    thread = start(slack)
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
    round_line(thread)
    question_in_dm(slack, "U0TEAMMATE", 1)
    channel = dm_of("U0TEAMMATE")
    # One 500: the client never repeats a post (bot.slack_client.NEVER_REPEATED).
    emulator.state.inject_fault("chat.postMessage", "http_500", match={"channel": channel})
    click_in_dm(slack, "U0TEAMMATE", 1, STARTUP_ANSWERS[0])
    told = lambda: [  # noqa: E731
        m for m in slack.state.ephemeral_for("U0TEAMMATE", channel) if "Slack is slow" in m["text"]
    ]
    wait_for(told, message="the invitee told the question will come")
    assert dm_questions(slack, "U0TEAMMATE", 2) == []
    assert outbox(bot)[-1] == ("voice", "pending")
    lapse_leases(bot, OutboxMessage, "pending")  # the next try's time has come
    wait_for(lambda: dm_questions(slack, "U0TEAMMATE", 2), message="question 2 on the next try")
    wait_for(lambda: outbox(bot)[-1] == ("voice", "sent"), message="recorded as sent")
    assert len(dm_questions(slack, "U0TEAMMATE", 2)) == 1 and len(told()) == 1
    click_in_dm(slack, "U0TEAMMATE", 2, STARTUP_ANSWERS[1])
    question_in_dm(slack, "U0TEAMMATE", 3)


def test_a_server_error_on_the_teams_message_tell_the_starter_and_post_it_later(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    thread = start(slack)
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE", "U0ADMIN"])
    line = round_line(thread)
    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS)
    emulator.state.inject_fault("chat.postMessage", "http_500", match={"channel": CHANNEL})
    slack.click("U0MANAGER", line["ts"], "voices_reveal", channel=CHANNEL)
    told = lambda: [  # noqa: E731
        m for m in slack.state.ephemeral_for("U0MANAGER", CHANNEL) if "Slack is slow" in m["text"]
    ]
    [note] = wait_for(told, message="the starter told the team's view will come")
    assert note.get("thread_ts") == thread.root_ts and team_messages(thread) == []
    assert outbox(bot)[-1] == ("team", "pending")
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: team_messages(thread), message="the team's view on the next try")
    wait_for(lambda: outbox(bot)[-1] == ("team", "sent"), message="recorded as sent")
    assert len(team_messages(thread)) == 1 and len(told()) == 1


def test_a_server_killed_after_an_invitees_first_question_landed_finds_it_and_reads_replies(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    slack_runs_behind(emulator)  # and Slack's clock behind ours
    thread = start(slack)
    channel = dm_of("U0TEAMMATE")
    emulator.state.inject_fault(
        "chat.postMessage", "delay_after", seconds=15, match={"channel": channel}
    )
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
    question_in_dm(slack, "U0TEAMMATE", 1)  # in the DM; the bot has not heard back yet
    kill(bot)
    assert questions_owed(bot) == ["pending"]  # owed with the invite
    assert stored_voice_question_ts(bot) == [None]

    bot.start()
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: questions_owed(bot) == ["sent"], message="question 1 found by its key")
    [question_one] = dm_questions(slack, "U0TEAMMATE", 1)
    assert stored_voice_question_ts(bot) == [question_one["ts"]]
    # The DM is known to be the round's now: a typed reply answers question 1.
    assert slack.message("U0TEAMMATE", channel, "1").status == 200
    question_in_dm(slack, "U0TEAMMATE", 2)
    assert len(dm_questions(slack, "U0TEAMMATE", 1)) == 0  # rewritten as answered


# -- "Ask the team": the round's line, the reminder and an invitee found unreachable later ----
def round_lines(thread: Thread) -> list[dict]:
    return [m for m in thread.replies() if "Asking the team" in m["text"]]


def reminders_in_dm(slack: SlackDriver, user: str) -> list[dict]:
    return [m for m in dm(slack, user) if "A reminder" in m["text"]]


def next_try_in_an_hour(bot: BotProcess) -> None:
    """As if the owed messages' next try were an hour away (several failures in)."""
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == "pending")
                .values(lease_until=datetime.now(UTC) + timedelta(hours=1))
            )
    finally:
        engine.dispose()


def failed_tries(bot: BotProcess, kind: str) -> list[str]:
    """Why the last try of each pending owed message of `kind` failed, if one did."""
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(OutboxMessage.error).where(
                    OutboxMessage.kind == kind,
                    OutboxMessage.status == "pending",
                    OutboxMessage.error.is_not(None),
                )
            )
            return [error for (error,) in rows]
    finally:
        engine.dispose()


def questions_owed(bot: BotProcess) -> list[str]:
    """The status of each invitee's question owed, oldest first."""
    return [status for kind, status in outbox(bot) if kind == "voice"]


def invited_days_ago(bot: BotProcess) -> None:
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Voice).values(invited_at=datetime.now(UTC) - timedelta(days=3))
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("fault", ["hang", "delay_after"])
def test_an_invitees_reminder_whose_sender_is_killed_is_sent_exactly_once(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess, fault: str
) -> None:
    """The reminder is owed with its claim: a sender killed before the DM landed leaves it
    owed (it used to be claimed, then lost), one killed after it landed leaves it to be
    found by its key."""
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    thread = start(slack)
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
    round_line(thread)
    question_in_dm(slack, "U0TEAMMATE", 1)
    channel = dm_of("U0TEAMMATE")
    sent_before = len(posts_to(emulator, channel))
    emulator.state.inject_fault("chat.postMessage", fault, seconds=60, match={"channel": channel})
    invited_days_ago(bot)  # the server's scheduler, ticking every second, claims it
    wait_for(lambda: len(posts_to(emulator, channel)) > sent_before, message="the reminder sent")
    if fault == "delay_after":
        wait_for(lambda: reminders_in_dm(slack, "U0TEAMMATE"), message="the reminder in the DM")
    kill(bot)
    assert ("voice_reminder", "pending") in outbox(bot)

    bot.start()
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: ("voice_reminder", "sent") in outbox(bot), message="the reminder delivered")
    assert len(reminders_in_dm(slack, "U0TEAMMATE")) == 1
    calls = posts_to(emulator, channel)[sent_before:]
    assert len(calls) == (1 if fault == "delay_after" else 2)
    run_cron(bot)  # and never a second one
    assert len(reminders_in_dm(slack, "U0TEAMMATE")) == 1


@pytest.mark.parametrize("fault", ["hang", "delay_after"])
def test_a_server_killed_while_posting_the_rounds_line_posts_it_once(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess, fault: str
) -> None:
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    thread = start(slack)
    sent_before = len(posts_to(emulator, CHANNEL))
    emulator.state.inject_fault("chat.postMessage", fault, seconds=15, match={"channel": CHANNEL})
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
    question_in_dm(slack, "U0TEAMMATE", 1)
    wait_for(
        lambda: len(posts_to(emulator, CHANNEL)) > sent_before,
        message="the round's line's post under way",
    )
    if fault == "delay_after":
        wait_for(lambda: round_lines(thread), message="the round's line in the thread")
    kill(bot)
    assert outbox(bot)[-1] == ("round", "pending")  # owed with the invite

    bot.start()
    assert outbox(bot)[-1] == ("round", "pending")  # the dead poster's lease still holds
    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: outbox(bot)[-1] == ("round", "sent"), message="the round's line delivered")
    [line] = round_lines(thread)
    assert "<@U0TEAMMATE> was asked" in everything(line)
    # The landed post was found by its key, not posted again; the cut-off one was posted.
    assert len(posts_to(emulator, CHANNEL)[sent_before:]) == (1 if fault == "delay_after" else 2)
    # The starter has the round's button: it shows the answers.
    slack.click("U0MANAGER", line["ts"], buttons(line)["Show answers now"], channel=CHANNEL)
    wait_for(lambda: team_messages(thread), message="the team's message after the click")


def test_a_server_error_on_the_rounds_line_post_it_on_the_next_try(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    thread = start(slack)
    # One 500: the client never repeats a post (bot.slack_client.NEVER_REPEATED).
    emulator.state.inject_fault("chat.postMessage", "http_500", match={"channel": CHANNEL})
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
    question_in_dm(slack, "U0TEAMMATE", 1)
    # The request's try failed and was recorded (before that, the row is the request's own).
    wait_for(lambda: failed_tries(bot, "round") == ["internal_error"], message="the try failed")
    assert outbox(bot)[-1] == ("round", "pending") and round_lines(thread) == []
    lapse_leases(bot, OutboxMessage, "pending")  # the next try's time has come
    wait_for(lambda: round_lines(thread), message="the round's line on the next try")
    wait_for(lambda: outbox(bot)[-1] == ("round", "sent"), message="recorded as sent")
    assert len(round_lines(thread)) == 1


@pytest.mark.parametrize("fault", ["delay_after", "http_500"])
def test_a_reminder_due_while_the_question_is_owed_waits_and_never_doubles_it(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess, fault: str
) -> None:
    if fault == "delay_after":  # and Slack's clock behind ours
        slack_runs_behind(emulator)
    thread = start(slack)
    channel = dm_of("U0TEAMMATE")
    if fault == "delay_after":  # the question landed; the server is killed before it hears
        emulator.state.inject_fault(
            "chat.postMessage", "delay_after", seconds=15, match={"channel": channel}
        )
        invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
        question_in_dm(slack, "U0TEAMMATE", 1)
        kill(bot)
        bot.start()
    else:  # Slack refused it: owed for a later try
        emulator.state.inject_fault("chat.postMessage", "http_500", match={"channel": channel})
        invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
        round_line(thread)  # posted after the question was tried
        next_try_in_an_hour(bot)
    assert questions_owed(bot) == ["pending"]
    invited_days_ago(bot)  # the reminder is due
    for _ in range(2):  # with the server's own scheduler ticking every second
        run_cron(bot)
    assert reminders_in_dm(slack, "U0TEAMMATE") == []
    assert len(dm_questions(slack, "U0TEAMMATE", 1)) == (1 if fault == "delay_after" else 0)

    lapse_leases(bot, OutboxMessage, "pending")
    wait_for(lambda: questions_owed(bot) == ["sent"], message="the question delivered")
    [reminder] = wait_for(
        lambda: reminders_in_dm(slack, "U0TEAMMATE"), message="the reminder after it"
    )
    assert "it's above" in reminder["text"]
    run_cron(bot)
    assert len(reminders_in_dm(slack, "U0TEAMMATE")) == 1
    [question] = dm_questions(slack, "U0TEAMMATE", 1)  # one copy, and it is the one answered
    assert stored_voice_question_ts(bot) == [question["ts"]]
    assert slack.message("U0TEAMMATE", channel, "1").status == 200
    question_in_dm(slack, "U0TEAMMATE", 2)


def test_an_invitee_slack_refuses_on_a_later_try_is_named_in_the_thread(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    thread = start(slack)
    channel = dm_of("U0ADMIN")
    emulator.state.inject_fault("chat.postMessage", "http_500", match={"channel": channel})
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE", "U0ADMIN"])
    first = round_line(thread)
    assert "<@U0TEAMMATE> and <@U0ADMIN> were asked" in everything(first)
    # On the next try Slack refuses for good: Ada doesn't take messages from apps.
    emulator.state.inject_fault(
        "chat.postMessage", "error", error="messages_tab_disabled", match={"channel": channel}
    )
    lapse_leases(bot, OutboxMessage, "pending")
    told = wait_for(
        lambda: [m for m in round_lines(thread) if "couldn't send" in everything(m)],
        message="the thread told Ada can't be asked",
    )
    text = everything(told[0])
    assert "couldn't send the questions to <@U0ADMIN>" in text
    assert "they don't accept direct messages from apps" in text
    assert "<@U0TEAMMATE> was asked" in text
    wait_for(lambda: ("round", "pending") not in outbox(bot), message="the line recorded")
    assert len(round_lines(thread)) == 2
    # The round now waits only for Theo: his answers reveal it.
    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS)
    wait_for(lambda: team_messages(thread), message="the team's message")
