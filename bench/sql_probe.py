"""`hiring-bot` with counters on every SQLAlchemy engine: what one click costs the database.

    python bench/sql_probe.py serve        (the bot's usual environment, plus BENCH_SQL_COUNTS)

On SIGUSR1 it writes the counts so far as JSON to $BENCH_SQL_COUNTS; the bench takes one
reading before a batch of clicks and one after, and divides. Only for that probe: the
timed runs use the plain `hiring-bot serve`, so the counting costs them nothing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

SHAPE_CHARS = 100
FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
counts: Counter[str] = Counter()
# Reentrant: the SIGUSR1 handler runs on the main thread, perhaps while it is counting.
lock = threading.RLock()


def _count(key: str, amount: int = 1) -> None:
    with lock:
        counts[key] += amount


def _since(started: float | None) -> int:
    return 0 if started is None else round((time.perf_counter() - started) * 1_000_000)


# Each connection is used by one thread at a time, so its `info` can carry the start times.
@event.listens_for(Engine, "begin")
def _begin(connection: Any) -> None:
    _count("transactions")
    connection.info["bench_transaction"] = time.perf_counter()


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end(connection: Any) -> None:
    # Everything between BEGIN and COMMIT: the statements, and the Python around them.
    _count("us in transactions", _since(connection.info.pop("bench_transaction", None)))


@event.listens_for(Engine, "before_cursor_execute")
def _statement(
    connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    words = statement.split()
    _count(f"sql {words[0].upper() if words else '?'}")
    _count(f"statement {shape(' '.join(words))}")
    connection.info["bench_statement"] = time.perf_counter()


@event.listens_for(Engine, "after_cursor_execute")
def _statement_done(
    connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    # The driver's part: sending the statement and waiting for the database's answer.
    _count("us in statements", _since(connection.info.pop("bench_statement", None)))


def shape(statement: str) -> str:
    """Enough of a statement to tell which it is: an ORM SELECT starts with a long column
    list, so a SELECT is shown from its FROM on."""
    if statement.upper().startswith("SELECT") and (found := FROM.search(statement)):
        statement = "SELECT … " + statement[found.start() :]
    return statement[:SHAPE_CHARS]


@event.listens_for(Pool, "checkout")
def _checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    # A checkout after the connection sat idle is one more round trip on PostgreSQL (a ping
    # no event above sees; bot/db/session.py); a click's checkouts follow each other closely.
    _count("pool checkouts")


def _dump(signum: int, frame: FrameType | None) -> None:
    with lock:
        counts["readings"] += 1
        snapshot = dict(counts)
    target = Path(os.environ["BENCH_SQL_COUNTS"])
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(snapshot))
    partial.replace(target)  # the bench never reads half a file


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _dump)
    from bot.cli import main

    sys.exit(main(sys.argv[1:]))
