"""flask backup create / restore: a consistent copy of a live SQLite database, while writes go on."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy.engine import make_url

from coach.backup import sqlite_path
from coach.errors import ValidationError
from tests.conftest import BACKEND

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite backups; PostgreSQL uses pg_dump (documented)")


def _count(path, table: str = "audit_events") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@sqlite_only
def test_backup_while_writing_then_restore(app, runner, database_url, world, tmp_path):
    live = make_url(database_url).database
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        conn = sqlite3.connect(live, timeout=30, isolation_level=None)
        n = 0
        while not stop.is_set():
            conn.execute("INSERT INTO teams (name, created_at) VALUES (?, '2026-11-27 00:00:00')", (f"w{n}",))
            n += 1
            written.append(n)
        conn.close()

    before = _count(live, "teams")
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.3)
        result = runner.invoke(args=["backup", "create", str(tmp_path / "copy.sqlite3")])
        during = len(written)
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "integrity checked" in result.output and during > 0
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    saved = _count(copy, "teams")
    # A snapshot taken mid-stream: everything from before, part of what came during, nothing invented.
    assert before < saved <= before + len(written)
    assert _count(copy, "users") == _count(live, "users")

    # Restore over the live database (the app is "stopped": nothing else writes now).
    result = runner.invoke(args=["backup", "restore", str(copy)], input="y\n")
    assert result.exit_code == 0, result.output
    assert _count(live, "teams") == saved
    with sqlite3.connect(live) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@sqlite_only
def test_backup_refuses_clearly(app, runner, tmp_path):
    existing = tmp_path / "exists.sqlite3"
    existing.write_text("x")
    result = runner.invoke(args=["backup", "create", str(existing)])
    assert result.exit_code == 1 and "already exists" in result.output
    result = runner.invoke(args=["backup", "create", str(tmp_path / "no" / "dir.sqlite3")])
    assert result.exit_code == 1 and "no such directory" in result.output
    result = runner.invoke(args=["backup", "restore", str(existing), "--yes"])
    assert result.exit_code == 1 and "not a Coach database" in result.output
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "missing.sqlite3"), "--yes"])
    assert result.exit_code == 1 and "no such file" in result.output


@sqlite_only
def test_restore_asks_first(app, runner, tmp_path):
    assert runner.invoke(args=["backup", "create", str(tmp_path / "b.sqlite3")]).exit_code == 0
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "b.sqlite3")], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output


def test_postgresql_is_sent_to_pg_dump():
    with pytest.raises(ValidationError, match="pg_dump"):
        sqlite_path("postgresql+psycopg://postgres@127.0.0.1/coach")
    with pytest.raises(ValidationError, match="in memory"):
        sqlite_path("sqlite://")
