"""Every route is in the access matrix, and each persona gets exactly the access the matrix says."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from coach import policy
from datetime import date

from sqlalchemy import select

from coach.extensions import db
from coach.models import AuditEvent, Competency, Deal, QuizAnswer, Reason
from coach.reviews.meetings import add_to_agenda, schedule
from coach.reviews.services import ReviewInput, create_review, submit_review
from coach.quizzes import services
from coach.api.tokens import create_token
from coach.mentoring.coaching import add_note
from coach.mentoring.services import assign_mentor, decide, request_signoff
from coach.skills.targets import create_target
from tests.access_matrix import EXEMPT_ENDPOINTS, MATRIX, PERSONAS, Route
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401 — pages need content

PERSONA_EMAILS = {
    "member": "member.a@example.com",
    "mentor": "mentor.a@example.com",
    "manager_same": "manager.a@example.com",
    "manager_other": "manager.b@example.com",
    "admin": "admin@example.com",
}


def test_every_route_is_in_the_matrix(app):
    covered = {(route.endpoint, route.method) for route in MATRIX}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from tests/access_matrix.py:\n" + "\n".join(missing)


def test_matrix_names_only_real_routes(app):
    real = {(rule.endpoint, m) for rule in app.url_map.iter_rules() for m in (rule.methods or ())}
    stale = [f"{r.method} {r.endpoint}" for r in MATRIX if (r.endpoint, r.method) not in real]
    assert not stale


def _fill(path: str, world: dict[str, Any]) -> str:
    return path.format(**{key: getattr(value, "id", value) for key, value in world.items()})


def _objects(world: dict[str, Any]) -> dict[str, Any]:
    """Objects the URLs name: member A's attempt with an essay answer, and a target manager A set."""
    quiz = services.get_quiz(db.session, "basics-quiz")
    attempt = services.start_attempt(db.session, user=world["member_a"], quiz=quiz)
    answer = QuizAnswer(attempt_id=attempt.id, question_key="q1", response="x", fraction=None)
    db.session.add(answer)
    competency = db.session.scalar(select(Competency).where(Competency.key == "discovery"))
    target = create_target(db.session, actor=world["manager_a"], competency_id=competency.id, level=2,
                           due_date=date(2027, 3, 31), team=world["team_a"])
    mentorship = assign_mentor(db.session, actor=world["manager_a"], mentor=world["mentor_a"],
                               mentee=world["member_a"], start_date=date(2026, 11, 1), goals="Ramp up")
    note = add_note(db.session, author=world["mentor_a"], mentorship=mentorship, held_on=date(2026, 11, 2),
                    notes="First 1:1", actions=[("Read the pricing module", world["member_a"].id, None)])
    pricing = db.session.scalar(select(Competency).where(Competency.key == "pricing"))
    signoff = request_signoff(db.session, mentee=world["member_a"], competency=competency, level=3, evidence="x",
                              links={})
    approved = request_signoff(db.session, mentee=world["member_a"], competency=pricing, level=3, evidence="y",
                               links={})
    decide(db.session, mentor=world["mentor_a"], request=approved, approve=True, scores=[3], notes="ok")
    deal = Deal(source="test", external_id="D1", name="Huaxin", outcome="lost", owner_id=world["member_a"].id)
    db.session.add(deal)
    db.session.flush()
    review = create_review(db.session, author=world["member_a"], deal=deal, data=ReviewInput(
        stage=None, reasons=["price"], primary_reason="price"))
    submit_review(db.session, actor=world["member_a"], review=review)
    meeting = schedule(db.session, actor=world["manager_a"], team=world["team_a"], held_on=date(2026, 12, 1),
                       title="December")
    item = add_to_agenda(db.session, meeting=meeting, review=review)
    reason = db.session.scalar(select(Reason).where(Reason.key == "price"))
    token, _secret = create_token(db.session, actor=world["admin"], user=world["manager_a"], name="CRM",
                                  scopes=["deals:write"])
    db.session.commit()
    return {**world, "attempt": attempt.id, "essay_answer": answer.id, "target": target.id,
            "mentorship": mentorship.id, "action": note.id and mentorship.action_items[0].id, "signoff": signoff.id,
            "approved": approved.id, "deal": deal.id, "review": review.id, "meeting": meeting.id,
            "agenda_item": item.id, "reason": reason.id, "token": token.id}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", MATRIX, ids=lambda r: f"{r.method}-{r.endpoint}")
def test_access(client, auth, world, synced, route: Route, persona: str):
    world = _objects(world)
    if persona != "anonymous":
        assert auth.login(PERSONA_EMAILS[persona]).status_code == 302
    data = {key: _fill(value, world) for key, value in route.data.items()}
    response = client.open(_fill(route.path, world), method=route.method, data=data)
    response.close()  # file responses (content images) hold their file open until closed
    # Refused anonymous visitors are sent to log in with a `next`; a real logout lands there without one.
    sent_to_login = response.status_code == 302 and "/auth/login?next=" in response.headers.get("Location", "")
    denied = response.status_code in (401, 403) or sent_to_login
    if persona in route.allowed:
        assert not denied, f"{persona} was refused {route.method} {route.path}: {response.status_code}"
        assert response.status_code < 400, f"{persona}: {route.method} {route.path} gave {response.status_code}"
    else:
        assert denied, f"{persona} reached {route.method} {route.path}: {response.status_code}"
        if persona != "anonymous":
            assert response.status_code == 403
            _assert_refusal_audited(route, _fill(route.path, world), PERSONA_EMAILS[persona])


def _assert_refusal_audited(route: Route, url: str, email: str) -> None:
    """A refused request leaves an audit event naming who tried what."""
    db.session.commit()  # see what the request committed
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied")
                              .order_by(AuditEvent.id.desc()).limit(1))
    assert event is not None, f"{route.method} {url} was refused without an audit event"
    assert event.details == f"{route.method} {urlsplit(url).path}"
    assert event.actor is not None and event.actor.email == email


def test_unknown_policy_action_fails_loudly(world):
    with pytest.raises(LookupError):
        policy.can(world["admin"], "no.such.action")


@pytest.mark.parametrize(
    ("persona", "team", "expected"),
    [("manager_a", "team_a", True), ("manager_b", "team_a", False), ("admin", "team_a", True),
     ("member_a", "team_a", False), ("mentor_a", "team_a", False)],
)
def test_team_rules(world, persona, team, expected):
    assert policy.can(world[persona], "team.manage", world[team]) is expected


def test_deactivated_user_may_do_nothing(world):
    admin = world["admin"]
    admin.active = False
    assert not policy.can(admin, "admin.users")
