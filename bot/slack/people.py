"""People's names from Slack (`users.info`, `users.list`), for the places a mention does
not render: headers, CSV files, and resolving a name someone typed without picking it.

Each lookup is made once per request (a `Directory` is built per request) and kept briefly
across requests: names change rarely, and a page of rows by the same people must not cost a
Web API call per row. Nothing depends on the cache being there; every process may keep its
own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.people import Person, match_people

log = logging.getLogger(__name__)

TTL_SECONDS = 300.0
MAX_ENTRIES = 5000
_MISSING = object()


class BriefCache:
    """A small time-limited cache of people, shared by the requests of one process (it lives
    in Services, built with the app, like every other piece of process state)."""

    def __init__(self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.clock = ttl, clock
        self.entries: dict[tuple[str, ...], tuple[float, Any]] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> Any:
        with self.lock:
            found = self.entries.get(key)
            if found is None or found[0] < self.clock():
                return _MISSING
            return found[1]

    def put(self, key: tuple[str, ...], value: Any) -> None:
        with self.lock:
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.clear()
            self.entries[key] = (self.clock() + self.ttl, value)


def _person(user: dict[str, Any]) -> Person:
    profile = user.get("profile") or {}
    return Person(
        id=str(user.get("id") or ""),
        real_name=str(profile.get("real_name") or user.get("real_name") or ""),
        display_name=str(profile.get("display_name") or ""),
        name=str(user.get("name") or ""),
    )


class Directory:
    """The people of the workspace whose token `client` carries."""

    def __init__(self, client: WebClient, cache: BriefCache) -> None:
        self.client = client
        self.cache = cache
        self.scope = str(client.token or "")  # one workspace's names never answer another's

    def person(self, user_id: str) -> Person | None:
        key = (self.scope, "user", user_id)
        found = self.cache.get(key)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        try:
            person: Person | None = _person(self.client.users_info(user=user_id)["user"])
        except SlackApiError as error:
            log.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
            return None  # not cached: the next request asks again
        self.cache.put(key, person)
        return person

    def label(self, user_id: str) -> str:
        """The person's name, or their id when Slack won't say."""
        person = self.person(user_id)
        return person.label if person else user_id

    def everyone(self) -> tuple[Person, ...] | None:
        """The workspace's active people (not bots), or None when Slack won't list them."""
        key = (self.scope, "everyone")
        found = self.cache.get(key)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        people: list[Person] = []
        cursor = None
        try:
            while True:
                page = self.client.users_list(limit=200, cursor=cursor)
                for user in page.get("members") or []:
                    if not user.get("deleted") and not user.get("is_bot"):
                        people.append(_person(user))
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as error:
            log.warning("users.list failed: %s", error.response.get("error"))
            return None
        result = tuple(people)
        self.cache.put(key, result)
        for person in result:
            self.cache.put((self.scope, "user", person.id), person)
        return result

    def find(self, typed: str) -> tuple[Person, ...] | None:
        """Who a typed `@Name Surname` means (maybe several, maybe no one); None when Slack
        won't list the workspace's people."""
        people = self.everyone()
        return None if people is None else match_people(typed, people)
