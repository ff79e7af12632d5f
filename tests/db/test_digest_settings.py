"""Digest managers and the settings' history: the repositories, and the use case that
decides who may change what (`DigestStore.change`), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.core.digest_settings import SettingsChange, SettingsChanged, SettingsRefused
from bot.db.repositories import DigestManagerRepository, DigestSettingsChangeRepository
from bot.hiring.digest import DigestStore
from tests.db.conftest import NOW, Workspaces, race


def test_managers_are_replaced_and_scoped_to_their_workspace(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    a, b = workspaces.a, workspaces.b
    with session_factory.begin() as session:
        assert DigestManagerRepository.list(session, a) == ()
        DigestManagerRepository.replace(session, a, ["U2", "U1"], named_by="UA", now=NOW)
        DigestManagerRepository.replace(session, b, ["U9"], named_by="UB", now=NOW)
    with session_factory.begin() as session:
        assert DigestManagerRepository.list(session, a) == ("U1", "U2")
        DigestManagerRepository.replace(session, a, ["U2", "U3"], named_by="UA", now=NOW)
    with session_factory.begin() as session:
        assert DigestManagerRepository.list(session, a) == ("U2", "U3")
        assert DigestManagerRepository.list(session, b) == ("U9",)
        DigestManagerRepository.replace(session, a, [], named_by="UA", now=NOW)
    with session_factory() as session:
        assert DigestManagerRepository.list(session, a) == ()
        assert DigestManagerRepository.list(session, b) == ("U9",)


def test_changes_are_kept_newest_first_per_workspace(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        for minutes in range(3):
            DigestSettingsChangeRepository.add(
                session,
                workspaces.a,
                changed_by="U1",
                changed_at=NOW + timedelta(minutes=minutes),
                before={"enabled": minutes % 2 == 1},
                after={"enabled": minutes % 2 == 0},
            )
        DigestSettingsChangeRepository.add(
            session,
            workspaces.b,
            changed_by="U9",
            changed_at=NOW,
            before={"channel_id": None},
            after={"channel_id": "C9"},
        )
    with session_factory() as session:
        latest = DigestSettingsChangeRepository.latest(session, workspaces.a, 2)
        assert [row.changed_at for row in latest] == [
            NOW + timedelta(minutes=2),
            NOW + timedelta(minutes=1),
        ]
        assert (latest[0].before, latest[0].after) == ({"enabled": False}, {"enabled": True})
        (other,) = DigestSettingsChangeRepository.latest(session, workspaces.b, 10)
        assert (other.changed_by, other.after) == ("U9", {"channel_id": "C9"})


def test_who_may_change_the_settings_and_what_is_kept(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    store, ws = DigestStore(session_factory), workspaces.a
    # Not an admin and not named: refused, and nothing is stored.
    assert store.change(ws, "U_THEO", NOW, actor_is_admin=False, enabled=False) == (
        SettingsRefused(())
    )
    assert store.history(ws, "U_ADA", True) == ()
    # An admin names a manager; only an admin may.
    named = store.change(ws, "U_ADA", NOW, actor_is_admin=True, managers=("U_MAYA",))
    assert isinstance(named, SettingsChanged) and named.managers == ("U_MAYA",)
    assert store.change(ws, "U_MAYA", NOW, actor_is_admin=False, managers=()) == (
        SettingsRefused(("U_MAYA",), admins_only=True)
    )
    # The manager moves the digest: the whole schedule is kept on both sides.
    later = NOW + timedelta(hours=1)
    moved = store.change(
        ws, "U_MAYA", later, actor_is_admin=False, weekday=4, hour=16, timezone="Europe/Berlin"
    )
    assert isinstance(moved, SettingsChanged) and moved.change is not None
    assert moved.change == SettingsChange(
        "U_MAYA",
        later,
        {"weekday": 0, "hour": 9, "minute": 0, "timezone": "UTC"},
        {"weekday": 4, "hour": 16, "minute": 0, "timezone": "Europe/Berlin"},
    )
    assert moved.settings.configured_by == "U_MAYA"
    # The same values again change nothing and keep nothing.
    again = store.change(ws, "U_MAYA", later, actor_is_admin=False, weekday=4, hour=16)
    assert isinstance(again, SettingsChanged) and again.change is None
    assert store.change(ws, "U_THEO", later, actor_is_admin=False, enabled=False) == (
        SettingsRefused(("U_MAYA",))
    )
    # The history: for admins and managers, newest first; refused to anyone else.
    history = store.history(ws, "U_MAYA", False)
    assert isinstance(history, tuple)
    assert [(c.actor, dict(c.after)) for c in history] == [
        ("U_MAYA", {"weekday": 4, "hour": 16, "minute": 0, "timezone": "Europe/Berlin"}),
        ("U_ADA", {"managers": ["U_MAYA"]}),
    ]
    assert store.history(ws, "U_THEO", False) == SettingsRefused(("U_MAYA",))
    assert store.history(workspaces.b, "U_ADA", True) == ()


def test_simultaneous_changes_are_kept_one_after_the_other(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    """Each change's "before" is what the change before it left: none is lost or crossed."""
    store = DigestStore(session_factory)

    # Hours 10-21: none is the default 9, so every change changes something (one that set 9
    # first would rightly record nothing, and the count below would be 11).
    def configure(i: int) -> None:
        store.change(workspaces.a, f"U{i}", NOW, actor_is_admin=True, hour=i + 10)

    race(12, configure)
    history = store.history(workspaces.a, "U_ADA", True, limit=50)
    assert isinstance(history, tuple) and len(history) == 12
    chain = [9]  # the default hour
    for change in sorted(history, key=lambda c: history.index(c), reverse=True):
        assert change.before["hour"] == chain[-1]
        chain.append(change.after["hour"])
    assert sorted(chain[1:]) == list(range(10, 22))
    assert store.settings(workspaces.a).schedule.hour == chain[-1]
