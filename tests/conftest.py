"""Fixtures: an app on a fresh database per test, a client, a CLI runner and a login helper."""
from __future__ import annotations

import contextvars
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import text

from coach import create_app
from coach.config import TestConfig
from coach.database import write_intent
from coach.extensions import db, limiter
from tests.databases import copy_sqlite, postgres_admin_url, postgres_database
from tests.factories import PASSWORD, make_team, make_user
from tests.live import browser, live_server, page  # noqa: F401 — one browser for the whole run

BACKEND = "postgresql" if postgres_admin_url() else "sqlite"


def config_for(**overrides: Any) -> dict[str, Any]:
    """TestConfig as a dict, with overrides (each test gets its own copy: nothing shared mutates)."""
    values = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    values.update(overrides)
    return values


def migrate_to_head(url: str) -> None:
    """Run every migration against the database at `url`."""
    app = create_app(config_for(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per run: a SQLite file to copy, or a PostgreSQL database to truncate."""
    admin_url = postgres_admin_url()
    if admin_url:
        with postgres_database(admin_url) as url:
            migrate_to_head(url)
            yield url
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_to_head(f"sqlite:///{path}")
    yield str(path)


def _truncate_all(app: Flask) -> None:
    with app.app_context():
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    """A fresh, migrated database for this test."""
    if BACKEND == "postgresql":
        return database_template
    return copy_sqlite(Path(database_template), tmp_path / "coach.sqlite3")


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Per-test configuration overrides; a test module may override this fixture."""
    return {}


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The test's own session is committed first, so what the test set up is visible to the
    request and no open SQLite transaction of the test blocks the request's writes.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


class IsolatedCliRunner(FlaskCliRunner):
    """A CLI runner whose commands run in their own app context, like `flask ...` would."""

    def invoke(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        db.session.commit()
        return contextvars.Context().run(super().invoke, *args, **kwargs)


@pytest.fixture
def app(database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app, bound to this test's database, with an app context pushed."""
    app = create_app(config_for(SQLALCHEMY_DATABASE_URI=database_url, **app_config))
    app.test_client_class = IsolatedClient
    app.test_cli_runner_class = IsolatedCliRunner
    if BACKEND == "postgresql":
        _truncate_all(app)
    # A request served in the test's own context (a plain test client) leaves its write intent behind; the
    # next test's reads would then take SQLite's write lock and block the servers some tests start.
    write_intent.set(False)
    with app.app_context():
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner."""
    return app.test_cli_runner()


class AuthActions:
    """Log a test client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD) -> Any:
        """Post the login form."""
        return self.client.post("/auth/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        """Post the logout form."""
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Login helper bound to the test client."""
    return AuthActions(client)


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """Two teams with a manager each, a mentor and members, and an admin."""
    manager_a = make_user("manager", email="manager.a@example.com")
    manager_b = make_user("manager", email="manager.b@example.com")
    team_a = make_team("Team A", managers=[manager_a])
    team_b = make_team("Team B", managers=[manager_b])
    manager_a.team, manager_b.team = team_a, team_b
    people = {
        "team_a": team_a,
        "team_b": team_b,
        "manager_a": manager_a,
        "manager_b": manager_b,
        "mentor_a": make_user("mentor", team=team_a, email="mentor.a@example.com"),
        "member_a": make_user("member", team=team_a, email="member.a@example.com"),
        "member_b": make_user("member", team=team_b, email="member.b@example.com"),
        "admin": make_user("admin", email="admin@example.com"),
    }
    db.session.commit()
    return people


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database this run uses."""
    return f"coach test database: {BACKEND}"

