"""Logging in and out, sessions that end on the server side, passwords, brute-force limits."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from coach.auth import services
from coach.extensions import db
from coach.models import AuditEvent, User
from tests.factories import PASSWORD, make_user


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_login_succeeds_and_is_audited(client, auth, world):
    response = auth.login("MEMBER.A@example.com")  # e-mail case does not matter
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login")).one()
    assert event.actor_id == world["member_a"].id
    assert event.ip == "127.0.0.1"


def test_wrong_password_is_refused_and_audited(client, auth, world):
    response = auth.login("member.a@example.com", "not-the-password")
    assert response.status_code == 200
    assert "The e-mail or password is not correct." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).one()
    assert failed.actor_id == world["member_a"].id and failed.details == "bad-credentials"


def test_unknown_email_gets_the_same_message(client, auth, app):
    response = auth.login("ghost@example.com", "whatever-password")
    assert "The e-mail or password is not correct." in response.get_data(as_text=True)
    failed = db.session.scalars(select(AuditEvent)).one()
    assert failed.actor_id is None and failed.actor_label == "ghost@example.com"


def test_deactivated_user_cannot_log_in(client, auth, app):
    make_user(email="gone@example.com", active=False)
    db.session.commit()
    auth.login("gone@example.com")
    assert client.get("/").status_code == 302


def test_session_is_renewed_at_login(client, auth, world):
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    auth.login("member.a@example.com")
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_logout_refuses_a_replayed_cookie(client, auth, world, app):
    auth.login("member.a@example.com")
    cookie = client.get_cookie("session").value
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/").status_code == 302  # the copied cookie no longer logs anyone in


def test_deactivation_ends_open_sessions_at_next_request(client, auth, world):
    auth.login("member.a@example.com")
    assert client.get("/").status_code == 200
    services.set_active(db.session, user=world["member_a"], actor=world["admin"], active=False)
    db.session.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/admin/users", "/admin/users"), ("https://evil.example/x", "/"), ("//evil.example", "/"),
     ("/\\evil.example", "/"), ("javascript:alert(1)", "/")],
)
def test_next_redirect_is_local_only(client, world, target, expected):
    response = client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == expected


def test_login_page_keeps_next(client):
    page = client.get("/auth/login?next=/admin/users").get_data(as_text=True)
    assert 'value="/admin/users"' in page


def test_change_password(client, auth, world, app):
    auth.login("member.a@example.com")
    other = app.test_client()
    other.post("/auth/login", data={"email": "member.a@example.com", "password": PASSWORD})
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "a long new passphrase",
                                                   "confirm": "a long new passphrase"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session continues
    assert other.get("/").status_code == 302  # the other one ended
    user = db.session.get(User, world["member_a"].id)
    assert services.check_password(user, "a long new passphrase")
    assert "auth.password_changed" in _audit_actions()


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [(PASSWORD, "short", "Use at least 8 characters."),
     (PASSWORD, "password123", "most common"),
     ("wrong-current", "a long new passphrase", "The current password is not correct."),
     (PASSWORD, "x" * 300, "Field cannot be longer than 256 characters.")],
)
def test_change_password_refusals(client, auth, world, current, new, message):
    auth.login("member.a@example.com")
    response = client.post("/auth/password", data={"current_password": current, "new_password": new, "confirm": new})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert services.check_password(db.session.get(User, world["member_a"].id), PASSWORD)


def test_sixty_four_character_passwords_are_accepted():
    assert services.password_problem("x" * 64 + "y") is None
    assert services.password_problem("QWERTYUIOP") is not None  # common, whatever the case


def test_eleventh_failed_login_is_throttled(client, auth, world):
    for _ in range(10):
        assert auth.login("member.a@example.com", "wrong-password").status_code == 200
    throttled = auth.login("member.a@example.com", PASSWORD)  # even the right password
    assert throttled.status_code == 429
    body = throttled.get_data(as_text=True)
    assert "password" not in body.lower().replace("password is not correct", "")
    # Other accounts are unaffected.
    assert auth.login("mentor.a@example.com").status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(client, auth, world):
    for _ in range(12):
        assert auth.login("member.a@example.com").status_code == 302
        auth.logout()
