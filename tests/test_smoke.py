"""The app starts, serves the health check, the login page and a home page per role."""

from datetime import date

from coach.extensions import db
from coach.mentoring.services import assign_mentor


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_login_and_home(client, auth, world):
    response = auth.login("member.a@example.com")
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Team A" in page.get_data(as_text=True)


def test_home_shows_next_steps_targets_and_mentoring(client, auth, world):
    assign_mentor(db.session, actor=world["manager_a"], mentor=world["mentor_a"], mentee=world["member_a"],
                  start_date=date.today(), goals="")
    db.session.commit()
    auth.login("member.a@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "Mentor" in page and world["mentor_a"].name in page
    auth.logout()
    auth.login("mentor.a@example.com")
    mentor_page = client.get("/").get_data(as_text=True)
    assert "1 mentee" in mentor_page and "Open the mentor dashboard" in mentor_page
