"""Migrations: upgrade, downgrade to nothing, upgrade again, and the models match the schema."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from coach import create_app
from coach.content.sync import sync_folder
from coach.extensions import db
from coach.models import Module, Quiz, TrainingAssignment
from tests.conftest import config_for
from tests.content_fixtures import content_dir  # noqa: F401 — a fixture
from tests.databases import postgres_admin_url, postgres_database
from tests.factories import make_user


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


def _duplicates_are_folded_into_the_first(url: str, content: Path) -> None:
    """c1b6138df96b adds one-per-person unique keys to training assignments; the duplicates races left before it
    are deleted first, keeping each person's first assignment of a module (or quiz), and nothing else."""
    app = create_app(config_for(SQLALCHEMY_DATABASE_URI=url, CONTENT_DIR=str(content)))
    with app.app_context():
        upgrade(revision="dd61355cdb86")
        assert not sync_folder(db.session, content)[0].errors
        learner, other = make_user("member"), make_user("member")
        module = db.session.scalars(select(Module).order_by(Module.id)).first()
        quiz = db.session.scalars(select(Quiz).order_by(Quiz.id)).first()
        rows = [TrainingAssignment(user_id=learner.id, module_id=module.id, source="first"),
                TrainingAssignment(user_id=learner.id, module_id=module.id, source="race"),
                TrainingAssignment(user_id=learner.id, quiz_id=quiz.id, source="first quiz"),
                TrainingAssignment(user_id=learner.id, quiz_id=quiz.id, source="race"),
                TrainingAssignment(user_id=other.id, module_id=module.id, source="another person")]
        for row in rows:  # one at a time, so ids follow the list
            db.session.add(row)
            db.session.flush()
        db.session.commit()
        upgrade()
        db.session.expire_all()
        kept = db.session.execute(select(TrainingAssignment.user_id, TrainingAssignment.source)
                                  .order_by(TrainingAssignment.id)).all()
        assert kept == [(learner.id, "first"), (learner.id, "first quiz"), (other.id, "another person")]
        db.session.remove()
        db.engine.dispose()


def test_duplicate_training_assignments_are_folded_on_upgrade(tmp_path: Path, content_dir: Path):
    admin_url = postgres_admin_url()
    if admin_url:
        with postgres_database(admin_url, prefix="coach_migrations") as url:
            _duplicates_are_folded_into_the_first(url, content_dir)
    else:
        _duplicates_are_folded_into_the_first(f"sqlite:///{tmp_path / 'd.sqlite3'}", content_dir)
