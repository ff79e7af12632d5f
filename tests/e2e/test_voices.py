""" "Ask the team" end to end: the starter invites two teammates from the thread, they answer
in their DMs (buttons and typed replies), and the thread gets one message with every voice.

Three people: U0MANAGER (Europe/London) starts; U0TEAMMATE (America/New_York) and U0ADMIN
(Asia/Tokyo) are invited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from bot.content.criteria import load_criteria
from bot.db.models import OutboxMessage, Voice, VoiceAnswer
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from tests.e2e.harness import BotProcess
from tests.e2e.test_digest import run_cron
from tests.e2e.test_hire import (
    CHANNEL,
    STARTUP_ANSWERS,
    Thread,
    answer_all,
    buttons,
    db_count,
    everything,
    start,
)

LARGE_COMPANY_ANSWERS = [
    "Large company",
    "Stability comes first",
    "Large, complex data tool or platform",
    "Larger team of specialists",
    "No — implements the plan",
    "Deep technical systems",
]


def dm_of(user: str) -> str:
    return "D" + user[1:]


def dm(slack: SlackDriver, user: str) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.state.messages_in(dm_of(user), include_ephemeral=False)
        if not m.get("thread_ts")
    ]


def invite(slack: SlackDriver, thread: Thread, message: dict[str, Any], users: list[str]) -> None:
    thread.click("U0MANAGER", "Ask the team…", message)
    modal = wait_for(lambda: slack.state.modals.get("U0MANAGER"), message="the invite modal")[-1]
    result = slack.submit_view("U0MANAGER", modal["id"], {"invitees": {"users": users}})
    assert result.status == 200


def round_line(thread: Thread) -> dict[str, Any]:
    return wait_for(
        lambda: next((m for m in thread.replies() if "Asking the team" in m["text"]), None),
        message="the round's line in the thread",
    )


def team_message(thread: Thread) -> dict[str, Any]:
    return wait_for(
        lambda: next((m for m in thread.replies() if "The team's view" in m["text"]), None),
        message="the team's message in the thread",
    )


def question_in_dm(slack: SlackDriver, user: str, number: int) -> dict[str, Any]:
    return wait_for(
        lambda: next(
            (m for m in dm(slack, user) if f"Question {number} of 6" in m["text"] and buttons(m)),
            None,
        ),
        message=f"question {number} in {user}'s DM",
    )


def click_in_dm(slack: SlackDriver, user: str, number: int, label: str) -> None:
    question = question_in_dm(slack, user, number)
    action_id = buttons(question).get(label)
    assert action_id, f"no {label!r} in {list(buttons(question))}"
    assert slack.click(user, question["ts"], action_id, channel=dm_of(user)).status == 200


def answer_in_dm(slack: SlackDriver, user: str, labels: list[str], first: int = 1) -> None:
    for number, label in enumerate(labels, first):
        click_in_dm(slack, user, number, label)
    if first + len(labels) > 6:
        wait_for(lambda: any("Thanks" in m["text"] for m in dm(slack, user)), message="done")


def type_in_dm(slack: SlackDriver, user: str, replies: list[str]) -> None:
    for number, typed in enumerate(replies, 1):
        question_in_dm(slack, user, number)
        assert slack.message(user, dm_of(user), typed).status == 200
    wait_for(lambda: any("Thanks" in m["text"] for m in dm(slack, user)), message="done")


def stored_answers(bot: BotProcess) -> dict[str, int]:
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Voice.user_id, VoiceAnswer.id).join(
                    VoiceAnswer, VoiceAnswer.voice_id == Voice.id
                )
            ).all()
    finally:
        engine.dispose()
    counts: dict[str, int] = {}
    for user, _ in rows:
        counts[user] = counts.get(user, 0) + 1
    return counts


def test_three_people_answer_and_the_thread_shows_every_voice(
    slack: SlackDriver, bot: BotProcess
) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    recommendation = thread.replies()[6]
    invite(slack, thread, recommendation, ["U0TEAMMATE", "U0ADMIN", "U0MANAGER"])
    line = round_line(thread)
    assert "<@U0TEAMMATE> and <@U0ADMIN> were asked" in line["text"] + everything(line)
    # Inviting oneself is refused with a line, only to the starter.
    wait_for(
        lambda: any(
            "you started this conversation" in m["text"]
            for m in slack.state.ephemeral_for("U0MANAGER", CHANNEL)
        ),
        message="the starter told they need not invite themself",
    )
    # The invitees' questions never show anyone's answers.
    first = question_in_dm(slack, "U0TEAMMATE", 1)
    assert "Startup / early-stage" in everything(first)  # an option, not an answer
    assert "chosen" not in everything(first) and "answered by" not in everything(first)

    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS[:3] + LARGE_COMPANY_ANSWERS[3:])
    assert not any("The team's view" in m["text"] for m in thread.replies())  # still hidden
    # Ada (Tokyo) types: a number, a name, part of a name.
    type_in_dm(
        slack, "U0ADMIN", ["3", "stability", "Data tool / enterprise platform", "2", "No", "2"]
    )

    shown = team_message(thread)
    text = everything(shown)
    assert "3 voices" in text
    for user in ("U0MANAGER", "U0TEAMMATE", "U0ADMIN"):
        assert f"<@{user}>" in text
    # The team's verdict is everyone's points added up: product engineer 9 + 3 + 0 = 12,
    # software engineer 0 + 6 + 8 = 14; two of the three voices get it on their own too.
    assert "*Together:* the team's points add up to *Software engineer* — slight lead" in text
    assert "software engineer 14 · product engineer 12 · growth engineer 0" in text
    assert "not what most of you got" not in text
    assert "*The disagreements that matter most*" in text
    # One screen: everyone's answers are in `/hire show`.
    assert "`/hire show 1`" in text and len(shown["blocks"]) <= 5
    # ONE message, posted once.
    assert sum("The team's view" in m["text"] for m in thread.replies()) == 1
    assert stored_answers(bot) == {"U0TEAMMATE": 6, "U0ADMIN": 6}
    assert db_count(bot, Voice) == 2

    # The starter still decides, with the recommendation's buttons; the record keeps every voice.
    thread.click("U0MANAGER", "Accept: Product engineer", recommendation)
    wait_for(lambda: "Decided" in everything(thread.root), message="decided")
    detail = everything(last_reply(slack, "show 1"))
    assert "Ask the team" in detail and "decided with 3 voices" in detail
    assert "<@U0ADMIN>: Large company · Stability comes first" in detail
    last_reply(slack, "export")
    upload = wait_for(lambda: slack.state.files, message="the exported file")[0]
    rows = list(csv.DictReader(io.StringIO(upload["content"].decode())))
    header = upload["content"].decode().splitlines()[0].split(",")
    assert header[:3] == ["decision_id", "title", "channel_id"]
    assert header[-5:] == [
        "started_by_name",
        "decided_by_name",
        "voices",
        "team_answers",
        "openings",
    ]
    assert rows[0]["voices"] == "3"
    assert rows[0]["team_answers"] == (
        "U0TEAMMATE=startup/critical/saas/specialists/implements/systems; "
        "U0ADMIN=large/stability/complex/specialists/implements/systems"
    )
    digest = everything(last_reply(slack, "digest", user="U0ADMIN"))
    assert "decided with 3 voices" in digest


def last_reply(slack: SlackDriver, text: str, user: str = "U0MANAGER") -> dict[str, Any]:
    before = len(slack.state.ephemeral_for(user))
    slack.command(user, CHANNEL, "/hire", text)
    return wait_for(lambda: slack.state.ephemeral_for(user)[before:], message=text)[-1]


def test_reveal_before_everyone_answered_and_a_late_answer(
    slack: SlackDriver, bot: BotProcess
) -> None:
    thread = start(slack)
    # Asked from question 1, before the starter answered anything.
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE", "U0ADMIN"])
    round_line(thread)
    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS)
    answer_in_dm(slack, "U0ADMIN", LARGE_COMPANY_ANSWERS[:2])
    question_in_dm(slack, "U0ADMIN", 3)
    # Someone else can't show the answers; the starter can.
    line = round_line(thread)
    slack.click("U0TEAMMATE", line["ts"], "voices_reveal", channel=CHANNEL)
    wait_for(
        lambda: any(
            "Only <@U0MANAGER>" in m["text"]
            for m in slack.state.ephemeral_for("U0TEAMMATE", CHANNEL)
        ),
        message="a teammate can't reveal",
    )
    assert not any("The team's view" in m["text"] for m in thread.replies())
    slack.click("U0MANAGER", line["ts"], "voices_reveal", channel=CHANNEL)
    shown = team_message(thread)
    text = everything(shown)
    assert "1 voice." in text and "Shown before <@U0ADMIN> answered" in text
    assert "<@U0MANAGER>'s own answers in the thread weren't complete" in text
    wait_for(
        lambda: not buttons(slack.state.find_message(CHANNEL, line["ts"]) or line),
        message="the round's line loses its button",
    )
    # Ada answers question 3 after the reveal: told clearly, nothing recorded.
    click_in_dm(slack, "U0ADMIN", 3, LARGE_COMPANY_ANSWERS[2])
    wait_for(
        lambda: any("wasn't counted" in m["text"] for m in dm(slack, "U0ADMIN")),
        message="the late answer is told it wasn't counted",
    )
    assert stored_answers(bot) == {"U0TEAMMATE": 6, "U0ADMIN": 2}
    # A second reveal click posts nothing more.
    slack.click("U0MANAGER", line["ts"], "voices_reveal", channel=CHANNEL, stale_copy=line)
    wait_for(
        lambda: any(
            "already shown" in m["text"] for m in slack.state.ephemeral_for("U0MANAGER", CHANNEL)
        ),
        message="the second reveal refused",
    )
    assert sum("The team's view" in m["text"] for m in thread.replies()) == 1


def test_a_restart_during_a_round_loses_nothing(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    invite(slack, thread, thread.replies()[6], ["U0TEAMMATE", "U0ADMIN"])
    round_line(thread)
    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS[:3])
    question_in_dm(slack, "U0TEAMMATE", 4)
    bot.restart()
    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS[3:], first=4)
    type_in_dm(slack, "U0ADMIN", ["1", "1", "1", "1", "1", "1"])
    text = everything(team_message(thread))
    assert "3 voices" in text and "nowhere — every answer matches" in text
    assert stored_answers(bot) == {"U0TEAMMATE": 6, "U0ADMIN": 6}


def test_cancel_closes_the_round(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE"])
    round_line(thread)
    thread.click("U0MANAGER", "Cancel", thread.replies()[0])
    wait_for(lambda: "Cancelled" in everything(thread.root), message="cancelled")
    click_in_dm(slack, "U0TEAMMATE", 1, STARTUP_ANSWERS[0])
    wait_for(
        lambda: any("was closed" in m["text"] for m in dm(slack, "U0TEAMMATE")),
        message="the invitee told the round is closed",
    )
    assert stored_answers(bot) == {}


class Page:
    """The sandbox page's side of the emulator: what it reads (/_emulator/state) and what
    it sends (/_emulator/actions/*), for whoever the *You are* menu says."""

    def __init__(self, emulator: EmulatorServer) -> None:
        self.http = httpx.Client(base_url=emulator.url, timeout=10)

    def do(self, action: str, **body: Any) -> None:
        response = self.http.post(f"/_emulator/actions/{action}", json=body)
        assert response.status_code == 200, response.text

    def messages(self, channel: str) -> list[dict[str, Any]]:
        state = self.http.get("/_emulator/state").json()
        return [m for m in state["messages"] if m["channel"] == channel]

    def modal(self, user: str) -> dict[str, Any]:
        return wait_for(
            lambda: (self.http.get("/_emulator/state").json()["modals"].get(user) or [None])[-1],
            message=f"{user}'s modal",
        )

    def find(self, channel: str, words: str, with_button: str | None = None) -> dict[str, Any]:
        return wait_for(
            lambda: next(
                (
                    m
                    for m in reversed(self.messages(channel))
                    if words in m["text"] and (with_button is None or with_button in buttons(m))
                ),
                None,
            ),
            message=f"{words!r} in {channel}",
        )

    def click(self, user: str, channel: str, message: dict[str, Any], label: str) -> None:
        self.do(
            "click",
            user=user,
            channel=channel,
            message_ts=message["ts"],
            action_id=buttons(message)[label],
        )


def test_the_sandbox_plays_all_three_people(slack: SlackDriver, emulator: EmulatorServer) -> None:
    page = Page(emulator)
    page.do("command", user="U0MANAGER", channel=CHANNEL, command="/hire", text="Staff engineer")
    first = page.find(CHANNEL, "Question 1 of 6", "Ask the team…")
    page.click("U0MANAGER", CHANNEL, first, "Ask the team…")
    modal = page.modal("U0MANAGER")
    page.do(
        "submit",
        user="U0MANAGER",
        view_id=modal["id"],
        values={"invitees": {"users": ["U0TEAMMATE", "U0ADMIN"]}},
    )
    page.find(CHANNEL, "Asking the team")
    # The manager answers in the thread, Theo by clicking in his DM, Ada by typing in hers.
    for number, label in enumerate(STARTUP_ANSWERS, 1):
        question = page.find(CHANNEL, f"Question {number} of 6", label)
        page.click("U0MANAGER", CHANNEL, question, label)
        question = page.find("D0TEAMMATE", f"Question {number} of 6", label)
        page.click("U0TEAMMATE", "D0TEAMMATE", question, label)
        page.find("D0ADMIN", f"Question {number} of 6")
        page.do("message", user="U0ADMIN", channel="D0ADMIN", text=str(number % 2 + 1))
    shown = page.find(CHANNEL, "The team's view")
    assert "3 voices" in everything(shown)


def test_a_silent_invitee_is_reminded_once(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE", "U0ADMIN"])
    round_line(thread)
    answer_in_dm(slack, "U0ADMIN", STARTUP_ANSWERS)  # Ada is done; Theo says nothing
    question_in_dm(slack, "U0TEAMMATE", 1)
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Voice).values(invited_at=datetime.now(UTC) - timedelta(days=3))
            )
    finally:
        engine.dispose()
    # The server's own scheduler (ticking every second) races two cron runs for it.
    for _ in range(2):
        run_cron(bot)
    wait_for(
        lambda: any("A reminder" in m["text"] for m in dm(slack, "U0TEAMMATE")),
        message="a reminder in Theo's DM",
    )
    assert sum("A reminder" in m["text"] for m in dm(slack, "U0TEAMMATE")) == 1
    assert not any("A reminder" in m["text"] for m in dm(slack, "U0ADMIN"))


def test_someone_the_bot_cannot_message_is_told_about_in_the_thread(
    slack: SlackDriver, bot: BotProcess
) -> None:
    thread = start(slack)
    # A person of another workspace: Slack won't let this bot open a DM with them.
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE", "U2MANAGER"])
    line = round_line(thread)
    text = everything(line)
    assert "<@U0TEAMMATE> was asked" in text
    assert "couldn't send the questions to <@U2MANAGER>" in text
    # The invite's own line says it: no second line for the same news.
    wait_for(lambda: not rounds_owed(bot), message="the round's line recorded")
    assert sum("Asking the team" in m["text"] for m in thread.replies()) == 1


def rounds_owed(bot: BotProcess) -> list[str]:
    """The round's lines still owed to the thread."""
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    select(OutboxMessage.key).where(
                        OutboxMessage.kind == "round", OutboxMessage.status == "pending"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()


def in_dm(slack: SlackDriver, user: str, text: str) -> int:
    """How many messages in the user's DM show `text` (asked, answered or left)."""
    return sum(text in everything(m) for m in dm(slack, user))


def stored_option(bot: BotProcess, user: str, question_key: str) -> list[str]:
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    select(VoiceAnswer.option_key)
                    .join(Voice, Voice.id == VoiceAnswer.voice_id)
                    .where(Voice.user_id == user, VoiceAnswer.question_key == question_key)
                ).scalars()
            )
    finally:
        engine.dispose()


def test_an_invitee_goes_back_in_their_dm_and_corrects_an_answer(
    slack: SlackDriver, bot: BotProcess
) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    invite(slack, thread, thread.replies()[6], ["U0TEAMMATE"])
    round_line(thread)
    dm_channel = dm_of("U0TEAMMATE")
    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS[:2])
    third = question_in_dm(slack, "U0TEAMMATE", 3)
    assert "Go back" in buttons(third) and "`back`" in everything(third)

    # A mis-click on question 2: back from question 3, whose buttons go.
    assert slack.click("U0TEAMMATE", third["ts"], "voice_back", channel=dm_channel).status == 200
    left = wait_for(
        lambda: (m := slack.state.find_message(dm_channel, third["ts"])) and not buttons(m) and m,
        message="question 3 loses its buttons",
    )
    assert "went back to question 2" in everything(left)
    again = question_in_dm(slack, "U0TEAMMATE", 2)  # asked again: a new message
    assert again["ts"] != third["ts"] and "Go back" in buttons(again)
    assert in_dm(slack, "U0TEAMMATE", "Question 2 of 6") == 2
    # The old question 3, as a slow client still shows it, records nothing.
    stale = buttons(third)[STARTUP_ANSWERS[2]]
    slack.click("U0TEAMMATE", third["ts"], stale, channel=dm_channel, stale_copy=third)
    wait_for(
        lambda: any("went back from it" in m["text"] for m in dm(slack, "U0TEAMMATE")),
        message="the stale click told",
    )
    assert stored_answers(bot) == {"U0TEAMMATE": 1}

    # Answered differently; then `back` typed on question 3, and `help` says it works.
    click_in_dm(slack, "U0TEAMMATE", 2, LARGE_COMPANY_ANSWERS[1])
    retyped = question_in_dm(slack, "U0TEAMMATE", 3)
    assert slack.message("U0TEAMMATE", dm_channel, "help").status == 200
    wait_for(
        lambda: any(
            "Reply `back`" in m["text"] and STARTUP_ANSWERS[2] in m["text"]
            for m in dm(slack, "U0TEAMMATE")
        ),
        message="help with the options and `back`",
    )
    assert slack.message("U0TEAMMATE", dm_channel, "back").status == 200
    wait_for(
        lambda: not buttons(slack.state.find_message(dm_channel, retyped["ts"]) or retyped),
        message="the typed back leaves question 3",
    )
    wait_for(lambda: in_dm(slack, "U0TEAMMATE", "Question 2 of 6") == 3, message="question 2")
    click_in_dm(slack, "U0TEAMMATE", 2, LARGE_COMPANY_ANSWERS[1])
    answer_in_dm(slack, "U0TEAMMATE", STARTUP_ANSWERS[2:], first=3)

    # Each ask posted once; the team's message and the record hold the corrected answer.
    assert in_dm(slack, "U0TEAMMATE", "Question 2 of 6") == 3
    assert in_dm(slack, "U0TEAMMATE", "Question 3 of 6") == 3
    text = everything(team_message(thread))
    assert "2 voices" in text and LARGE_COMPANY_ANSWERS[1] in text
    assert stored_answers(bot) == {"U0TEAMMATE": 6}
    assert stored_option(bot, "U0TEAMMATE", load_criteria().questions[1].key) == ["stability"]
    assert sum("The team's view" in m["text"] for m in thread.replies()) == 1
