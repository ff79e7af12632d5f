"""Race-safe write primitives shared by the repositories.

Two ways to let the database decide who wins, both identical on SQLite and PostgreSQL:
- `insert_if_absent`: INSERT … ON CONFLICT DO NOTHING RETURNING id; a concurrent insert of
  the same key waits for the first one's transaction and then inserts nothing.
- `guarded_update`: UPDATE … WHERE <expected state>; the row count says whether this
  caller's expectation still held. On PostgreSQL a concurrent UPDATE waits for the row
  lock and re-checks the WHERE clause against the committed row, so exactly one wins.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Executable, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.base import Base


def insert_if_absent(
    session: Session, model: type[Base], values: dict[str, Any], conflict_columns: list[str]
) -> int | None:
    """Insert a row; its id, or None when a row with the same unique key already exists."""
    dialect = session.get_bind().dialect.name
    statement: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        statement = postgresql.insert(model).on_conflict_do_nothing(index_elements=conflict_columns)
    elif dialect == "sqlite":
        statement = sqlite.insert(model).on_conflict_do_nothing(index_elements=conflict_columns)
    else:
        raise NotImplementedError(f"insert_if_absent does not support {dialect}")
    id_column = model.__table__.c.id
    inserted: int | None = session.execute(
        statement.values(**values).returning(id_column)
    ).scalar_one_or_none()
    return inserted


def guarded_update(
    session: Session,
    model: type[Base],
    where: list[ColumnElement[bool]],
    values: dict[str, Any],
) -> bool:
    """One UPDATE … WHERE; True when it changed exactly one row (this caller won).

    Objects already loaded in the session are not refreshed (no `synchronize_session`): the
    use cases work from what they read and what they wrote, never from a reload, and the
    ORM's fetch of the updated rows was a noticeable share of a click's CPU.
    """
    result = session.execute(
        update(model).where(*where).values(**values),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount == 1


def changed_one_row(session: Session, statement: Executable, parameters: dict[str, Any]) -> bool:
    """`guarded_update` for a statement built once (Core, with bound parameters): True when
    it changed exactly one row."""
    result = session.execute(statement, parameters)
    return cast(CursorResult[Any], result).rowcount == 1
