"""Migrations: upgrade, downgrade to nothing, upgrade again, and the models match the schema."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from coach import create_app
from coach.extensions import db
from tests.conftest import config_for
from tests.databases import postgres_admin_url, postgres_database


def _not_hand_made(obj, name, type_, reflected, compare_to) -> bool:
    """The database-specific search objects live only in their migration (see migrations/env.py)."""
    return not (name or "").startswith(("search_fts", "ix_search_documents_tsv"))


def _round_trip(url: str) -> None:
    app = create_app(config_for(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            opts = {"compare_type": True, "include_object": _not_hand_made}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_sqlite_round_trip(tmp_path: Path):
    _round_trip(f"sqlite:///{tmp_path / 'm.sqlite3'}")


def test_postgres_round_trip():
    admin_url = postgres_admin_url()
    if not admin_url:
        pytest.skip("PostgreSQL not configured (COACH_TEST_DATABASE_URL); make test runs this on PostgreSQL")
    with postgres_database(admin_url, prefix="coach_migrations") as url:
        _round_trip(url)


def test_revision_files_are_date_prefixed():
    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    for path in versions.glob("*.py"):
        assert path.name[:8].isdigit(), path.name
        assert "import coach" not in path.read_text() and "from coach" not in path.read_text(), path.name
