"""A conversation whose thread is gone in Slack: the next click that touches it finds out
from Slack's own answer (no call is added to check), the conversation is marked orphaned
with its answers kept, the clicker is told plainly, `/hire list`, `/hire show` and the Home
tab say "thread deleted", and its starter or an admin restarts it in a new thread where it
stood."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.db.models import Answer, DecisionEvent, HiringConversation
from bot.emulator import SlackDriver, wait_for
from bot.jobs.nudges import send_due_nudges
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, Thread, answer_all, buttons, everything
from tests.e2e.test_hire import start as start_conversation
from tests.listeners.conftest import drain
from tests.listeners.test_home_cancel import home, home_buttons, home_text, state_of

OTHER = "C0GENERAL"


def hire(slack: SlackDriver, text: str, user: str = "U0MANAGER", channel: str = CHANNEL) -> Any:
    before = len(slack.state.ephemeral_for(user))
    assert slack.command(user, channel, "/hire", text).status == 200
    return wait_for(lambda: slack.state.ephemeral_for(user)[before:], message=text)[-1]


def told(slack: SlackDriver, user: str, words: str) -> dict[str, Any]:
    return wait_for(
        lambda: next((m for m in slack.state.ephemeral_for(user) if words in everything(m)), None),
        message=f"{user} told {words!r}",
    )


def root_deleted(slack: SlackDriver, app: Runtime) -> Thread:
    """Five answers, then the root message is deleted in Slack (a placeholder stays, as the
    thread has replies, and Slack still takes replies under it); the last answer's click,
    which rewrites the root, finds it out."""
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS[:5])
    slack.state.delete_message(thread.root)
    thread.click("U0MANAGER", STARTUP_ANSWERS[5])
    wait_for(lambda: state_of(app, 1) == "orphaned", message="marked orphaned")
    drain(app)  # the click's work is over: the clicker has been told
    return thread


def orphaned_at(slack: SlackDriver, app: Runtime, answered: int) -> None:
    """`answered` answers, the thread deleted whole, then a click on a copy of the question
    still on screen: posting the next question is refused (`thread_not_found`). The click's
    answer counts: `answered + 1` answers are kept."""
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS[:answered])
    question = thread.last()
    slack.state.delete_thread(CHANNEL, thread.root_ts)
    slack.click(
        "U0MANAGER",
        question["ts"],
        buttons(question)[STARTUP_ANSWERS[answered]],
        channel=CHANNEL,
        stale_copy=question,
    )
    wait_for(lambda: state_of(app, 1) == "orphaned", message="marked orphaned")
    drain(app)


def new_roots(slack: SlackDriver, channel: str) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.state.messages_in(channel, include_ephemeral=False)
        if m["text"].startswith("Hiring decision #")
    ]


def test_a_deleted_root_is_found_by_the_next_click_and_said_everywhere(
    slack: SlackDriver, app: Runtime
) -> None:
    root_deleted(slack, app)
    # The clicker is told plainly, with the way on.
    note = told(slack, "U0MANAGER", "thread was deleted")
    assert "#1" in everything(note) and "answers so far are kept" in everything(note)
    assert "Restart in a new thread" in buttons(note)
    with app.session_factory() as session:
        assert session.scalar(select(HiringConversation.current_step)) == 6
        assert len(session.scalars(select(Answer)).all()) == 6  # nothing deleted
        kinds = session.scalars(select(DecisionEvent.kind)).all()
    assert kinds == ["orphaned"]
    # No Web API call was made to find out: only the plan's own post and rewrites.
    assert not slack.state.calls_to("chat.getPermalink")
    assert not slack.state.calls_to("conversations.history")
    listing = everything(hire(slack, "list"))
    assert "Thread deleted" in listing and "/hire restart 1" in listing
    assert "archives/C0HIRING" not in listing  # no link to a dead end
    shown = hire(slack, "show 1")
    assert "Its thread was deleted" in everything(shown)
    assert "Restart in a new thread" in {
        b["accessory"]["text"]["text"]
        for b in shown["blocks"]
        if b["type"] == "section" and b.get("accessory")
    }
    assert "Orphaned: thread deleted (found when Maya Patel acted)" in everything(shown)
    view = home(slack, "U0MANAGER")
    assert "Thread deleted" in home_text(view)
    assert ("Restart in a new thread", "home_restart", {"c": 1}) in home_buttons(view)


def test_a_click_left_in_the_thread_after_it_is_orphaned_is_answered_plainly(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = root_deleted(slack, app)
    recommendation = wait_for(
        lambda: next((m for m in thread.replies() if "Accept:" in str(buttons(m))), None),
        message="the recommendation posted before the root was found gone",
    )
    before = len(slack.state.ephemeral_for("U0MANAGER"))
    thread.click("U0MANAGER", "Accept: Product engineer", recommendation)
    said = wait_for(lambda: slack.state.ephemeral_for("U0MANAGER")[before:], message="the refusal")[
        -1
    ]
    assert "was deleted" in said["text"] and "/hire restart 1" in said["text"]
    assert state_of(app, 1) == "orphaned"


def test_a_thread_deleted_whole_is_found_by_a_click_on_an_old_copy(
    slack: SlackDriver, app: Runtime
) -> None:
    orphaned_at(slack, app, answered=2)
    assert not slack.state.messages_in(CHANNEL, include_ephemeral=False)
    told(slack, "U0MANAGER", "thread was deleted")
    with app.session_factory() as session:
        assert session.scalar(select(HiringConversation.current_step)) == 3
    assert "Orphaned: thread deleted" in everything(hire(slack, "show 1"))


def test_a_deleted_channel_is_found_by_the_reminder(slack: SlackDriver, app: Runtime) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    start_conversation(slack)
    with app.session_factory.begin() as session:
        session.execute(
            update(HiringConversation).values(
                last_activity_at=app.services.clock.now() - timedelta(days=3)
            )
        )
    slack.state.delete_channel(CHANNEL)
    send_due_nudges(app.services, app.clients, "test")
    assert state_of(app, 1) == "orphaned"
    with app.session_factory() as session:
        event = session.execute(select(DecisionEvent.reason, DecisionEvent.actor)).one()
    assert tuple(event) == ("channel deleted or out of reach", "")
    assert "channel deleted" in everything(hire(slack, "show 1", channel=OTHER))


def test_the_starter_restarts_it_elsewhere_with_its_answers(
    slack: SlackDriver, app: Runtime
) -> None:
    orphaned_at(slack, app, answered=2)
    said = hire(slack, "restart 1", channel=OTHER)
    assert "Restarted #1 in a new thread in <#C0GENERAL>" in said["text"]
    assert "3 answers so far" in said["text"]
    [root] = new_roots(slack, OTHER)
    moved = Thread(slack, root["ts"])
    moved_replies = wait_for(
        lambda: (
            len(slack.state.thread(OTHER, root["ts"])) >= 3
            and slack.state.thread(OTHER, root["ts"])[1:]
        ),
        message="the new thread",
    )
    carried = everything(moved_replies[0])
    assert "restarted this conversation here" in carried
    assert all(label in carried for label in STARTUP_ANSWERS[:3])
    question = moved_replies[1]
    assert "Question 4 of 6" in everything(question)
    with app.session_factory() as session:
        conv = session.scalars(select(HiringConversation)).one()
        assert (conv.state, conv.channel_id, conv.root_ts) == ("in_progress", OTHER, root["ts"])
    # It goes on in the new thread as if nothing had happened.
    moved.slack.click(
        "U0MANAGER", question["ts"], buttons(question)[STARTUP_ANSWERS[3]], channel=OTHER
    )
    wait_for(
        lambda: any(
            "Question 5 of 6" in everything(m) for m in slack.state.thread(OTHER, root["ts"])
        ),
        message="question 5 in the new thread",
    )
    shown = everything(hire(slack, "show 1"))
    assert "Restarted in a new thread in <#C0GENERAL> by Maya Patel" in shown
    assert "started it in <#C0HIRING>" in shown


def test_restart_from_home_goes_back_to_its_channel_or_says_why_not(
    slack: SlackDriver, app: Runtime
) -> None:
    root_deleted(slack, app)
    slack.state.archive(CHANNEL)
    view = home(slack, "U0MANAGER")
    slack.click_view("U0MANAGER", view["id"], "home_restart")
    refused = wait_for(
        lambda: (
            "can't post in <#C0HIRING>" in home_text(slack.state.home_views["U0MANAGER"])
            and slack.state.home_views["U0MANAGER"]
        ),
        message="the Home tab says why not",
    )
    assert "/hire restart 1" in home_text(refused)
    assert state_of(app, 1) == "orphaned"
    slack.state.channels[CHANNEL]["is_archived"] = False
    slack.click_view("U0MANAGER", refused["id"], "home_restart")
    wait_for(lambda: state_of(app, 1) == "awaiting_decision", message="restarted from Home")
    wait_for(
        lambda: "Restarted #1" in home_text(slack.state.home_views["U0MANAGER"]),
        message="the Home tab says so",
    )
    root = [r for r in new_roots(slack, CHANNEL) if r.get("subtype") != "tombstone"][-1]
    thread = Thread(slack, root["ts"])
    wait_for(
        lambda: any("Recommendation: Product engineer" in everything(m) for m in thread.replies()),
        message="the recommendation again, in the new thread",
    )


def test_only_its_starter_or_an_admin_restarts_it(slack: SlackDriver, app: Runtime) -> None:
    orphaned_at(slack, app, answered=2)
    refused = hire(slack, "restart 1", user="U0TEAMMATE", channel=OTHER)
    assert "Only <@U0MANAGER>" in refused["text"]
    drain(app)
    assert state_of(app, 1) == "orphaned"
    # Refused before anything is posted: not even a root taken back afterwards.
    assert not [c for c in slack.state.calls_to("chat.postMessage") if c.args["channel"] == OTHER]
    # Theo is not offered the button either.
    assert "Restart in a new thread" not in everything(hire(slack, "show 1", user="U0TEAMMATE"))
    said = hire(slack, "restart 1", user="U0ADMIN", channel=OTHER)
    assert "Restarted #1" in said["text"] and state_of(app, 1) == "in_progress"
    assert "nothing to restart" in hire(slack, "restart 1")["text"]


def test_the_restart_button_in_the_note_restarts_it_where_the_note_is(
    slack: SlackDriver, app: Runtime
) -> None:
    orphaned_at(slack, app, answered=1)
    note = told(slack, "U0MANAGER", "thread was deleted")
    slack.click("U0MANAGER", note["ts"], "hire_restart", channel=CHANNEL)
    wait_for(lambda: state_of(app, 1) == "in_progress", message="restarted from the note")
    told(slack, "U0MANAGER", "Restarted #1 in a new thread in <#C0HIRING>")


def test_a_sandbox_whose_workspace_was_lost_shows_its_conversations_orphaned(
    slack: SlackDriver, app: Runtime
) -> None:
    from bot.sandbox import orphan_lost_threads

    start_conversation(slack)  # #1, its thread about to be lost
    kept = start_conversation(slack, "Kept role")  # #2, its thread saved
    saved = [m for m in slack.state.messages if m["ts"] >= kept.root_ts]
    slack.state.reset()  # the workspace starts empty: no file, or an unreadable one
    for message in saved:  # …but #2's thread was in the file
        slack.state.add_message(**message)
    assert orphan_lost_threads(app.services, slack.state) == 1
    assert state_of(app, 1) == "orphaned" and state_of(app, 2) == "in_progress"
    assert orphan_lost_threads(app.services, slack.state) == 0  # once
    view = home(slack, "U0MANAGER")
    assert "Thread deleted" in home_text(view)
    assert ("Restart in a new thread", "home_restart", {"c": 1}) in home_buttons(view)
    assert "Thread deleted" in everything(hire(slack, "list"))
    slack.click_view("U0MANAGER", view["id"], "home_restart")
    wait_for(lambda: state_of(app, 1) == "in_progress", message="restarted in its channel")


def test_an_orphaned_conversation_can_be_cancelled_and_a_reply_left_under_it_is_answered(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = root_deleted(slack, app)  # orphaned while waiting for the decision
    before = len(slack.state.ephemeral_for("U0MANAGER"))
    slack.message("U0MANAGER", CHANNEL, "accept", thread_ts=thread.root_ts)
    said = wait_for(lambda: slack.state.ephemeral_for("U0MANAGER")[before:], message="answer")
    assert "was deleted" in said[-1]["text"] and "/hire restart 1" in said[-1]["text"]
    assert "Cancelled #1" in hire(slack, "cancel 1 thread gone", channel=OTHER)["text"]
    assert state_of(app, 1) == "cancelled"
    assert "Cancelled by Maya Patel" in everything(hire(slack, "show 1", channel=OTHER))


def test_a_private_channels_conversation_restarts_only_in_its_own_channel(
    slack: SlackDriver, app: Runtime
) -> None:
    orphaned_at(slack, app, answered=2)
    with app.session_factory.begin() as session:  # as if #hiring were a private channel
        session.execute(update(HiringConversation).values(private_channel=True))
    said = hire(slack, "restart 1", channel=OTHER)
    assert "was started in a private channel, so it can only go on there" in said["text"]
    assert new_roots(slack, OTHER) == [] and state_of(app, 1) == "orphaned"
    assert "Restarted #1" in hire(slack, "restart 1")["text"]
    assert state_of(app, 1) == "in_progress"
