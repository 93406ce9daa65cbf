"""Migrations on a populated database: every step down and up again, on SQLite and PostgreSQL.

The database holds, on the shipped content, the demo organisation (loaded first, so that its observations
and notifications are made), a generated organisation of 60 people, and a row made through the app's own
services in each table neither fills: API tokens, review comments, training assignments, digest logs.
Every table then has rows.

From head down to the first revision, each revision is downgraded one step and upgraded again:

- Down: each table the lower revision keeps holds the same rows (primary key and the values of the columns
  it keeps), and SQLite's `integrity_check` and `foreign_key_check` pass. A downgrade removes a feature, so
  it drops that feature's tables and columns with their data, by design. The only rows it deletes from a
  table it keeps are listed in LOST_ON_DOWNGRADE: rows the older schema cannot hold.
- Up again, no data is lost: each table the down step left as it was has the row count and checksum (of
  its rows in primary-key order) of its snapshot before the down step, and each table the down step
  trimmed holds exactly what the down step left, on the columns it kept. Dropped tables and columns come
  back empty or with their server default. Two down steps trim a table they keep: ead2182f41eb drops the
  action items of reviews and meetings and their review_id and meeting_id; 168c0caa2704 drops
  users.mentor_capacity, which comes back as 4.

From the first revision the database goes back up to head, keeping the users, teams and audit trail, then
down to base and up to head again. A second test goes to base and back in one go from the full data.
"""
from __future__ import annotations

import hashlib
from itertools import pairwise
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from coach import create_app
from coach.api.tokens import create_token
from coach.extensions import db
from coach.models import CaseReview, Module, User
from coach.notifications.digest import send_digests
from coach.reviews.loop import assign
from coach.reviews.services import add_comment
from tests.conftest import config_for
from tests.content_fixtures import SHIPPED_CONTENT
from tests.databases import postgres_admin_url, postgres_database

PEOPLE = 60
TODAY = date(2026, 3, 2)

Key = tuple[Any, ...]
RowFilter = Callable[[dict[str, Any]], bool]

# Rows a downgrade deletes from a table it keeps, because the older schema cannot hold them: revision →
# table → which rows. Before ead2182f41eb every action item belonged to a mentorship.
LOST_ON_DOWNGRADE: dict[str, dict[str, RowFilter]] = {
    "ead2182f41eb": {"action_items": lambda row: row["mentorship_id"] is None},
}


@dataclass(frozen=True)
class TableData:
    """A table's columns and its rows (values in column order), keyed by primary key."""

    columns: tuple[str, ...]
    rows: dict[Key, Key]

    def project(self, columns: tuple[str, ...], lost: RowFilter | None = None) -> dict[Key, Key]:
        """The rows, but those `lost` picks, reduced to `columns`."""
        index = [self.columns.index(c) for c in columns]
        return {key: tuple(row[i] for i in index) for key, row in self.rows.items()
                if lost is None or not lost(dict(zip(self.columns, row, strict=True)))}

    def checksum(self) -> tuple[int, str]:
        """The row count and a digest of the rows in primary-key order."""
        return len(self.rows), hashlib.sha256(repr(list(self.rows.items())).encode()).hexdigest()


Snapshot = dict[str, TableData]


def _read(app: Flask) -> Snapshot:
    """Every table of the app's database but alembic_version, read in full in primary-key order."""
    with app.app_context():
        with db.engine.connect() as conn:
            inspector = inspect(conn)
            keys = {name: pk["constrained_columns"]
                    for (_schema, name), pk in inspector.get_multi_pk_constraint().items()}
            tables = {}
            for (_schema, name), found in inspector.get_multi_columns().items():
                if name == "alembic_version":
                    continue
                columns = tuple(c["name"] for c in found)
                key = tuple(keys.get(name) or columns)  # SQLite's full-text table has no primary key
                rows = conn.exec_driver_sql(f"SELECT {', '.join(map(_quoted, columns))} FROM {_quoted(name)} "
                                            f"ORDER BY {', '.join(map(_quoted, key))}").all()
                where = [columns.index(c) for c in key]
                tables[name] = TableData(columns, {tuple(row[i] for i in where): tuple(row) for row in rows})
        db.engine.dispose()
    return tables


def _quoted(name: str) -> str:
    """A quoted SQL identifier."""
    return f'"{name}"'


def _differences(expected: Snapshot, found: Snapshot, lost: dict[str, RowFilter]) -> list[str]:
    """Tables of `found` whose rows are not those of `expected` (less the `lost` ones) on the columns both have."""
    problems = []
    for name in sorted(found.keys() & expected.keys()):
        columns = tuple(c for c in found[name].columns if c in expected[name].columns)
        want, got = expected[name].project(columns, lost.get(name)), found[name].project(columns)
        if got != want:
            keys = sorted((k for k in want.keys() | got.keys() if want.get(k) != got.get(k)), key=repr)
            problems.append(f"{name}: {len(got)} rows for {len(want)}, differing at keys {keys[:5]}")
    return problems


def _sqlite_problems(app: Flask) -> list[Any]:
    """What SQLite's integrity and foreign key checks find (nothing on PostgreSQL, which enforces both)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return []
        with db.engine.connect() as conn:
            problems = [row for row in conn.exec_driver_sql("PRAGMA integrity_check") if row[0] != "ok"]
            problems += conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        db.engine.dispose()
        return problems


def _chain(app: Flask) -> list[str]:
    """The revisions, first one first."""
    with app.app_context():
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _migrate(app: Flask, step: Callable[..., None], revision: str) -> None:
    """Upgrade or downgrade the app's database to `revision`, as `flask db` would."""
    with app.app_context():
        step(revision=revision)
        db.engine.dispose()


def _fill_the_rest() -> None:
    """A row, made by the app's services, in each table the demo and the generator leave empty."""
    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id).limit(1))
    review = db.session.scalar(select(CaseReview).order_by(CaseReview.id).limit(1))
    module = db.session.scalar(select(Module).order_by(Module.key).limit(1))
    assert admin is not None and review is not None and module is not None
    create_token(db.session, actor=admin, user=review.author, name="CRM", scopes=["deals:write"])
    add_comment(db.session, author=admin, review=review, body="Bring the **downtime** numbers next time.")
    assign(db.session, actor=admin, learners=[review.author], modules=[module], quizzes=[], source="review",
           review=review)
    db.session.commit()
    outbox: list[EmailMessage] = []
    send_digests(db.session, today=TODAY, send=outbox.append, base_url="http://coach.test", sender="coach@coach.test")
    assert outbox


@contextmanager
def _empty_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on `backend`; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'populated.sqlite3'}"
        return
    admin_url = postgres_admin_url()
    if not admin_url:
        pytest.skip("PostgreSQL not configured (COACH_TEST_DATABASE_URL); make test runs this on PostgreSQL")
    with postgres_database(admin_url, prefix="coach_migrations_data") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def populated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on a database at head that holds the demo, a generated organisation and rows in every table."""
    with _empty_database(request.param, tmp_path) as url:
        app = create_app(config_for(SQLALCHEMY_DATABASE_URI=url, CONTENT_DIR=str(SHIPPED_CONTENT)))
        _migrate(app, upgrade, "head")
        runner = app.test_cli_runner()
        for args in (["content", "sync"], ["demo", "load"],
                     ["demo", "generate", "--users", str(PEOPLE), "--seed", "7", "--today", TODAY.isoformat()]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        with app.app_context():
            _fill_the_rest()
            db.session.remove()
            db.engine.dispose()
        yield app
        with app.app_context():
            db.engine.dispose()


def test_each_step_down_and_up_again_keeps_the_data(populated: Flask):
    chain = _chain(populated)
    before = _read(populated)
    empty = sorted(name for name, table in before.items() if not table.rows)
    assert empty == [], "give these tables a row in _fill_the_rest, so their migrations run on data"
    for lower, upper in reversed(list(pairwise(chain))):
        lost = LOST_ON_DOWNGRADE.get(upper, {})
        _migrate(populated, downgrade, lower)
        down = _read(populated)
        assert _differences(before, down, lost) == [], f"downgrade {upper} → {lower}"
        assert _sqlite_problems(populated) == [], f"downgrade {upper} → {lower}"

        _migrate(populated, upgrade, upper)
        up = _read(populated)
        assert up.keys() == before.keys()
        untouched = [name for name in down if name not in lost and down[name].columns == before[name].columns]
        changed = [name for name in untouched if up[name].checksum() != before[name].checksum()]
        assert changed == [], f"upgrade {lower} → {upper}"
        assert _differences(down, up, {}) == [], f"upgrade {lower} → {upper}"

        _migrate(populated, downgrade, lower)
        before = _read(populated)
        assert before.keys() == down.keys() and _differences(down, before, {}) == [], f"again {upper} → {lower}"

    assert before["users"].rows and before["team_managers"].rows and before["audit_events"].rows
    _migrate(populated, upgrade, "head")
    assert _differences(before, _read(populated), {}) == [], f"upgrade {chain[0]} → head"
    _migrate(populated, downgrade, "base")
    assert _read(populated) == {}
    _migrate(populated, upgrade, "head")
    assert not _read(populated)["users"].rows


def test_base_and_back_from_the_full_data(populated: Flask):
    _migrate(populated, downgrade, "base")
    assert _read(populated) == {}
    _migrate(populated, upgrade, "head")
    after = _read(populated)
    with populated.app_context():
        assert sorted(t.name for t in db.metadata.sorted_tables if after[t.name].rows) == []
