"""Competency levels from evidence, expiry, and readiness for the next career level."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coach.extensions import db
from coach.models import Competency, CompetencyEvidence, utcnow
from coach.skills import services
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import make_user


def _competency(key: str) -> Competency:
    return db.session.scalar(select(Competency).where(Competency.key == key))


def _evidence(user, key: str, level: int, kind: str, *, days_ago: int = 0, valid_days: int | None = None):
    recorded = utcnow() - timedelta(days=days_ago)
    db.session.add(CompetencyEvidence(user_id=user.id, competency_id=_competency(key).id, level=level, kind=kind,
                                      recorded_at=recorded,
                                      expires_at=recorded + timedelta(days=valid_days) if valid_days else None))
    db.session.flush()


@pytest.mark.parametrize(
    ("rule", "quiz", "signoff", "level", "met"),
    [("quiz", 1, 0, 1, True), ("quiz", 0, 3, 1, False), ("signoff", 0, 3, 3, True), ("both", 2, 1, 2, False),
     ("both", 2, 2, 2, True), ("either", 0, 2, 2, True), ("either", 1, 1, 2, False)],
)
def test_level_rules(rule, quiz, signoff, level, met):
    assert services.level_met(rule, quiz, signoff, level) is met


def test_levels_come_from_evidence_and_expire(synced):
    person = make_user(career_level="rep")
    assert services.standings(db.session, user_ids=[person.id])[person.id] == {}
    _evidence(person, "discovery", 2, "quiz")
    _evidence(person, "pricing", 1, "quiz", days_ago=400, valid_days=365)
    standing = services.standings(db.session, user_ids=[person.id])[person.id]
    assert standing[_competency("discovery").id].level == 2  # level 2 accepts either kind
    assert standing[_competency("pricing").id].level == 0 and len(standing[_competency("pricing").id].expired) == 1


def test_readiness_breakdown(synced):
    person = make_user(career_level="rep")
    _evidence(person, "discovery", 2, "quiz")
    readiness = services.readiness_for_next_level(db.session, user=person)
    by_level = {r.level.key: r for r in readiness}
    assert set(by_level) == {"supervisor", "specialist"}
    supervisor = by_level["supervisor"]
    assert [(r.competency.key, r.required, r.current, r.met) for r in supervisor.requirements] == [
        ("discovery", 2, 2, True), ("pricing", 1, 0, False)]
    assert supervisor.percent == 50
    assert by_level["specialist"].percent == 0


def test_pages(client, auth, world, synced):
    member = world["member_a"]
    member.career_level = "rep"
    _evidence(member, "discovery", 2, "quiz")
    db.session.commit()
    auth.login("member.a@example.com")
    framework = client.get("/skills/").get_data(as_text=True)
    assert "Needs discovery" in framework and "Quantifies the pain" in framework and "a passed quiz or a mentor" in framework
    mine = client.get("/skills/mine").get_data(as_text=True)
    assert "Quiz passed" in mine
    careers = client.get("/skills/careers").get_data(as_text=True)
    assert "Readiness for Supervisor" in careers and "1 of 2 requirements met" in careers
