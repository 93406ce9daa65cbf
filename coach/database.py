"""Database behaviour: SQLite pragmas, write transactions that lock at their start, and the three ways
a state change happens exactly once when two requests race: a conditional update (`claim`), a unique key
(`insert_or_find`) and row locks around a check-then-write (`lock_rows`)."""
from __future__ import annotations

import contextvars
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

T = TypeVar("T")

# True while the current request or command is expected to write. SQLite then opens each
# transaction with BEGIN IMMEDIATE, taking the write lock at the start: concurrent writers
# queue on the busy timeout instead of failing later with "database is locked" when a read
# lock cannot be upgraded. Reads keep plain BEGIN so they never wait for writers (WAL).
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("coach_write_intent", default=False)

SQLITE_BUSY_TIMEOUT_MS = 30_000


@contextmanager
def writing() -> Iterator[None]:
    """Mark the enclosed work as a write, so SQLite transactions begin IMMEDIATE."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def claim(session: Session, obj: Any, condition: Any, **values: Any) -> bool:
    """Set `values` on the object's row only while `condition` still holds; True for the caller that did.

    One UPDATE: of two requests making the same change, the second waits for the first (PostgreSQL's row
    lock, SQLite's write lock), then finds the condition false. The object is refreshed either way.
    """
    entity = type(obj)
    changed = session.execute(update(entity).where(entity.id == obj.id, condition).values(**values)
                              .execution_options(synchronize_session=False))
    session.refresh(obj)
    return changed.rowcount == 1


def insert_or_find(session: Session, obj: T, find: Callable[[], T | None]) -> tuple[T, bool]:
    """Insert `obj`, or return the row a unique key says another request inserted a moment ago: (row, inserted).

    The insert runs in a savepoint, so a refused one leaves the rest of the transaction intact.
    """
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
    except IntegrityError:
        found = find()
        if found is None:  # refused for another reason than the unique key
            raise
        return found, False
    return obj, True


def lock_rows(session: Session, entity: Any, ids: Iterable[int]) -> None:
    """Make writers that touch these rows wait for each other until commit, so a check-then-write holds.

    PostgreSQL: row locks (FOR NO KEY UPDATE: other rows may still point at them), taken in id order so
    two overlapping lockers cannot deadlock. SQLite has no row locks and needs none: BEGIN IMMEDIATE
    already makes writers take turns.
    """
    wanted = sorted(set(ids))
    if wanted:
        session.execute(select(entity.id).where(entity.id.in_(wanted)).order_by(entity.id)
                        .with_for_update(key_share=True))


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Set per-connection SQLite pragmas; take over transaction control from the driver."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # The driver's own implicit BEGIN would be deferred; we emit BEGIN ourselves below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(conn: Connection) -> None:
    """Begin SQLite transactions explicitly: IMMEDIATE for writers, deferred for readers."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
