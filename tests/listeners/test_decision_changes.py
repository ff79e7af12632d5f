"""A changed decision carries the version it was drawn for: a form opened before someone
else's change is refused, and the same change sent again is done once and said once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import DecisionEvent
from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, answer_all, buttons, everything
from tests.e2e.test_hire import start as start_conversation
from tests.listeners.conftest import drain
from tests.listeners.test_home_cancel import state_of


def changes(app: Runtime) -> int:
    with app.session_factory() as session:
        counted = select(func.count()).where(DecisionEvent.kind == "changed")
        return int(session.scalar(counted) or 0)


def test_a_resubmitted_change_is_done_once_and_a_stale_one_refused(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS)
    recommendation = thread.last()
    accept = next(label for label in buttons(recommendation) if label.startswith("Accept:"))
    thread.click("U0MANAGER", accept, recommendation)
    wait_for(lambda: state_of(app, 1) == "decided", message="decided")
    decided = wait_for(
        lambda: next((m for m in thread.replies() if "Change decision…" in buttons(m)), None),
        message="the decision's message",
    )
    # Three copies of the change form, all drawn for the decision as it is now: opened on
    # a laptop, a phone and a second window, so all three are open at once.
    forms: list[dict] = []
    for _ in range(3):
        slack.click("U0MANAGER", decided["ts"], "hire_change", channel=CHANNEL)
        opened = wait_for(
            lambda: [v for v in slack.state.modals.get("U0MANAGER") or [] if v not in forms],
            message="a change form",
        )
        forms.append(opened[0])
    with slack.state.lock:
        slack.state.modals["U0MANAGER"] = list(forms)
    same = {"outcome": {"value": "software_engineer"}, "reason": {"value": "Payments need depth"}}
    posts_before = len(thread.replies())
    slack.submit_view("U0MANAGER", forms[0]["id"], same)
    slack.submit_view("U0MANAGER", forms[1]["id"], same)  # the same change, sent again
    drain(app)
    assert changes(app) == 1
    assert len(thread.replies()) == posts_before + 1  # one "changed" note in the thread
    assert not any("changed since you opened it" in m["text"] for m in told(slack))
    # A form opened before that change, asking for something else: refused, nothing changed.
    slack.submit_view(
        "U0MANAGER",
        forms[2]["id"],
        {"outcome": {"value": "growth_engineer"}, "reason": {"value": "Growth is the goal"}},
    )
    drain(app)
    refusal = wait_for(
        lambda: [m for m in told(slack) if "changed since you opened it" in everything(m)],
        message="the stale form refused",
    )
    assert refusal[0].get("thread_ts") == thread.root_ts
    assert changes(app) == 1 and "Software engineer" in everything(thread.root)


def told(slack: SlackDriver) -> list[dict]:
    return slack.state.ephemeral_for("U0MANAGER")
