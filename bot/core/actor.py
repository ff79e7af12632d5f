"""Who acts in a request: the person, their workspace, and whether they are one of its admins.

Whether someone is a workspace admin (or owner) only Slack knows, and asking costs a Web API
call. Most requests never need to know: the person who started a conversation may act on it
anyway. So an `Actor` asks on first use and keeps the answer for the rest of its request,
and a rule that needs it takes an `AdminFlag`: known already, or the question to ask once a
rule gets that far (`settle`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Team:
    """The Slack workspace a request came from."""

    team_id: str
    enterprise_id: str | None = None


# Known (jobs, tests, a desk that asked already), or a question asked only when needed.
AdminFlag = bool | Callable[[], bool]


def settle(flag: AdminFlag) -> bool:
    """The flag's answer: asked now, if it is a question."""
    return flag() if callable(flag) else flag


class Actor:
    """The person a request comes from. `is_admin` asks `ask_admin` the first time it is
    called and answers from memory after: one request asks at most once, from whichever
    thread gets there first."""

    def __init__(self, user: str, team: Team, ask_admin: Callable[[], bool]) -> None:
        self.user = user
        self.team = team
        self._ask_admin = ask_admin
        self._admin: bool | None = None
        self._lock = threading.Lock()

    def is_admin(self) -> bool:
        with self._lock:
            if self._admin is None:
                self._admin = self._ask_admin()
            return self._admin

    def may_act_for(self, starter: str | None) -> bool:
        """Whether they may act on something `starter` began: its starter may, an admin may;
        only someone else is asked about."""
        return self.user == starter or self.is_admin()

    def __repr__(self) -> str:
        return f"Actor({self.user!r}, {self.team!r})"
