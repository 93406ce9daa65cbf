"""Every route is in the access matrix, and each persona gets exactly the access the matrix says."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from datetime import date

from sqlalchemy import Integer, select, text

from coach import policy

from coach.extensions import db
from coach.models import AuditEvent, Competency, Deal, QuizAnswer, Reason
from coach.reviews.meetings import add_to_agenda, schedule
from coach.reviews.services import ReviewInput, create_review, submit_review
from coach.quizzes import services
from coach.api.tokens import create_token
from coach.mentoring.coaching import add_note
from coach.mentoring.services import assign_mentor, decide, request_signoff
from coach.skills.targets import create_target
from tests.access_matrix import CROSS_TEAM, EXEMPT_ENDPOINTS, MATRIX, PERSONAS, CrossTeam, Route
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401 — pages need content
from tests.factories import make_user

PERSONA_EMAILS = {
    "member": "member.a@example.com",
    "mentor": "mentor.a2@example.com",
    "mentee_mentor": "mentor.a@example.com",
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


def _team_things(world: dict[str, Any], *, team: str, manager: str, mentor: str, member: str) -> dict[str, int]:
    """One team's things: the member's attempt with an essay answer, a target, a mentorship with an action item,
    a pending and an approved sign-off, a lost deal with a submitted review and a draft, and a meeting."""
    member_ = world[member]
    quiz = services.get_quiz(db.session, "basics-quiz")
    attempt = services.start_attempt(db.session, user=member_, quiz=quiz)
    answer = QuizAnswer(attempt_id=attempt.id, question_key="q1", response="x", fraction=None)
    db.session.add(answer)
    competency = db.session.scalar(select(Competency).where(Competency.key == "discovery"))
    target = create_target(db.session, actor=world[manager], competency_id=competency.id, level=2,
                           due_date=date(2027, 3, 31), team=world[team])
    mentorship = assign_mentor(db.session, actor=world[manager], mentor=world[mentor], mentee=member_,
                               start_date=date(2026, 11, 1), goals="Ramp up")
    add_note(db.session, author=world[mentor], mentorship=mentorship, held_on=date(2026, 11, 2),
             notes="First 1:1", actions=[("Read the pricing module", member_.id, None)])
    pricing = db.session.scalar(select(Competency).where(Competency.key == "pricing"))
    signoff = request_signoff(db.session, mentee=member_, competency=competency, level=3, evidence="x", links={})
    approved = request_signoff(db.session, mentee=member_, competency=pricing, level=3, evidence="y", links={})
    decide(db.session, mentor=world[mentor], request=approved, approve=True, scores=[3], notes="ok")
    reviews = []
    for n, name in enumerate(("Huaxin", "Jinlong", "Baiyun", "Dongfang")):
        deal = Deal(source="test", external_id=f"{team}-{n}", name=name, outcome="lost", owner_id=member_.id)
        db.session.add(deal)
        db.session.flush()
        reviews.append(create_review(db.session, author=member_, deal=deal, data=ReviewInput(
            stage=None, reasons=["price"], primary_reason="price")))
    review, draft, *spares = reviews  # three submitted losses on price make a pattern
    for submitted in (review, *spares):
        submit_review(db.session, actor=member_, review=submitted)
    meeting = schedule(db.session, actor=world[manager], team=world[team], held_on=date(2026, 12, 1),
                       title="December")
    item = add_to_agenda(db.session, meeting=meeting, review=review)
    return {"attempt": attempt.id, "essay_answer": answer.id, "target": target.id, "mentorship": mentorship.id,
            "action": mentorship.action_items[0].id, "signoff": signoff.id, "approved": approved.id,
            "deal": review.deal_id, "review": review.id, "draft": draft.id, "spare_review": spares[0].id,
            "meeting": meeting.id, "agenda_item": item.id,
            "discovery": competency.id}


def _objects(world: dict[str, Any]) -> dict[str, Any]:
    """The world, another mentor in team A, and team A's things (`_team_things`) that the URLs name."""
    world = {**world, "mentor_a2": make_user("mentor", team=world["team_a"], email=PERSONA_EMAILS["mentor"])}
    things = _team_things(world, team="team_a", manager="manager_a", mentor="mentor_a", member="member_a")
    reason = db.session.scalar(select(Reason).where(Reason.key == "price"))
    token, _secret = create_token(db.session, actor=world["admin"], user=world["manager_a"], name="CRM",
                                  scopes=["deals:write"])
    db.session.commit()
    return {**world, **things, "reason": reason.id, "token": token.id}


def _with_team_b(world: dict[str, Any]) -> dict[str, Any]:
    """Team A's things, and the same for team B under names ending in `_b` (mentor B mentors member B)."""
    world = _objects(world)
    world["mentor_b"] = make_user("mentor", team=world["team_b"], email="mentor.b@example.com")
    things = _team_things(world, team="team_b", manager="manager_b", mentor="mentor_b", member="member_b")
    db.session.commit()
    return {**world, **{f"{key}_b": value for key, value in things.items()}}


# Built worlds, per worker process: every row of every table, and the ids the URLs name.
_BUILT: dict[str, tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]] = {}


def _rows() -> dict[str, list[dict[str, Any]]]:
    db.session.commit()
    return {table.name: [dict(row._mapping) for row in db.session.execute(select(table))]
            for table in db.metadata.sorted_tables}


def _restore(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the rows into this test's empty database, parents first; PostgreSQL's id sequences follow."""
    for table in db.metadata.sorted_tables:
        if rows[table.name]:
            db.session.execute(table.insert(), rows[table.name])
    if db.engine.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            if rows[table.name] and "id" in table.c and isinstance(table.c.id.type, Integer):
                top = max(row["id"] for row in rows[table.name])
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {top})"))
    db.session.commit()


def _prepared(request: pytest.FixtureRequest, builder: Any) -> dict[str, Any]:
    """The world and the things `builder` makes, as ids. The first test of a worker builds them through the
    services; later tests get the same rows copied into their own fresh database, which is much cheaper than
    syncing content and building again, and just as isolated: no test's writes reach the copy."""
    if builder.__name__ not in _BUILT:
        world = request.getfixturevalue("world")
        request.getfixturevalue("synced")
        made = builder(world)
        _BUILT[builder.__name__] = (_rows(), {key: getattr(value, "id", value) for key, value in made.items()})
    else:
        _restore(_BUILT[builder.__name__][0])
    return dict(_BUILT[builder.__name__][1])


@pytest.fixture
def matrix_world(request: pytest.FixtureRequest, app, content_dir) -> dict[str, Any]:
    """The world with team A's things (`_objects`), in this test's database."""
    return _prepared(request, _objects)


@pytest.fixture
def cross_team_world(request: pytest.FixtureRequest, app, content_dir) -> dict[str, Any]:
    """The world with team A's and team B's things (`_with_team_b`), in this test's database."""
    return _prepared(request, _with_team_b)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", MATRIX, ids=lambda r: f"{r.method}-{r.endpoint}")
def test_access(client, auth, matrix_world, route: Route, persona: str):
    world = matrix_world
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


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, but the audit trail (refusals are written there) and the login time."""
    db.session.commit()  # a fresh transaction sees what the request committed
    return {table.name: [tuple(row) for row in db.session.execute(
                select(*[c for c in table.c if c.name != "last_login_at"]).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables if table.name != "audit_events"}


@pytest.mark.parametrize("case", CROSS_TEAM, ids=lambda c: f"{c.persona}-{c.method}-{c.path}-{c.kind}")
def test_no_one_reaches_another_teams_things(client, auth, cross_team_world, case: CrossTeam):
    world = cross_team_world
    assert auth.login(PERSONA_EMAILS[case.persona]).status_code == 302
    before = _snapshot()
    url = _fill(case.path, world)
    response = client.open(url, method=case.method, data={k: _fill(v, world) for k, v in case.data.items()})
    response.close()
    if case.kind == "url":
        assert response.status_code in (403, 404), f"{case.persona} reached {case.method} {url}: " \
                                                   f"{response.status_code}"
    else:
        assert response.status_code < 500
    after = _snapshot()
    changed = sorted(name for name in before if before[name] != after[name])
    assert not changed, f"{case.persona} {case.method} {url} changed {changed}"


@pytest.mark.parametrize("case", [c for c in CROSS_TEAM if c.own is not None and "_b}" in c.path + str(c.data)],
                         ids=lambda c: f"{c.persona}-{c.method}-{c.path}-{c.kind}")
def test_the_same_request_works_on_ones_own_team(client, auth, cross_team_world, case: CrossTeam):
    """The control for each cross-team case: with team A's ids instead, the request goes through, so the
    refusal above comes from the check on the team and not from a malformed request."""
    world = cross_team_world
    assert auth.login(PERSONA_EMAILS[case.persona]).status_code == 302
    before = _snapshot()
    # team_b → team_a, member_b → member_a; review_b → review (team A's things have no suffix)
    own_world = {**world, **{key: world.get(f"{key[:-2]}_a", world.get(key[:-2]))
                             for key in world if key.endswith("_b")}}
    url = _fill(case.path, own_world)
    data = case.own or case.data
    response = client.open(url, method=case.method, data={k: _fill(v, own_world) for k, v in data.items()})
    response.close()
    assert response.status_code < 400, f"{case.persona} {case.method} {url}: {response.status_code}"
    if case.method == "POST":
        assert _snapshot() != before, f"{case.persona} {case.method} {url} wrote nothing on their own team"
