"""Logins end after SESSION_IDLE_MINUTES without activity, and SESSION_ABSOLUTE_HOURS after they were made."""
from __future__ import annotations

import pytest

from coach.auth import sessions


@pytest.fixture
def app_config() -> dict[str, int]:
    return {"SESSION_IDLE_MINUTES": 30, "SESSION_ABSOLUTE_HOURS": 2}


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand."""
    state = {"now": 1_800_000_000}
    monkeypatch.setattr(sessions, "now", lambda: state["now"])

    def advance(minutes: float) -> None:
        state["now"] += int(minutes * 60)

    return advance


def _signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


def test_an_idle_session_ends(client, auth, world, clock):
    auth.login("member.a@example.com")
    clock(29)
    assert _signed_in(client)
    clock(31)
    response = client.get("/learn/")
    assert response.status_code == 302 and "/auth/login?next=/learn/" in response.headers["Location"]
    clock(1)
    assert not _signed_in(client)  # it stays ended


def test_activity_keeps_a_session_alive_until_the_absolute_limit(client, auth, world, clock):
    auth.login("member.a@example.com")
    for _ in range(4):  # 4 × 25 minutes: never idle for 30, 100 minutes in all
        clock(25)
        assert _signed_in(client)
    clock(25)  # 125 minutes after the login: past the absolute 2 hours, though not idle
    assert not _signed_in(client)


def test_json_clients_are_told_the_session_ended(client, auth, world, clock):
    auth.login("member.a@example.com")
    clock(45)
    response = client.get("/notifications/", headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.json["error"] == "session_expired"


def test_a_session_from_before_the_timeouts_existed_is_ended(client, auth, world):
    auth.login("member.a@example.com")
    with client.session_transaction() as sess:
        del sess["auth_at"]
    assert not _signed_in(client)
