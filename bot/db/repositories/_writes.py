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

from sqlalchemy import ColumnElement, CursorResult, Executable, Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.base import Base


def _insert_if_absent_statements(
    table: Table, conflict_columns: list[str]
) -> dict[str, postgresql.Insert | sqlite.Insert]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, one per dialect we run on."""
    return {
        "postgresql": postgresql.insert(table)
        .on_conflict_do_nothing(index_elements=conflict_columns)
        .returning(table.c.id),
        "sqlite": sqlite.insert(table)
        .on_conflict_do_nothing(index_elements=conflict_columns)
        .returning(table.c.id),
    }


def _dialect_statement(session: Session, statements: dict[str, Any]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect not in statements:
        raise NotImplementedError(f"insert_if_absent does not support {dialect}")
    return statements[dialect]


def insert_if_absent(
    session: Session, model: type[Base], values: dict[str, Any], conflict_columns: list[str]
) -> int | None:
    """Insert a row; its id, or None when a row with the same unique key already exists."""
    table = cast(Table, model.__table__)
    statement = _dialect_statement(session, _insert_if_absent_statements(table, conflict_columns))
    inserted: int | None = session.execute(statement.values(**values)).scalar_one_or_none()
    return inserted


class InsertIfAbsent:
    """`insert_if_absent` built once, for a path every click takes: the values come as
    bound parameters, so SQLAlchemy compiles the statement once and caches it."""

    def __init__(self, table: Table, conflict_columns: list[str]) -> None:
        self._statements = _insert_if_absent_statements(table, conflict_columns)

    def __call__(self, session: Session, values: dict[str, Any]) -> int | None:
        statement = _dialect_statement(session, self._statements)
        inserted: int | None = session.execute(statement, values).scalar_one_or_none()
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
