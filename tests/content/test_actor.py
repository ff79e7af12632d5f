"""Who acts (bot.core.actor): an admin is asked about on first need, once per request."""

from __future__ import annotations

import threading

from bot.core.actor import Actor, Team, settle
from bot.core.voices import may_manage

TEAM = Team("T1")


class Slack:
    """Answers whether someone is an admin, counting the questions."""

    def __init__(self, admin: bool) -> None:
        self.admin, self.asked = admin, 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.admin


def test_the_question_is_asked_on_first_need_and_answered_from_memory_after() -> None:
    slack = Slack(admin=True)
    actor = Actor("U1", TEAM, slack)
    assert slack.asked == 0
    assert actor.is_admin() and actor.is_admin() and actor.may_act_for("U2")
    assert slack.asked == 1


def test_the_starter_is_never_asked_about() -> None:
    slack = Slack(admin=False)
    actor = Actor("U1", TEAM, slack)
    assert actor.may_act_for("U1")
    assert may_manage("U1", "U1", is_admin=actor.is_admin)
    assert slack.asked == 0
    assert not actor.may_act_for("U2") and not may_manage("U1", "U2", is_admin=actor.is_admin)
    assert slack.asked == 1


def test_threads_of_one_request_ask_once() -> None:
    slack = Slack(admin=True)
    actor = Actor("U1", TEAM, slack)
    threads = [threading.Thread(target=actor.is_admin) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert slack.asked == 1


def test_a_known_flag_is_its_own_answer() -> None:
    assert settle(True) and not settle(False)
    assert settle(Slack(admin=True))
