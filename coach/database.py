"""Database engine behaviour: SQLite pragmas and write transactions that lock at their start."""
from __future__ import annotations

import contextvars
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

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
