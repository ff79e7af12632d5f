"""`/hire` end to end: the guided conversation in a thread, as the people in it see it."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.db.models import Answer, Decision, HiringConversation, Note
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from tests.e2e.harness import BotProcess

CHANNEL = "C0HIRING"
STARTUP_ANSWERS = [
    "Startup / early-stage",
    "Critical — ship and iterate",
    "B2B SaaS / subscription app",
    "Small, multi-skilled team",
    "Yes — talks to users, owns roadmap",
    "User-facing features",
]


def everything(message: dict[str, Any]) -> str:
    return message["text"] + json.dumps(message["blocks"], ensure_ascii=False)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    found = {}
    for block in message["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("type") == "button":
                found[element["text"]["text"]] = element["action_id"]
    return found


class Thread:
    """The conversation as a person in the channel sees it."""

    def __init__(self, slack: SlackDriver, root_ts: str) -> None:
        self.slack, self.root_ts = slack, root_ts

    @property
    def root(self) -> dict[str, Any]:
        message = self.slack.state.find_message(CHANNEL, self.root_ts)
        assert message is not None
        return message

    def replies(self) -> list[dict[str, Any]]:
        return self.slack.state.thread(CHANNEL, self.root_ts)[1:]

    def last(self) -> dict[str, Any]:
        return self.replies()[-1]

    def wait_replies(self, count: int) -> list[dict[str, Any]]:
        return wait_for(
            lambda: len(self.replies()) >= count and self.replies(),
            message=f"{count} replies in the thread",
        )

    def click(self, user: str, label: str, message: dict[str, Any] | None = None) -> None:
        target = message or self.last()
        action_id = buttons(target).get(label)
        assert action_id, f"no button {label!r} in {list(buttons(target))}"
        result = self.slack.click(user, target["ts"], action_id, channel=CHANNEL)
        assert result.status == 200


def start(
    slack: SlackDriver, title: str = "Senior engineer, checkout team", user: str = "U0MANAGER"
) -> Thread:
    def roots() -> list[dict[str, Any]]:
        return [
            m
            for m in slack.state.messages_in(CHANNEL, include_ephemeral=False)
            if m["text"].startswith("Hiring decision #")
        ]

    before = len(roots())
    result = slack.command(user, CHANNEL, "/hire", title)
    assert result.status == 200
    # This command's root message (the work after the ack runs in the background).
    new_roots = wait_for(lambda: roots()[before:], message="root message")
    thread = Thread(slack, new_roots[0]["ts"])
    thread.wait_replies(1)
    return thread


def answer_all(thread: Thread, labels: list[str], user: str = "U0MANAGER") -> None:
    for index, label in enumerate(labels):
        thread.click(user, label)
        thread.wait_replies(index + 2)


def db_count(bot: BotProcess, model: Any) -> int:
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


def test_full_walk_with_buttons_records_the_decision(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    assert "Senior engineer, checkout team" in everything(thread.root)
    assert "<@U0MANAGER>" in everything(thread.root)
    assert "Question 1 of 6" in everything(thread.last())
    answer_all(thread, STARTUP_ANSWERS)
    # Each question is rewritten as a record after the click, in the background: wait for it.
    wait_for(
        lambda: all("answered by" in everything(r) for r in thread.replies()[:6]),
        message="every question marked answered",
    )
    replies = thread.replies()
    # Every answered question now reads as a record: the choice and who made it.
    for reply, label in zip(replies[:6], STARTUP_ANSWERS, strict=True):
        assert label in everything(reply) and "answered by <@U0MANAGER>" in everything(reply)
        assert not buttons(reply)
    recommendation = replies[6]
    assert "Recommendation: Product engineer" in everything(recommendation)
    assert "Why" in everything(recommendation) and "posthog.com/blog" in everything(recommendation)
    wait_for(lambda: "Waiting for the decision" in everything(thread.root), message="root updated")
    thread.click("U0MANAGER", "Accept: Product engineer", recommendation)
    wait_for(lambda: "Decided" in everything(thread.root), message="root shows the decision")
    assert "Product engineer" in everything(thread.root)
    updated = slack.state.find_message(CHANNEL, recommendation["ts"])
    assert updated is not None
    assert set(buttons(updated)) == {"Change decision…", "Reopen…"}
    assert "Decided: Product engineer" in everything(updated)
    assert db_count(bot, Decision) == 1 and db_count(bot, Answer) == 6


def test_walk_with_typed_replies(slack: SlackDriver) -> None:
    thread = start(slack)
    for index, reply in enumerate(["large", "3", "data tool", "2", "no", "databases"]):
        slack.message("U0MANAGER", CHANNEL, reply, thread_ts=thread.root_ts)
        wait_for(
            lambda i=index: sum(1 for m in thread.replies() if m.get("user") == "U0BOT") >= i + 2,
            message=f"question {index + 2}",
        )
    bot_replies = [m for m in thread.replies() if m.get("user") == "U0BOT"]
    assert "Recommendation: Software engineer" in everything(bot_replies[-1])


def test_notes_are_explicit_and_every_reply_is_answered(
    slack: SlackDriver, bot: BotProcess
) -> None:
    thread = start(slack)
    slack.message(
        "U0TEAMMATE",
        CHANNEL,
        "note: we also have a data team",
        thread_ts=thread.root_ts,
    )
    slack.message("U0MANAGER", CHANNEL, "Note - growing quickly", thread_ts=thread.root_ts)
    wait_for(lambda: db_count(bot, Note) == 2, message="two notes stored")
    for user in ("U0TEAMMATE", "U0MANAGER"):
        wait_for(
            lambda u=user: any("Noted" in m["text"] for m in slack.state.ephemeral_for(u)),
            message=f"{user}'s note acknowledged",
        )
    # Anything else is answered, never filed silently: the starter gets the options.
    slack.message("U0MANAGER", CHANNEL, "blah", thread_ts=thread.root_ts)
    reply = wait_for(
        lambda: [m for m in slack.state.ephemeral_for("U0MANAGER") if "didn't catch" in m["text"]],
        message="the options, for the starter",
    )[-1]
    assert "Startup / early-stage" in everything(reply)
    slack.message("U0TEAMMATE", CHANNEL, "hmm, not sure", thread_ts=thread.root_ts)
    wait_for(
        lambda: any("note:" in m["text"] for m in slack.state.ephemeral_for("U0TEAMMATE")),
        message="how to keep a note, for a teammate",
    )
    assert db_count(bot, Note) == 2
    bot_replies = [m for m in thread.replies() if m.get("user") == "U0BOT"]
    assert len(bot_replies) == 1  # still on question 1


def test_back_changes_the_previous_answer(slack: SlackDriver) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS[:2])
    thread.click("U0MANAGER", "← Back")
    wait_for(
        lambda: "Question 2 of 6" in everything(thread.last()) and buttons(thread.last()),
        message="question 2 asked again",
    )
    # The new question goes out first; the one left behind is rewritten right after.
    wait_for(
        lambda: any("went back" in everything(m) for m in thread.replies()),
        message="the question left behind marked",
    )
    thread.click("U0MANAGER", "Stability comes first")
    wait_for(lambda: "Question 3 of 6" in everything(thread.last()), message="question 3")


def test_cancel_stops_the_conversation(slack: SlackDriver) -> None:
    thread = start(slack)
    thread.click("U0MANAGER", "Cancel")
    wait_for(lambda: "Cancelled" in everything(thread.root), message="root shows cancelled")
    assert not buttons(thread.last())


def test_override_with_a_reason_through_the_modal(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    thread.click("U0MANAGER", "Choose another outcome…", thread.replies()[6])
    modal = wait_for(lambda: slack.state.modals.get("U0MANAGER"), message="the modal opens")[0]
    empty = slack.submit_view(
        "U0MANAGER",
        modal["id"],
        {"outcome": {"value": "software_engineer"}, "reason": {"value": ""}},
    )
    assert empty.json["response_action"] == "errors" and "reason" in empty.json["errors"]
    slack.submit_view(
        "U0MANAGER",
        modal["id"],
        {
            "outcome": {"value": "software_engineer"},
            "reason": {"value": "Our payments core needs depth <!here>"},
        },
    )
    wait_for(
        lambda: "Software engineer" in everything(thread.root), message="root shows the override"
    )
    recommendation = slack.state.find_message(CHANNEL, thread.replies()[6]["ts"])
    assert recommendation is not None
    assert "&lt;!here&gt;" in everything(recommendation) and "<!here>" not in everything(
        recommendation
    )
    assert db_count(bot, Decision) == 1


def test_a_strangers_click_is_refused(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    thread.click("U0TEAMMATE", STARTUP_ANSWERS[0])
    refusal = wait_for(
        lambda: slack.state.ephemeral_for("U0TEAMMATE"), message="an ephemeral refusal"
    )
    assert "Only <@U0MANAGER>" in refusal[0]["text"]
    assert db_count(bot, Answer) == 0
    thread.click("U0ADMIN", STARTUP_ANSWERS[0])  # admins may
    thread.wait_replies(2)


def test_a_stale_click_changes_nothing(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    first_question = thread.last()
    thread.click("U0MANAGER", STARTUP_ANSWERS[0])
    thread.wait_replies(2)
    # The old message no longer has buttons, but a client with the old copy can still send the click.
    slack.click(
        "U0MANAGER",
        first_question["ts"],
        buttons(first_question)["Large company"],
        channel=CHANNEL,
        stale_copy=first_question,
    )
    note = wait_for(lambda: slack.state.ephemeral_for("U0MANAGER"), message="stale explanation")
    assert "already answered" in note[0]["text"]
    assert db_count(bot, Answer) == 1 and len(thread.replies()) == 2


def test_twenty_concurrent_clicks_record_once(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    question = thread.last()
    action_id = buttons(question)[STARTUP_ANSWERS[0]]
    statuses: list[int] = []

    def click() -> None:
        result = slack.click(
            "U0MANAGER", question["ts"], action_id, channel=CHANNEL, stale_copy=question
        )
        statuses.append(result.status)

    workers = [threading.Thread(target=click) for _ in range(20)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert statuses == [200] * 20
    thread.wait_replies(2)
    wait_for(
        lambda: len(slack.state.ephemeral_for("U0MANAGER")) == 19,
        timeout=20,
        message="19 'already answered' notes",
    )
    assert db_count(bot, Answer) == 1
    assert len([m for m in thread.replies() if "Question 2 of 6" in everything(m)]) == 1


def test_we_can_hire_two_is_recorded_once_and_says_which_to_hire_first(
    slack: SlackDriver, bot: BotProcess
) -> None:
    """One opening gets one kind of engineer. Where two would make it both, the starter says
    so with a button: the real server records it once (five clicks at once, from a client
    with the old copy) and the same message then says both, and which to hire first."""
    thread = start(slack, title="Senior engineer, data platform")
    answer_all(
        thread,
        [
            "Large company",
            "Critical — ship and iterate",
            "B2B SaaS / subscription app",
            "Small, multi-skilled team",
            "No — implements the plan",
            "Deep technical systems",
        ],
    )
    recommendation = thread.last()
    assert "Recommendation: Software engineer" in everything(recommendation)
    action_id = buttons(recommendation)["We can hire two"]

    def click() -> None:
        slack.click(
            "U0MANAGER", recommendation["ts"], action_id, channel=CHANNEL, stale_copy=recommendation
        )

    workers = [threading.Thread(target=click) for _ in range(5)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    def rewritten() -> dict[str, Any] | None:
        found = slack.state.find_message(CHANNEL, recommendation["ts"])
        return found if found and "Recommendation: Both" in everything(found) else None

    both = wait_for(rewritten, message="the recommendation says both")
    assert "hire a *software engineer* first, then a *product engineer*" in everything(both)
    wait_for(
        lambda: len(slack.state.ephemeral_for("U0MANAGER")) == 4,
        message="four clicks told they came from an earlier step",
    )
    notes = [m for m in thread.replies() if "can hire more than one person" in m["text"]]
    assert len(notes) == 1
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            openings = connection.execute(select(HiringConversation.openings)).scalar_one()
    finally:
        engine.dispose()
    assert openings == 2

    thread.click("U0MANAGER", "Accept: Both", both)
    wait_for(lambda: "Decided" in everything(thread.root), message="decided")
    assert "Both" in everything(thread.root)
    assert db_count(bot, Decision) == 1


def test_restart_in_the_middle_loses_nothing(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS[:3])
    bot.restart()
    answer_all_from = len(thread.replies())
    for offset, label in enumerate(STARTUP_ANSWERS[3:]):
        thread.click("U0MANAGER", label)
        thread.wait_replies(answer_all_from + offset + 1)
    assert "Recommendation: Product engineer" in everything(thread.last())


def test_a_retried_event_is_processed_once(slack: SlackDriver, bot: BotProcess) -> None:
    thread = start(slack)
    first = slack.message("U0MANAGER", CHANNEL, "startup", thread_ts=thread.root_ts)
    assert first.created is not None
    # Question 2 is out: the retry comes after the first delivery's work is done.
    wait_for(
        lambda: any("Question 2 of 6" in everything(m) for m in thread.replies()),
        message="question 2",
    )
    retry = slack.resend_event(first.created["event_body"], retry_num=1)
    assert retry.status == 200
    # A note sent after the retry: once it is stored, the retry has had its turn too.
    slack.message("U0MANAGER", CHANNEL, "note: after the retry", thread_ts=thread.root_ts)
    wait_for(lambda: db_count(bot, Note) >= 1, message="the marker note")
    # Without the dedupe, the retry's "startup" is read against question 2 and kept as a note.
    assert db_count(bot, Answer) == 1 and db_count(bot, Note) == 1
    assert len([m for m in thread.replies() if "Question 2 of 6" in everything(m)]) == 1


def test_hostile_and_huge_titles_are_escaped_and_truncated(
    slack: SlackDriver, bot: BotProcess
) -> None:
    thread = start(slack, title="<!channel> <@U0ADMIN> " + "x" * 3900)
    root = everything(thread.root)
    assert "<!channel>" not in root and "<@U0ADMIN>" not in root
    assert "&lt;!channel&gt;" in root
    assert len(json.dumps(thread.root["blocks"])) < 3000
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(select(HiringConversation.title)).scalar_one()
    finally:
        engine.dispose()
    assert stored.startswith("<!channel> <@U0ADMIN> x") and len(stored) > 3000


def test_help_and_bad_subcommands_answer_clearly(slack: SlackDriver) -> None:
    help_reply = slack.command("U0MANAGER", CHANNEL, "/hire", "").created
    assert help_reply is not None and "/hire list" in everything(help_reply)
    bad = slack.command("U0MANAGER", CHANNEL, "/hire", "show abc").created
    assert bad is not None and "not a decision number" in bad["text"]


def test_private_channel_without_the_bot_gets_a_clear_answer(
    slack: SlackDriver, emulator: EmulatorServer, bot: BotProcess
) -> None:
    emulator.state.inject_fault("chat.postMessage", "error", error="channel_not_found")
    slack.command("U0MANAGER", CHANNEL, "/hire", "Staff engineer")
    reply = wait_for(lambda: slack.state.ephemeral_for("U0MANAGER"), message="explanation")
    assert "/invite @hiring-bot" in reply[0]["text"]
    assert db_count(bot, HiringConversation) == 0


def test_joins_a_public_channel_it_is_not_in(slack: SlackDriver) -> None:
    """It joins, so it hears the replies typed under its questions: Slack sends a bot the
    messages of a conversation only while it is a member (posting without joining, as
    chat:write.public allows, would leave every typed answer unheard)."""
    slack.command("U0MANAGER", "C0RANDOM", "/hire", "Growth engineer, activation")
    root = wait_for(
        lambda: slack.state.messages_in("C0RANDOM", include_ephemeral=False),
        message="root in #random",
    )[0]
    assert [c.method for c in slack.state.calls_to("conversations.join")] == ["conversations.join"]
    wait_for(lambda: len(slack.state.thread("C0RANDOM", root["ts"])) == 2, message="question 1")
    assert slack.message("U0MANAGER", "C0RANDOM", "startup", thread_ts=root["ts"]).delivered
    wait_for(
        lambda: "Question 2 of 6" in everything(slack.state.thread("C0RANDOM", root["ts"])[-1]),
        message="the typed answer heard",
    )


def test_healthz_stays_up_while_conversations_run(slack: SlackDriver, bot: BotProcess) -> None:
    start(slack)
    assert httpx.get(f"{bot.url}/healthz").status_code == 200


def test_an_idle_conversation_gets_exactly_one_nudge(slack: SlackDriver, bot: BotProcess) -> None:
    import subprocess
    import sys
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    thread = start(slack)
    engine = make_engine(bot.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(HiringConversation).values(
                    last_activity_at=datetime.now(UTC) - timedelta(days=3)
                )
            )
    finally:
        engine.dispose()
    # The server's own scheduler (ticking every second) races two cron runs for the same nudge.
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "digest"],
            env=bot.env(),
            cwd=bot.workdir,
            check=True,
            capture_output=True,
            timeout=60,
        )
    nudges = wait_for(
        lambda: [m for m in thread.replies() if "still waiting" in everything(m)],
        message="a reminder in the thread",
    )
    assert "<@U0MANAGER>" in everything(nudges[0])
    assert "question 1 of 6" in everything(nudges[0])
    thread.click("U0MANAGER", "Cancel this conversation", nudges[0])
    wait_for(lambda: "Cancelled" in everything(thread.root), message="cancelled from the nudge")
    assert len([m for m in thread.replies() if "still waiting" in everything(m)]) == 1


def test_text_slack_escapes_is_shown_once_escaped_not_twice(
    slack: SlackDriver, bot: BotProcess
) -> None:
    """Slack delivers `R&D <lead>` as `R&amp;D &lt;lead&gt;` and @/# as control sequences."""
    thread = start(slack, title="R&D <lead> for @maya in #general, cc @channel")
    root = everything(thread.root)
    assert "R&amp;D &lt;lead&gt; for @maya in #general, cc @channel" in root
    assert "&amp;amp;" not in root and "<!channel>" not in root
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(select(HiringConversation.title)).scalar_one()
    finally:
        engine.dispose()
    assert stored == "R&D <lead> for @maya in #general, cc @channel"
    slack.message("U0MANAGER", CHANNEL, "Startup & early", thread_ts=thread.root_ts)
    thread.wait_replies(3)  # "&" arrives as &amp; and still answers the question
