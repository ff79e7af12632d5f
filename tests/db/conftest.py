"""Fixtures for the repository tests.

The database fixtures come from tests/conftest.py, built on tests/pg.py: `postgres_server`
(one throwaway server per session), `empty_database_url` and `database_url` (parametrised
["sqlite", "postgres"], a fresh database per test, migrated to head for `database_url`),
`engine` and `session_factory`. So every test here runs on both databases.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.repositories import WorkspaceRepository

T = TypeVar("T")

NOW = datetime(2026, 11, 18, 10, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Workspaces:
    a: int
    b: int


@pytest.fixture
def workspaces(session_factory: sessionmaker[Session]) -> Workspaces:
    """Two workspaces, so every test can check that B never sees A's rows."""
    with session_factory.begin() as session:
        a = WorkspaceRepository.id_for(session, "T_A", None, NOW)
        b = WorkspaceRepository.id_for(session, "T_B", "E_B", NOW)
    return Workspaces(a, b)


def race(threads: int, work: Callable[[int], T]) -> list[T]:
    """Run work(0..threads-1) in threads released at the same instant; their results.

    Re-raises the first exception: a loser must lose cleanly, not crash.
    """
    barrier = threading.Barrier(threads)
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:
            errors.append(error)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    assert not any(thread.is_alive() for thread in pool), "a racer hung"
    return [results[i] for i in range(threads)]
