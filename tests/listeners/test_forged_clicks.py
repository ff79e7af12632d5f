"""Hand-made clicks: a value the bot never drew (a JSON true where an id goes, a number too
big, a conversation that isn't there) changes nothing, and is answered to the clicker alone
where they clicked, through the click's response_url, even when the payload names another
channel. Slack issues the response_url for the message actually clicked; the payload's
`channel` is only what the payload says."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.db.models import Answer, Checkin, Decision
from bot.emulator import SlackDriver, wait_for
from bot.jobs.checkins import send_due_checkins
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, answer_all, buttons, everything
from tests.e2e.test_hire import start as start_conversation
from tests.e2e.test_voices import dm, dm_of, invite, question_in_dm, round_line
from tests.listeners.conftest import drain

ELSEWHERE = "C0GENERAL"  # a channel the clicker did not click in


def nothing_in(slack: SlackDriver, channel: str) -> bool:
    """No message at all in `channel`, not even an ephemeral one."""
    return slack.state.messages_in(channel) == []


def told_in(slack: SlackDriver, user: str, channel: str, words: str) -> dict[str, Any]:
    return wait_for(
        lambda: next(
            (m for m in slack.state.ephemeral_for(user, channel) if words in m["text"]), None
        ),
        message=f"{user} told {words!r} in {channel}",
    )


def forge(
    slack: SlackDriver,
    user: str,
    message: dict[str, Any],
    action_id: str,
    value: dict[str, Any],
    channel: str,
) -> None:
    """`user` clicks `action_id` on `message` (in `channel`) with a hand-made `value`, and a
    payload that names a channel they did not click in."""
    result = slack.click(
        user,
        message["ts"],
        action_id,
        channel=channel,
        value=json.dumps(value),
        payload_channel=ELSEWHERE,
    )
    assert result.status == 200


def value_of(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The JSON a button of `message` carries."""
    for block in message["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("action_id") == action_id:
                return dict(json.loads(element["value"]))
    raise AssertionError(f"no {action_id} in the message")


def test_a_forged_answer_naming_another_channel_is_refused_where_it_was_clicked(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    question = thread.last()
    action_id = buttons(question)["Startup / early-stage"]
    drawn = value_of(question, action_id)
    for forged in (
        {**drawn, "v": True},  # a bool is not a version, though Python calls it an int
        {**drawn, "c": 2**40},  # past any id
        {**drawn, "c": 99},  # well formed, but no such conversation here
    ):
        forge(slack, "U0MANAGER", question, action_id, forged, CHANNEL)
    drain(app)
    wait_for(
        lambda: len(slack.state.ephemeral_for("U0MANAGER", CHANNEL)) >= 3,
        message="three refusals where the button is",
    )
    told_in(slack, "U0MANAGER", CHANNEL, "older version of this conversation")
    told_in(slack, "U0MANAGER", CHANNEL, "can't find that hiring conversation")
    assert nothing_in(slack, ELSEWHERE)
    assert len(thread.replies()) == 1  # nothing was answered
    with app.session_factory() as session:
        assert session.scalars(select(Answer)).all() == []


def test_a_refused_voice_answer_goes_to_the_clickers_own_dm_not_the_channel_named(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    invite(slack, thread, thread.replies()[0], ["U0TEAMMATE", "U0ADMIN"])
    round_line(thread)
    theirs = question_in_dm(slack, "U0TEAMMATE", 1)
    mine = question_in_dm(slack, "U0ADMIN", 1)
    action_id = buttons(mine)["Startup / early-stage"]
    # Ada's own button, carrying Theo's voice: the questions were sent to someone else.
    forged = {**value_of(mine, action_id), "w": value_of(theirs, action_id)["w"]}
    forge(slack, "U0ADMIN", mine, action_id, forged, dm_of("U0ADMIN"))
    drain(app)
    wait_for(
        lambda: any("sent to someone else" in m["text"] for m in dm(slack, "U0ADMIN")),
        message="Ada told in her own DM",
    )
    assert nothing_in(slack, ELSEWHERE)
    assert not any("Thanks" in everything(m) for m in dm(slack, "U0TEAMMATE"))


def test_a_checkin_button_with_true_for_its_id_records_nothing(
    slack: SlackDriver, app: Runtime
) -> None:
    """`{"k": true}` once read as check-in #1: a bool passed for an int."""
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS)
    thread.click("U0MANAGER", "Accept: Product engineer", thread.replies()[6])
    wait_for(lambda: "Decided" in everything(thread.root), message="decided")
    with app.session_factory.begin() as session:
        days_ago = app.services.clock.now() - timedelta(days=90, minutes=1)
        session.execute(update(Decision).values(decided_at=days_ago))
    assert send_due_checkins(app.services, app.clients, "test") == 1
    (checkin,) = [
        m
        for m in slack.state.messages_in(dm_of("U0MANAGER"), include_ephemeral=False)
        if "Did it hold up?" in everything(m)
    ]
    action_id = buttons(checkin)["No"]
    forged = {**value_of(checkin, action_id), "k": True}
    forge(slack, "U0MANAGER", checkin, action_id, forged, dm_of("U0MANAGER"))
    drain(app)
    told_in(slack, "U0MANAGER", dm_of("U0MANAGER"), "out of date")
    assert nothing_in(slack, ELSEWHERE)
    with app.session_factory() as session:
        assert session.scalars(select(Checkin.answer)).all() == [None]
