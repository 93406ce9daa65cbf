"""SQLite settings: WAL, foreign keys, busy timeout, and writers that queue instead of failing."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from coach.database import writing
from coach.extensions import db
from coach.models import Team
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite-specific settings")


def test_pragmas(app):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000


def test_concurrent_writers_all_succeed(app, database_url):
    """Twenty threads each read then write: with BEGIN IMMEDIATE none hits 'database is locked'."""
    engine = create_engine(database_url)
    errors: list[Exception] = []

    def writer(n: int) -> None:
        try:
            with writing(), Session(engine) as session:
                session.execute(text("SELECT count(*) FROM teams")).scalar()
                session.add(Team(name=f"Concurrent {n}"))
                session.commit()
        except Exception as exc:  # noqa: BLE001 — the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert errors == []
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM teams WHERE name LIKE 'Concurrent %'")).scalar() == 20
