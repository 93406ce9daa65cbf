"""Mentorships, sign-offs (with the race of two approvals), coaching notes, observations."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from coach.database import writing
from coach.errors import Conflict, ValidationError
from coach.extensions import db
from coach.mentoring import coaching, services
from coach.models import AuditEvent, Competency, CompetencyEvidence, Mentorship, SignoffRequest, User
from coach.skills.services import standings
from coach.skills.targets import create_target, targets_for_people
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import make_user


def _competency(key: str = "discovery") -> Competency:
    return db.session.scalar(select(Competency).where(Competency.key == key))


def _assign(world, mentor=None, mentee=None) -> Mentorship:
    return services.assign_mentor(db.session, actor=world["manager_a"], mentor=mentor or world["mentor_a"],
                                  mentee=mentee or world["member_a"], start_date=date.today(), goals="Ramp up")


def test_capacity_is_respected(world, synced):
    world["mentor_a"].mentor_capacity = 1
    _assign(world)
    other = make_user(team=world["team_a"])
    with pytest.raises(ValidationError, match="capacity"):
        _assign(world, mentee=other)


def test_reassigning_keeps_history_and_moves_open_requests(world, synced):
    first = _assign(world)
    request = services.request_signoff(db.session, mentee=world["member_a"], competency=_competency(), level=3,
                                       evidence="Ran discovery with the plant manager", links={})
    new_mentor = make_user("mentor", team=world["team_a"])
    second = _assign(world, mentor=new_mentor)
    assert first.active is False and first.end_date is not None and second.active
    db.session.refresh(request)
    assert request.mentor_id == new_mentor.id
    history = db.session.scalars(select(Mentorship).where(Mentorship.mentee_id == world["member_a"].id)).all()
    assert len(history) == 2


def test_approval_raises_level_and_meets_target_with_exact_audit_rows(world, synced):
    _assign(world)
    target = create_target(db.session, actor=world["manager_a"], competency_id=_competency().id, level=3,
                           due_date=date(2027, 3, 31), user=world["member_a"])
    request = services.request_signoff(db.session, mentee=world["member_a"], competency=_competency(), level=3,
                                       evidence="**Led** discovery", links={"modules": [], "attempts": []})
    assert "<strong>Led</strong>" in request.evidence_html
    services.decide(db.session, mentor=world["mentor_a"], request=request, approve=True, scores=[4, 3],
                    notes="Solid")
    level = standings(db.session, user_ids=[world["member_a"].id])[world["member_a"].id][_competency().id].level
    assert level == 3
    [status] = targets_for_people(db.session, [world["member_a"]])
    assert status.target.id == target.id and status.status(date.today()) == "met"
    actions = [(e.action, e.actor_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "SignoffRequest").order_by(AuditEvent.id))]
    assert actions == [("signoff.requested", world["member_a"].id), ("signoff.approved", world["mentor_a"].id)]
    services.revoke(db.session, manager=world["manager_a"], request=request, reason="Evidence was copied")
    assert standings(db.session, user_ids=[world["member_a"].id])[world["member_a"].id][_competency().id].level == 0
    assert db.session.get(CompetencyEvidence, request.evidence_id).revoked_at is not None


def test_refusals(world, synced):
    _assign(world)
    with pytest.raises(ValidationError, match="no level 7"):
        services.request_signoff(db.session, mentee=world["member_a"], competency=_competency(), level=7,
                                 evidence="x", links={})
    with pytest.raises(ValidationError, match="proven by a quiz"):
        services.request_signoff(db.session, mentee=world["member_a"], competency=_competency(), level=1,
                                 evidence="x", links={})
    with pytest.raises(ValidationError, match="no mentor yet"):
        services.request_signoff(db.session, mentee=world["member_b"], competency=_competency(), level=3,
                                 evidence="x", links={})
    request = services.request_signoff(db.session, mentee=world["member_a"], competency=_competency(), level=3,
                                       evidence="x", links={})
    with pytest.raises(ValidationError, match="Score every behaviour"):
        services.decide(db.session, mentor=world["mentor_a"], request=request, approve=True, scores=[4], notes="")
    with pytest.raises(ValidationError, match="Say what is missing"):
        services.decide(db.session, mentor=world["mentor_a"], request=request, approve=False, scores=[2, 2], notes="")
    services.withdraw(db.session, mentee=world["member_a"], request=request)
    db.session.commit()
    with pytest.raises(Conflict, match="already decided or withdrawn"):
        services.decide(db.session, mentor=world["mentor_a"], request=request, approve=True, scores=[3, 3], notes="")


def test_two_approvals_at_once_give_one_decision(app, world, synced, database_url):
    _assign(world)
    request = services.request_signoff(db.session, mentee=world["member_a"], competency=_competency(), level=3,
                                       evidence="x", links={})
    db.session.commit()
    request_id, mentor_id = request.id, world["mentor_a"].id
    engine = create_engine(database_url)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def approve() -> None:
        with writing(), Session(engine) as session:
            barrier.wait()
            mine = session.get(SignoffRequest, request_id)
            try:
                services.decide(session, mentor=session.get(User, mentor_id), request=mine, approve=True,
                                scores=[3, 3], notes="")
                session.commit()
                outcomes.append("approved")
            except Conflict:
                outcomes.append("refused")

    with app.test_request_context():
        threads = [threading.Thread(target=approve) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    engine.dispose()
    db.session.rollback()
    assert sorted(outcomes) == ["approved", "refused"]
    assert len(db.session.scalars(select(CompetencyEvidence).where(CompetencyEvidence.kind == "signoff")).all()) == 1


def test_notes_visibility_and_action_items(client, auth, world, synced):
    mentorship = _assign(world)
    coaching.add_note(db.session, author=world["mentor_a"], mentorship=mentorship, held_on=date.today(),
                      notes="Talked about **pricing**", actions=[("Read pricing", world["member_a"].id, date.today())])
    db.session.commit()
    item = mentorship.action_items[0]
    for email, status in (("member.a@example.com", 200), ("manager.a@example.com", 200),
                          ("manager.b@example.com", 403), ("admin@example.com", 403), ("member.b@example.com", 403)):
        auth.login(email)
        response = client.get(f"/mentoring/mentorships/{mentorship.id}")
        assert response.status_code == status, email
        if status == 200:
            assert "<strong>pricing</strong>" in response.get_data(as_text=True)
        auth.logout()
    auth.login("mentor.a@example.com")
    client.post(f"/mentoring/actions/{item.id}/done")  # not the owner: refused
    db.session.refresh(item)
    assert item.done_at is None
    auth.logout()
    auth.login("member.a@example.com")
    client.post(f"/mentoring/actions/{item.id}/done")
    db.session.refresh(item)
    assert item.done_at is not None


def test_observation_is_recorded_with_rubric(world, synced):
    mentorship = _assign(world)
    observation = coaching.record_observation(
        db.session, mentor=world["mentor_a"], mentorship=mentorship, competency=_competency(), level=3,
        kind="role-play", observed_on=date.today(), scenario="Price objection", scores=[3, 2], notes="Good")
    assert observation.rubric_scores == [3, 2]
    with pytest.raises(ValidationError):
        coaching.record_observation(db.session, mentor=world["mentor_a"], mentorship=mentorship,
                                    competency=_competency(), level=3, kind="role-play", observed_on=date.today(),
                                    scenario="", scores=[5, 1], notes="")


def test_request_page_flow_and_other_mentor_refused(client, auth, world, synced):
    _assign(world)
    db.session.commit()
    auth.login("member.a@example.com")
    response = client.post("/mentoring/requests/new", data={"competency": str(_competency().id), "level": "3",
                                                            "evidence": "I ran discovery."})
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.post("/mentoring/requests/new", data={"competency": str(_competency().id), "level": "9",
                                                        "evidence": "x"}).get_data(as_text=True)
    assert "Number must be between 1 and 4." in page
    auth.logout()
    outsider = make_user("mentor", team=world["team_b"], email="mentor.b@example.com")
    db.session.commit()
    auth.login(outsider.email)
    assert client.post(f"/mentoring/requests/{request_id}/decide", data={"decision": "approve", "scores-0": "3",
                                                                         "scores-1": "3"}).status_code == 403
    auth.logout()
    auth.login("mentor.a@example.com")
    assert "Asks Open" not in client.get("/mentoring/").get_data(as_text=True)
    client.post(f"/mentoring/requests/{request_id}/decide", data={"decision": "approve", "scores-0": "4",
                                                                  "scores-1": "3", "notes": "Well done"})
    assert db.session.get(SignoffRequest, request_id).status == "approved"
    auth.logout()
    auth.login("member.a@example.com")
    page = client.get(f"/mentoring/requests/{request_id}").get_data(as_text=True)
    assert "Approved" in page and "Well done" in page
    assert "approved your sign-off" in client.get("/notifications/").get_data(as_text=True)
