"""Test data factories: make_team, make_user, ... Each flushes; the caller commits when needed."""
from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache

from coach.auth.services import hash_password
from coach.extensions import db
from coach.models import Team, User

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # Hashed once, with the app's cheap test settings, so logins need no rehash.
    return hash_password(PASSWORD)


def make_team(name: str | None = None, *, managers: list[User] | None = None) -> Team:
    """A team, optionally with managers."""
    team = Team(name=name or f"Team {next(_counter)}")
    team.managers = list(managers or [])
    db.session.add(team)
    db.session.flush()
    return team


def make_user(
    role: str = "member",
    *,
    team: Team | None = None,
    email: str | None = None,
    name: str | None = None,
    language: str = "en",
    active: bool = True,
    hire_date: date | None = None,
    career_level: str | None = None,
) -> User:
    """A user whose password is `PASSWORD`."""
    n = next(_counter)
    user = User(
        email=(email or f"{role}{n}@example.com").lower(), name=name or f"{role.title()} {n}", role=role,
        team=team, language=language, active=active, password_hash=_password_hash(), session_version=1,
        hire_date=hire_date, career_level=career_level,
    )
    db.session.add(user)
    db.session.flush()
    return user
