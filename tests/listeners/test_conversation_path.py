"""One path per interaction, in process: a click, a typed reply, a stale button, a modal.

Each test drives the production Bolt app with signed requests and asserts on what the
emulator recorded, as a person in the channel would see it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text, update

from bot.db.models import Answer, Decision, HiringConversation, Note
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, Thread, answer_all, buttons, everything
from tests.e2e.test_hire import start as start_conversation
from tests.listeners.conftest import drain


def count(app: Runtime, model: Any) -> int:
    with app.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def change_answer(slack: SlackDriver, recommendation: dict[str, Any], label_start: str) -> None:
    """Pick, in the recommendation's "Change an answer…" menu, the question labelled so."""
    menu = next(
        e
        for b in recommendation["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "static_select" and e["action_id"] == "hire_back"
    )
    option = next(o for o in menu["options"] if o["text"]["text"].startswith(label_start))
    result = slack.click(
        "U0MANAGER",
        recommendation["ts"],
        "hire_back",
        channel=CHANNEL,
        selected_option_value=option["value"],
    )
    assert result.status == 200


def test_change_an_answer_re_asks_from_the_question_picked(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS)
    change_answer(slack, thread.last(), "2.")
    asked = wait_for(
        lambda: "Question 2 of 6" in everything(thread.last()) and thread.last(),
        message="question 2 asked again",
    )
    assert buttons(asked)
    assert count(app, Answer) == 1  # the answers from question 2 on are asked again


def test_not_hiring_now_asks_for_a_reason(slack: SlackDriver, app: Runtime) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS)
    recommendation = thread.last()
    slack.click(
        "U0MANAGER",
        recommendation["ts"],
        buttons(recommendation)["Not hiring now…"],
        channel=CHANNEL,
    )
    modal = wait_for(lambda: slack.state.modals.get("U0MANAGER"), message="the modal")[0]
    refused = slack.submit_view("U0MANAGER", modal["id"], {"reason": {"value": ""}})
    assert "reason" in refused.json["errors"]
    slack.submit_view("U0MANAGER", modal["id"], {"reason": {"value": "Budget frozen until Q2"}})
    wait_for(lambda: count(app, Decision) == 1, message="the decision")
    with app.session_factory() as session:
        decision = session.execute(select(Decision.final_outcome, Decision.reason)).one()
    assert tuple(decision) == ("not_hiring", "Budget frozen until Q2")


def test_a_click_moves_the_thread_on(slack: SlackDriver, app: Runtime) -> None:
    thread = start_conversation(slack)
    first = thread.last()
    thread.click("U0MANAGER", STARTUP_ANSWERS[0])
    replies = thread.wait_replies(2)
    assert "Question 2 of 6" in everything(replies[-1])
    answered = wait_for(
        lambda: (
            "answered by" in everything(slack.state.find_message(CHANNEL, first["ts"]) or {})
            and slack.state.find_message(CHANNEL, first["ts"])
        ),
        message="the first question marked answered",
    )
    assert not buttons(answered)
    assert "In progress" in everything(thread.root)  # the root shows the state, not the step


def test_a_click_before_its_question_is_recorded_updates_the_clicked_message(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    thread.click("U0MANAGER", STARTUP_ANSWERS[0])
    second = thread.wait_replies(2)[-1]
    # As if the click raced the recording of the new question's ts: nothing is stored yet.
    with app.session_factory.begin() as session:
        session.execute(update(HiringConversation).values(current_question_ts=None))
    thread.click("U0MANAGER", STARTUP_ANSWERS[1], second)
    thread.wait_replies(3)
    wait_for(
        lambda: "answered by" in everything(slack.state.find_message(CHANNEL, second["ts"]) or {}),
        message="the clicked question marked answered",
    )


def test_an_old_accept_never_records_a_newer_recommendation(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS)
    recommendation = thread.last()
    assert "Accept: Product engineer" in buttons(recommendation)
    change_answer(slack, recommendation, "6.")
    question = thread.wait_replies(len(STARTUP_ANSWERS) + 2)[-1]
    assert "Question 6 of 6" in everything(question)
    thread.click("U0MANAGER", "Deep technical systems", question)
    newer = wait_for(
        lambda: thread.last() if "Recommendation" in everything(thread.last()) else None,
        message="the new recommendation",
    )
    assert newer["ts"] != recommendation["ts"]
    # A client still showing the old recommendation sends its Accept.
    slack.click(
        "U0MANAGER",
        recommendation["ts"],
        buttons(recommendation)["Accept: Product engineer"],
        channel=CHANNEL,
        stale_copy=recommendation,
    )
    refusal = wait_for(lambda: slack.state.ephemeral_for("U0MANAGER"), message="a refusal")
    assert "earlier step" in refusal[-1]["text"]
    assert count(app, Decision) == 0


def test_a_retried_event_is_processed_once(slack: SlackDriver, app: Runtime) -> None:
    thread = start_conversation(slack)
    first = slack.message("U0MANAGER", CHANNEL, "startup", thread_ts=thread.root_ts)
    assert first.created is not None
    # Question 2 is out: the retry comes after the first delivery's work is done.
    wait_for(
        lambda: any("Question 2 of 6" in everything(m) for m in thread.replies()),
        message="question 2",
    )
    assert slack.resend_event(first.created["event_body"], retry_num=1).status == 200
    drain(app)
    # Without the dedupe, the retry's "startup" is read against question 2 and kept as a note.
    assert count(app, Answer) == 1 and count(app, Note) == 0
    assert len([m for m in thread.replies() if "Question 2 of 6" in everything(m)]) == 1


def test_the_decision_modal_opens_while_the_database_is_busy(
    slack: SlackDriver, app: Runtime, emulator: EmulatorServer
) -> None:
    thread: Thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS)
    recommendation = thread.last()
    # Another transaction holds the conversations: any read of them would wait for it.
    blocker = app.engine.connect()
    try:
        if app.engine.dialect.name == "postgresql":
            blocker.execute(text("BEGIN"))
            blocker.execute(text("LOCK TABLE hiring_conversations IN ACCESS EXCLUSIVE MODE"))
        else:
            blocker.exec_driver_sql("COMMIT")  # the engine began IMMEDIATE; take it exclusive
            blocker.exec_driver_sql("BEGIN EXCLUSIVE")
        result = slack.click(
            "U0MANAGER",
            recommendation["ts"],
            buttons(recommendation)["Choose another outcome…"],
            channel=CHANNEL,
        )
        assert result.status == 200
        modal = wait_for(lambda: slack.state.modals.get("U0MANAGER"), message="the modal")
        assert "What did you decide instead" in str(modal[0]["blocks"])
    finally:
        blocker.exec_driver_sql("ROLLBACK")
        blocker.close()
