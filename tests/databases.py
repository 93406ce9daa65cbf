"""Test databases: a migrated SQLite template copied per test, or a PostgreSQL database per run."""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

PG_ENV = "COACH_TEST_DATABASE_URL"


def postgres_admin_url() -> str | None:
    """The PostgreSQL server the suite should use, when `make test` found one."""
    return os.environ.get(PG_ENV) or None


def _libpq(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


@contextmanager
def postgres_database(admin_url: str, prefix: str = "coach_test") -> Iterator[str]:
    """Create a uniquely named PostgreSQL database, yield its SQLAlchemy URL, drop it afterwards."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_sqlite(template: Path, target: Path) -> str:
    """Copy a migrated SQLite template file and return a URL for the copy."""
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"
