"""CSRF, security headers, cookies, error pages and no state change on GET."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from coach import create_app
from coach.extensions import db
from coach.models import AuditEvent, Team, User
from tests.conftest import config_for
from tests.factories import PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_post_without_token_is_refused(client, world):
    response = client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_post_with_token_works_and_admin_posts_need_it_too(client, world):
    token = _token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    before = db.session.scalar(select(func.count(Team.id)))
    assert client.post("/admin/teams/new", data={"name": "Forged"}).status_code == 400
    assert db.session.scalar(select(func.count(Team.id))) == before
    token = _token(client.get("/admin/teams/new").get_data(as_text=True))
    assert client.post("/admin/teams/new", data={"name": "Real", "csrf_token": token}).status_code == 302


def test_logout_and_language_switch_need_a_token(client, world):
    token = _token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token})
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    assert client.post("/language", data={"language": "zh"}).status_code == 400


def test_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script(client, auth, world):
    auth_page = client.get("/auth/login").get_data(as_text=True)
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", auth_page) is None
    assert " on" + "click=" not in auth_page


def test_session_cookie_flags(client, world):
    token = _token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only when configured for HTTPS


def test_private_pages_are_not_cached(client, auth, world):
    token = _token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token})
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_error_pages_html_and_json(client, auth, world):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    json_response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert json_response.status_code == 404
    assert json_response.get_json()["error"] == "not_found"
    assert client.get("/", headers={"Accept": "application/json"}).status_code == 401


def test_get_requests_change_nothing(client, world):
    """Every GET route, as an admin: row counts stay the same."""
    token = _token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token})

    def counts() -> tuple[int, int, int]:
        return (db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Team.id))),
                db.session.scalar(select(func.count(AuditEvent.id))))

    before = counts()
    for path in ("/", "/healthz", "/admin/users", "/admin/users/new", f"/admin/users/{world['member_a'].id}",
                 "/admin/teams", "/admin/teams/new", f"/admin/teams/{world['team_a'].id}", "/admin/audit",
                 "/auth/password", "/auth/login"):
        assert client.get(path).status_code in (200, 302), path
    assert counts() == before


def test_secure_cookies_when_configured(database_url, world):
    app = create_app(config_for(SQLALCHEMY_DATABASE_URI=database_url, SESSION_COOKIE_SECURE=True))
    response = app.test_client().post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD},
                                      base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    with app.app_context():
        db.engine.dispose()
