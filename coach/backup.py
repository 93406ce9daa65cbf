"""Consistent copies of a live SQLite database, and putting one back.

SQLite's online backup API copies the database in one read transaction. Coach's database is in WAL
mode, so that reader sees one consistent snapshot while writers carry on undisturbed (copying in
several steps instead would restart the copy each time someone writes). PostgreSQL has its own
tools for this (pg_dump and pg_restore, see docs/deployment.md).
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from coach.errors import ValidationError

Progress = Callable[[int, int], None]


def sqlite_path(database_url: str) -> Path:
    """The file behind a SQLite URL; a clear error for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise ValidationError(f"backups here are for SQLite; for {url.get_backend_name()} use pg_dump and "
                              "pg_restore (docs/deployment.md, section Backups)", field="DATABASE_URL")
    if not url.database or url.database == ":memory:":
        raise ValidationError("the database is in memory: there is nothing to back up", field="DATABASE_URL")
    return Path(url.database)


def check(path: Path) -> None:
    """Refuse a file that is not a sound SQLite database."""
    if not path.is_file():
        raise ValidationError(f"{path}: no such file", field="PATH")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            conn.execute("SELECT count(*) FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{path}: not a Coach database ({exc})", field="PATH") from None
    if result != "ok":
        raise ValidationError(f"{path}: damaged ({result})", field="PATH")


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress | None) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total)

    source.backup(target, pages=-1, progress=report)  # one step: one snapshot


def create_backup(database_url: str, target: Path, progress: Progress | None = None) -> int:
    """Copy the live database to `target` (a new file) and check the copy; returns its size in bytes."""
    source_path = sqlite_path(database_url)
    if not source_path.is_file():
        raise ValidationError(f"{source_path}: no database there", field="DATABASE_URL")
    if target.exists():
        raise ValidationError(f"{target}: already exists; choose a new file name", field="PATH")
    if not target.parent.is_dir():
        raise ValidationError(f"{target.parent}: no such directory", field="PATH")
    partial = target.with_name(target.name + ".partial")
    try:
        with sqlite3.connect(source_path, timeout=30) as source, sqlite3.connect(partial) as copy:
            _copy(source, copy, progress)
        copy_conn = sqlite3.connect(partial)
        copy_conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        copy_conn.close()
        check(partial)
        os.replace(partial, target)  # the backup appears whole or not at all
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def restore_backup(database_url: str, backup: Path, progress: Progress | None = None) -> None:
    """Replace the database's contents with the backup's, in one transaction on the live file.

    Stop the app first: requests running during a restore would see the old data vanish mid-way.
    """
    target_path = sqlite_path(database_url)
    check(backup)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as source, \
            sqlite3.connect(target_path, timeout=30) as target:
        _copy(source, target, progress)
    check(target_path)
