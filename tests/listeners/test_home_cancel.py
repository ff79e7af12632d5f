"""Cancel from the Home tab: the starter, or an admin for anyone's conversation, closes it
through a small modal asking for an optional reason, by the same use case as `/hire cancel`.
Anyone else sees no button, and a forged click or submission is refused; a button left over
from before the conversation ended is answered plainly."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.core.interactions import ConversationValue
from bot.db.models import DecisionEvent, HiringConversation
from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, answer_all, everything
from tests.e2e.test_hire import start as start_conversation
from tests.listeners.conftest import drain
from tests.modals import settled_modal


def home(slack: SlackDriver, user: str) -> dict[str, Any]:
    """The user's Home tab, drawn afresh."""
    before = (slack.state.home_views.get(user) or {}).get("hash")
    slack.open_home(user)
    return wait_for(
        lambda: (view := slack.state.home_views.get(user)) and view["hash"] != before and view,
        message=f"{user}'s Home tab",
    )


def home_text(view: dict[str, Any]) -> str:
    return everything({"text": "", "blocks": view["blocks"]})


def home_buttons(view: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, action_id, value) of every button on the Home tab."""
    found = []
    for block in view["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("type") == "button":
                value = json.loads(element["value"]) if element.get("value") else {}
                found.append((element["text"]["text"], element["action_id"], value))
    return found


def cancels_on(view: dict[str, Any]) -> set[int]:
    return {value["c"] for _, action, value in home_buttons(view) if action == "home_cancel"}


def click_cancel(slack: SlackDriver, user: str, view: dict[str, Any], conversation_id: int) -> None:
    """Click Cancel… for `conversation_id` (any modal still open is closed first, so the one
    this click opens is the one `modal_of` finds)."""
    with slack.state.lock:
        slack.state.modals[user] = []
    result = slack.click_view(
        user, view["id"], "home_cancel", value=ConversationValue(conversation_id).encode()
    )
    assert result.status == 200


def modal_of(slack: SlackDriver, user: str) -> dict[str, Any]:
    return settled_modal(slack.state, user)


def state_of(app: Runtime, conversation_id: int) -> str:
    with app.session_factory() as session:
        return str(
            session.scalar(
                select(HiringConversation.state).where(HiringConversation.id == conversation_id)
            )
        )


def cancelled_reasons(app: Runtime) -> list[tuple[str, str | None]]:
    with app.session_factory() as session:
        rows = session.execute(
            select(DecisionEvent.actor, DecisionEvent.reason).where(
                DecisionEvent.kind == "cancelled"
            )
        )
        return [(actor, reason) for actor, reason in rows]


def test_the_starter_cancels_from_home_with_a_reason(slack: SlackDriver, app: Runtime) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS[:2])
    view = home(slack, "U0MANAGER")
    assert cancels_on(view) == {1}
    click_cancel(slack, "U0MANAGER", view, 1)
    modal = modal_of(slack, "U0MANAGER")
    assert modal["callback_id"] == "home_cancel_submit"
    assert "Senior engineer, checkout" in home_text(modal)
    slack.submit_view("U0MANAGER", modal["id"], {"reason": {"value": "role filled internally"}})
    wait_for(lambda: state_of(app, 1) == "cancelled", message="cancelled")
    # Through the one use case: the history has it, the thread says so, Home is redrawn.
    assert cancelled_reasons(app) == [("U0MANAGER", "role filled internally")]
    wait_for(lambda: "Cancelled" in everything(thread.root), message="the root says so")
    refreshed = wait_for(
        lambda: (
            "Cancelled #1" in home_text(slack.state.home_views["U0MANAGER"])
            and slack.state.home_views["U0MANAGER"]
        ),
        message="the Home tab says it is done",
    )
    assert cancels_on(refreshed) == set()
    assert not slack.state.modals.get("U0MANAGER")


def test_an_admin_cancels_anyones_from_home_without_a_reason(
    slack: SlackDriver, app: Runtime
) -> None:
    start_conversation(slack)  # Maya's
    view = home(slack, "U0ADMIN")
    assert "Everyone else's open conversations" in home_text(view)
    assert cancels_on(view) == {1}
    click_cancel(slack, "U0ADMIN", view, 1)
    modal = modal_of(slack, "U0ADMIN")
    slack.submit_view("U0ADMIN", modal["id"], {"reason": {"value": ""}})
    wait_for(lambda: state_of(app, 1) == "cancelled", message="cancelled by the admin")
    assert cancelled_reasons(app) == [("U0ADMIN", None)]


def test_a_teammate_sees_no_button_and_a_forged_click_or_form_is_refused(
    slack: SlackDriver, app: Runtime
) -> None:
    start_conversation(slack)  # Maya's #1
    start_conversation(slack, "Theo's own role", user="U0TEAMMATE")  # #2
    view = home(slack, "U0TEAMMATE")
    assert cancels_on(view) == {2}  # his own only; Maya's isn't offered
    assert "Everyone else's open conversations" not in home_text(view)
    # A hand-made click naming Maya's conversation.
    click_cancel(slack, "U0TEAMMATE", view, 1)
    notice = modal_of(slack, "U0TEAMMATE")
    assert notice.get("callback_id", "") != "home_cancel_submit"
    assert "Only <@U0MANAGER>" in home_text(notice)
    assert state_of(app, 1) == "in_progress"
    # A hand-made submission: his own cancel form, altered to name Maya's conversation.
    drain(app)  # the Home tab drawn again after the refusal
    click_cancel(slack, "U0TEAMMATE", slack.state.home_views["U0TEAMMATE"], 2)
    form = modal_of(slack, "U0TEAMMATE")
    assert form["callback_id"] == "home_cancel_submit"
    form["private_metadata"] = ConversationValue(1).encode()
    answer = slack.submit_view("U0TEAMMATE", form["id"], {"reason": {"value": "mine now"}})
    assert answer.json["response_action"] == "update"
    assert "Only <@U0MANAGER>" in home_text(answer.json["view"])
    drain(app)
    assert state_of(app, 1) == "in_progress" and state_of(app, 2) == "in_progress"
    assert cancelled_reasons(app) == []


def test_a_home_button_left_from_before_the_decision_is_answered_plainly(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS)
    view = home(slack, "U0MANAGER")  # drawn while #1 waits for the decision
    assert cancels_on(view) == {1}
    thread.click("U0MANAGER", "Accept: Product engineer", thread.replies()[6])
    wait_for(lambda: state_of(app, 1) == "decided", message="decided")
    click_cancel(slack, "U0MANAGER", view, 1)
    notice = modal_of(slack, "U0MANAGER")
    assert "#1 was already decided" in home_text(notice)
    assert state_of(app, 1) == "decided"
    # The modal open when it was decided says so too, instead of closing for nothing.
    start_conversation(slack, "Second role")
    drain(app)  # the Home tab drawn again after the refusal
    fresh = home(slack, "U0MANAGER")
    click_cancel(slack, "U0MANAGER", fresh, 2)
    form = modal_of(slack, "U0MANAGER")
    said = slack.command("U0MANAGER", CHANNEL, "/hire", "cancel 2")
    assert said.status == 200
    wait_for(lambda: state_of(app, 2) == "cancelled", message="cancelled by command")
    answer = slack.submit_view("U0MANAGER", form["id"], {"reason": {"value": ""}})
    assert answer.json["response_action"] == "update"
    assert "#2 was already cancelled" in home_text(answer.json["view"])
    assert len(cancelled_reasons(app)) == 1
