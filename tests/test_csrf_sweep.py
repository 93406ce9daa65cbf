"""CSRF sweep over the access matrix: every state-changing route refuses a request without a valid token,
and no GET route adds or removes a row."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.extensions import db
from tests.access_matrix import MATRIX, Route
from tests.content_fixtures import content_dir, synced  # noqa: F401
from tests.test_access_matrix import PERSONA_EMAILS, _fill, matrix_world  # noqa: F401 — a fixture

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
WRITES = [r for r in MATRIX if r.method != "GET"]
READS = [r for r in MATRIX if r.method == "GET"]


@pytest.fixture
def app_config(content_dir: Path) -> dict[str, object]:
    """The real CSRF protection, which the other tests switch off."""
    return {"CONTENT_DIR": str(content_dir), "WTF_CSRF_ENABLED": True}


def _persona(route: Route) -> str:
    """Someone the matrix lets through, so that only the missing token can stop the request."""
    for persona in ("admin", "manager_same", "mentee_mentor", "mentor", "member", "manager_other"):
        if persona in route.allowed:
            return persona
    return "anonymous"


def _login(client, persona: str) -> None:
    if persona == "anonymous":
        return
    token = TOKEN.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "email": PERSONA_EMAILS[persona],
                                                 "password": "correct-horse-battery"})
    assert response.status_code == 302


def _row_counts() -> dict[str, int]:
    db.session.commit()  # a fresh transaction sees what the requests committed
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r.method}-{r.endpoint}")
def test_state_changes_need_a_csrf_token(client, matrix_world, route: Route):
    world = matrix_world
    persona = _persona(route)
    _login(client, persona)
    before = _row_counts()
    data = {key: _fill(value, world) for key, value in route.data.items()}
    response = client.open(_fill(route.path, world), method=route.method, data=data)
    assert response.status_code == 400, f"{route.method} {route.path} as {persona}: {response.status_code}"
    assert _row_counts() == before


@pytest.mark.parametrize("route", READS, ids=lambda r: f"GET-{r.endpoint}")
def test_no_get_adds_or_removes_a_row(client, matrix_world, route: Route):
    world = matrix_world
    persona = _persona(route)
    _login(client, persona)
    before = _row_counts()
    response = client.get(_fill(route.path, world))
    response.close()
    assert response.status_code < 400
    after = _row_counts()
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    assert not changed, f"GET {route.path} as {persona} changed rows: {changed}"
