"""Administering users and teams through the web UI."""
from __future__ import annotations

from sqlalchemy import func, select

from coach.extensions import db
from coach.models import AuditEvent, Team, User


def _count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_user_list_search_and_filters(client, auth, world):
    auth.login("admin@example.com")
    page = client.get("/admin/users?q=member.a").get_data(as_text=True)
    assert "member.a@example.com" in page and "member.b@example.com" not in page
    page = client.get(f"/admin/users?team={world['team_b'].id}").get_data(as_text=True)
    assert "member.b@example.com" in page and "member.a@example.com" not in page
    page = client.get("/admin/users?role=manager").get_data(as_text=True)
    assert "manager.a@example.com" in page and "member.a@example.com" not in page


def test_create_user(client, auth, world):
    auth.login("admin@example.com")
    response = client.post("/admin/users/new", data={
        "email": "New.Hire@Example.com", "name": "New Hire 新人", "role": "member", "team": str(world["team_a"].id),
        "language": "zh", "hire_date": "2026-11-01", "career_level": "sales-rep", "password": "first-password-1",
    })
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.hire@example.com"))
    assert user.team_id == world["team_a"].id and user.language == "zh" and user.name == "New Hire 新人"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created")).object_id == str(user.id)


def _create(client, **overrides):
    data = {"email": "x@example.com", "name": "X", "role": "member", "team": "", "language": "en",
            "hire_date": "", "career_level": "", "password": "first-password-1"}
    data.update(overrides)
    return client.post("/admin/users/new", data=data)


def test_create_user_bad_input_names_the_field(client, auth, world):
    auth.login("admin@example.com")
    before = _count_users()
    cases = [
        ({"email": "not-an-email"}, "Invalid e-mail address"),
        ({"email": "MEMBER.A@example.com"}, "already exists"),
        ({"role": "overlord"}, "Not a valid choice"),
        ({"team": "99999"}, "Not a valid choice"),
        ({"password": "12345678"}, "most common"),
        ({"name": ""}, "This field is required."),
    ]
    for overrides, message in cases:
        response = _create(client, **overrides)
        assert response.status_code == 200, overrides
        assert message in response.get_data(as_text=True), overrides
    assert _count_users() == before


def test_edit_user_role_is_audited(client, auth, world):
    auth.login("admin@example.com")
    member = world["member_a"]
    response = client.post(f"/admin/users/{member.id}", data={
        "name": member.name, "role": "mentor", "team": str(world["team_b"].id), "language": "zh",
        "hire_date": "", "career_level": "",
    })
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.role == "mentor" and member.team_id == world["team_b"].id and member.language == "zh"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
    assert event.details == "member->mentor" and event.actor_id == world["admin"].id


def test_admin_cannot_demote_or_deactivate_self(client, auth, world):
    auth.login("admin@example.com")
    admin = world["admin"]
    page = client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "member", "team": "",
                                                          "language": "en"}).get_data(as_text=True)
    assert "You cannot remove your own administrator role." in page
    client.post(f"/admin/users/{admin.id}/active?to=off")
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active


def test_deactivate_and_reactivate(client, auth, world):
    auth.login("admin@example.com")
    member = world["member_b"]
    client.post(f"/admin/users/{member.id}/active?to=off")
    db.session.refresh(member)
    assert not member.active
    client.post(f"/admin/users/{member.id}/active?to=off")  # a second click, or a stale page: still off
    db.session.refresh(member)
    assert not member.active
    assert client.get("/admin/users").get_data(as_text=True).count("member.b@example.com") == 0
    assert "member.b@example.com" in client.get("/admin/users?status=inactive").get_data(as_text=True)
    client.post(f"/admin/users/{member.id}/active?to=on")
    db.session.refresh(member)
    assert member.active
    assert client.post(f"/admin/users/{member.id}/active").status_code == 400  # no state asked for
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(member.id))))
    assert actions[-2:] == ["user.deactivated", "user.activated"]


def test_unknown_user_is_404(client, auth, world):
    auth.login("admin@example.com")
    assert client.get("/admin/users/99999").status_code == 404


def test_teams_create_and_managers(client, auth, world):
    auth.login("admin@example.com")
    response = client.post("/admin/teams/new", data={"name": "North China Sales",
                                                     "managers": [str(world["manager_b"].id)]})
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "North China Sales"))
    assert [m.id for m in team.managers] == [world["manager_b"].id]
    page = client.get("/admin/teams").get_data(as_text=True)
    assert "North China Sales" in page


def test_team_bad_input(client, auth, world):
    auth.login("admin@example.com")
    page = client.post("/admin/teams/new", data={"name": "team a"}).get_data(as_text=True)
    assert "A team called team a already exists." in page
    page = client.post(f"/admin/teams/{world['team_a'].id}",
                       data={"name": "Team A", "managers": [str(world["member_a"].id)]}).get_data(as_text=True)
    assert "is not a valid choice" in page  # only managers and admins are offered
    assert db.session.scalar(select(func.count(Team.id))) == 2
