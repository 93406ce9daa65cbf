"""Capability targets: status moves when evidence arrives and when it expires; refreshers."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coach.errors import ValidationError
from coach.extensions import db
from coach.models import CapabilityTarget, Competency, CompetencyEvidence, utcnow
from coach.skills import targets
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401


def _discovery() -> Competency:
    return db.session.scalar(select(Competency).where(Competency.key == "discovery"))


def test_status_moves_with_evidence_and_expiry(world, synced):
    today = date.today()
    target = targets.create_target(db.session, actor=world["manager_a"], competency_id=_discovery().id, level=1,
                                   due_date=today + timedelta(days=30), user=world["member_a"])
    [status] = targets.targets_for_people(db.session, [world["member_a"]])
    assert status.status(today) == "on_track"
    assert status.status(today + timedelta(days=20)) == "at_risk"
    assert status.status(today + timedelta(days=31)) == "overdue"
    evidence = CompetencyEvidence(user_id=world["member_a"].id, competency_id=_discovery().id, level=1, kind="quiz",
                                  source="quiz:basics-quiz:1", expires_at=utcnow() + timedelta(days=1))
    db.session.add(evidence)
    db.session.flush()
    [status] = targets.targets_for_people(db.session, [world["member_a"]])
    assert status.status(today) == "met"
    evidence.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    [status] = targets.targets_for_people(db.session, [world["member_a"]])
    assert status.status(today) == "on_track" and status.current == 0
    assert [q.key for q in targets.refreshers_due(db.session, user=world["member_a"])] == ["basics-quiz"]
    assert target.id


def test_only_an_admin_sets_a_career_level_target(world, synced):
    """It applies to everyone at that level in every team, so a manager may not."""
    with pytest.raises(ValidationError, match="Only an administrator"):
        targets.create_target(db.session, actor=world["manager_a"], competency_id=_discovery().id, level=1,
                              due_date=date(2027, 3, 31), career_level_key="rep")


def test_team_and_career_level_targets_apply_to_members(world, synced):
    world["member_a"].career_level = "rep"
    targets.create_target(db.session, actor=world["manager_a"], competency_id=_discovery().id, level=2,
                          due_date=date(2027, 3, 31), team=world["team_a"])
    targets.create_target(db.session, actor=world["admin"], competency_id=_discovery().id, level=1,
                          due_date=date(2027, 3, 31), career_level_key="rep")
    statuses = targets.targets_for_people(db.session, [world["member_a"], world["member_b"]])
    assert sorted((s.person.email, s.target.level) for s in statuses) == [
        ("member.a@example.com", 1), ("member.a@example.com", 2)]


def test_manager_sets_a_target_through_the_page(client, auth, world, synced):
    auth.login("manager.a@example.com")
    response = client.post("/skills/targets/team", data={
        "competency": str(_discovery().id), "level": "2", "due_date": "2027-03-31", "team": str(world["team_a"].id)})
    assert response.status_code == 302
    page = client.get("/skills/targets/team").get_data(as_text=True)
    assert "2027-03-31" in page and "Member" in page
    bad = client.post("/skills/targets/team", data={"competency": str(_discovery().id), "level": "2",
                                                     "due_date": "2027-03-31"})
    assert "Choose a person, a team or a career level." in bad.get_data(as_text=True)
    other = client.post("/skills/targets/team", data={"competency": str(_discovery().id), "level": "2",
                                                       "due_date": "2027-03-31", "team": str(world["team_b"].id)})
    assert other.status_code == 200  # team B is not offered to manager A
    assert db.session.scalar(select(CapabilityTarget).where(CapabilityTarget.team_id == world["team_b"].id)) is None
    auth.logout()
    auth.login("member.a@example.com")
    mine = client.get("/skills/targets").get_data(as_text=True)
    assert "Needs discovery" in mine and "On track" in mine
