"""Double submits and races on every state change that must happen once: exactly one result stands.

Services race with a session each (tests/races.py); pages and the API race through a real gunicorn
(tests/servers.py), so the answers a person or a CRM gets are checked too: a 409 or a message, never
a 500 and never "database is locked". Runs on SQLite and on PostgreSQL (COACH_TEST_DATABASE_URL).
The 50 simultaneous submits of one quiz attempt at service level live in test_quiz_grading.py.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
import requests
from sqlalchemy import func, select

from coach.api.tokens import create_token, revoke_token
from coach.deals.services import upsert_from_api
from coach.errors import Conflict, ValidationError
from coach.extensions import db
from coach.learning.programs import assign_program, get_program
from coach.learning.services import mark_done
from coach.mentoring import coaching
from coach.mentoring import services as mentoring
from coach.models import (
    ActionItem,
    AgendaItem,
    ApiToken,
    AuditEvent,
    CaseReview,
    Competency,
    CompetencyEvidence,
    Deal,
    Mentorship,
    Module,
    ModuleProgress,
    Notification,
    ProgramAssignment,
    Quiz,
    QuizAttempt,
    SignoffRequest,
    TrainingAssignment,
    User,
)
from coach.quizzes import services as quizzes
from coach.reviews import loop, meetings
from coach.reviews.services import ReviewInput, create_review, save_review, submit_review
from coach.skills.targets import create_target, remove_target
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import make_user
from tests.races import crashes, race, race_services, refusals, winners
from tests.servers import WebSession, gunicorn
from tests.team_fixtures import submitted_review

# ------------------------------------------------------------------ helpers


def _audit(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action)) or 0


def _count(model, *where) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count(model.id)).where(*where)) or 0


def _competency(key: str) -> Competency:
    return db.session.scalar(select(Competency).where(Competency.key == key))


def _mentored(world) -> None:
    mentoring.assign_mentor(db.session, actor=world["manager_a"], mentor=world["mentor_a"], mentee=world["member_a"],
                            start_date=date.today(), goals="")


def _request(world, key: str = "discovery", level: int = 3) -> int:
    request = mentoring.request_signoff(db.session, mentee=world["member_a"], competency=_competency(key),
                                        level=level, evidence="Ran discovery with the plant manager", links={})
    db.session.commit()
    return request.id


def _draft_review(world) -> int:
    deal = Deal(source="test", external_id="race-1", name="Huaxin line 3", outcome="lost",
                owner_id=world["member_a"].id)
    db.session.add(deal)
    db.session.flush()
    review = create_review(db.session, author=world["member_a"], deal=deal,
                           data=ReviewInput(stage=None, reasons=["price"], primary_reason="price"))
    db.session.commit()
    return review.id


def _see_what_servers_wrote() -> None:
    """End the test's own read transaction: the next query sees what the servers committed since."""
    db.session.commit()


def _no_500(responses: list) -> list[int]:  # noqa: ANN001
    """The status codes; a crashed request or a 5xx fails the test with what the server said."""
    for r in responses:
        assert isinstance(r, requests.Response), r
        assert r.status_code < 500, r.text[:500]
    return [r.status_code for r in responses]


@pytest.fixture
def server(database_url, world, synced):
    """A real Coach on this test's database: two worker processes of four threads, so requests truly overlap.

    --preload imports the app once before forking (create_app opens no connection), which halves start-up.
    """
    db.session.commit()
    with gunicorn(database_url, workers=2, GUNICORN_CMD_ARGS="--preload --threads 4") as running:
        yield running


# ------------------------------------------------------------------ sign-offs


@pytest.mark.parametrize(("key", "level"), [("discovery", 3), ("pricing", 3), ("pricing", 4)])
def test_approve_reject_and_withdraw_at_once_leave_one_decision(app, world, synced, key, level):
    _mentored(world)
    request_id = _request(world, key, level)
    mentor_id, mentee_id = world["mentor_a"].id, world["member_a"].id
    behaviours = len(next(lvl for lvl in _competency(key).levels if lvl.level == level).behaviours)

    def act(i: int) -> str:
        request = db.session.get(SignoffRequest, request_id)
        if i % 3 == 0:
            mentoring.decide(db.session, mentor=db.session.get(User, mentor_id), request=request, approve=True,
                             scores=[3] * behaviours, notes="Solid")
            return "approved"
        if i % 3 == 1:
            mentoring.decide(db.session, mentor=db.session.get(User, mentor_id), request=request, approve=False,
                             scores=[2] * behaviours, notes="Not yet")
            return "rejected"
        mentoring.withdraw(db.session, mentee=db.session.get(User, mentee_id), request=request)
        return "withdrawn"

    outcomes = race_services(app, 6, act)
    assert crashes(outcomes) == []
    [decision] = winners(outcomes)
    assert all(isinstance(o, Conflict) for o in refusals(outcomes)) and len(refusals(outcomes)) == 5
    request = db.session.get(SignoffRequest, request_id)
    assert request.status == decision
    evidence = db.session.scalars(select(CompetencyEvidence).where(
        CompetencyEvidence.source == f"signoff:{request_id}")).all()
    assert len(evidence) == (1 if decision == "approved" else 0)
    assert request.evidence_id == (evidence[0].id if evidence else None)
    assert {a: _audit(f"signoff.{a}") for a in ("approved", "rejected", "withdrawn")} == {
        a: int(a == decision) for a in ("approved", "rejected", "withdrawn")}
    told = _count(Notification, Notification.user_id == mentee_id, Notification.kind.in_(
        ("signoff_approved", "signoff_rejected")))
    assert told == (0 if decision == "withdrawn" else 1)


def test_two_revokes_at_once_revoke_once(app, world, synced):
    _mentored(world)
    request_id = _request(world)
    mentoring.decide(db.session, mentor=world["mentor_a"], request=db.session.get(SignoffRequest, request_id),
                     approve=True, scores=[3, 3], notes="")
    db.session.commit()
    manager_id = world["manager_a"].id

    def revoke(i: int) -> None:
        mentoring.revoke(db.session, manager=db.session.get(User, manager_id),
                         request=db.session.get(SignoffRequest, request_id), reason=f"Evidence was copied ({i})")

    outcomes = race_services(app, 4, revoke)
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 1
    assert [type(o) for o in refusals(outcomes)] == [Conflict] * 3
    request = db.session.get(SignoffRequest, request_id)
    assert request.status == "revoked"
    winner = next(i for i, o in enumerate(outcomes) if o is None)
    assert request.revoke_reason == f"Evidence was copied ({winner})"  # the winner's reason, not a mix
    assert db.session.get(CompetencyEvidence, request.evidence_id).revoked_at is not None
    assert _audit("signoff.revoked") == 1
    assert _count(Notification, Notification.kind == "signoff_revoked") == 1


def test_a_signoff_requested_twice_at_once_is_one_request(app, world, synced):
    _mentored(world)
    mentee_id = world["member_a"].id

    def ask(_i: int) -> int:
        return mentoring.request_signoff(db.session, mentee=db.session.get(User, mentee_id),
                                         competency=_competency("discovery"), level=3, evidence="x", links={}).id

    outcomes = race_services(app, 4, ask)
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 1
    assert all("already have an open request" in o.message for o in refusals(outcomes)) and len(refusals(outcomes)) == 3
    assert _count(SignoffRequest, SignoffRequest.mentee_id == mentee_id) == 1
    assert _count(Notification, Notification.kind == "signoff_requested") == 1


def test_signoff_decided_through_the_pages_at_once(server, world):
    _mentored(world)
    request_id = _request(world)
    path = f"/mentoring/requests/{request_id}"
    mentor, mentee = WebSession(server.url), WebSession(server.url)
    mentor.login("mentor.a@example.com")
    mentee.login("member.a@example.com")
    mentor.get(path)
    mentee.get(path)
    posts = [(mentor, f"{path}/decide", {"decision": "approve", "scores-0": "3", "scores-1": "3", "notes": ""}),
             (mentor, f"{path}/decide", {"decision": "reject", "scores-0": "2", "scores-1": "2", "notes": "Not yet"}),
             (mentee, f"{path}/withdraw", {})]
    statuses = _no_500(race(3, lambda i: posts[i][0].post(posts[i][1], posts[i][2])))
    assert statuses == [302, 302, 302]  # the losers are sent back to the request with a message
    _see_what_servers_wrote()
    request = db.session.get(SignoffRequest, request_id)
    assert request.status in ("approved", "rejected", "withdrawn")
    assert sum(_audit(f"signoff.{a}") for a in ("approved", "rejected", "withdrawn")) == 1
    assert _count(CompetencyEvidence, CompetencyEvidence.source == f"signoff:{request_id}") == int(
        request.status == "approved")


# ------------------------------------------------------------------ quizzes


def test_a_quiz_submitted_from_six_tabs_at_once_is_graded_once(server, world):
    attempt = quizzes.start_attempt(db.session, user=world["member_a"], quiz=quizzes.get_quiz(db.session, "basics-quiz"))
    db.session.commit()
    attempt_id = attempt.id
    person = WebSession(server.url)
    person.login("member.a@example.com")
    person.get(f"/quizzes/attempts/{attempt_id}")
    tabs = [WebSession(server.url) for _ in range(6)]
    for tab in tabs:  # tabs of one browser: the same cookie and form token
        tab.http.cookies.update(person.http.cookies)
        tab.csrf = person.csrf
    responses = race(6, lambda i: tabs[i].post(f"/quizzes/attempts/{attempt_id}/submit", {"q-q1": "0"}))
    assert _no_500(responses) == [302] * 6
    assert all(r.headers["Location"].endswith(f"/quizzes/attempts/{attempt_id}/result") for r in responses)
    _see_what_servers_wrote()
    graded = db.session.get(QuizAttempt, attempt_id)
    assert graded.state == "graded"
    assert Counter(a.question_key for a in graded.answers) == Counter(
        q["key"] for q in graded.snapshot if q["type"] != "description")  # each answer once
    assert _audit("quiz.submitted") == 1
    evidences = bool(graded.passed and graded.quiz.competency_id and graded.quiz.level)
    assert _count(CompetencyEvidence, CompetencyEvidence.source.like(f"quiz:%:{attempt_id}")) == int(evidences)


# ------------------------------------------------------------------ case reviews


def test_a_review_submitted_twice_at_once_is_submitted_once(app, world, synced):
    review_id = _draft_review(world)
    author_id = world["member_a"].id

    def submit(_i: int) -> None:
        submit_review(db.session, actor=db.session.get(User, author_id), review=db.session.get(CaseReview, review_id))

    outcomes = race_services(app, 4, submit)
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 1
    assert [type(o) for o in refusals(outcomes)] == [Conflict] * 3
    review = db.session.get(CaseReview, review_id)
    assert review.status == "submitted" and review.version == 2
    assert _audit("review.submitted") == 1


def test_an_agenda_item_marked_discussed_twice_at_once_counts_once(app, world, synced):
    review = submitted_review(world)
    meeting = meetings.schedule(db.session, actor=world["manager_a"], team=world["team_a"], held_on=date.today(),
                                title="Weekly")
    item = meetings.add_to_agenda(db.session, meeting=meeting, review=review)
    db.session.commit()
    meeting_id, item_id, review_id, version = meeting.id, item.id, review.id, review.version
    manager_id = world["manager_a"].id

    def discuss(_i: int) -> None:
        meetings.discuss(db.session, actor=db.session.get(User, manager_id),
                         meeting=meetings.get_meeting(db.session, meeting_id), item_id=item_id)

    outcomes = race_services(app, 4, discuss)
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 1
    assert [type(o) for o in refusals(outcomes)] == [Conflict] * 3
    review = db.session.get(CaseReview, review_id)
    assert review.status == "discussed" and review.version == version + 1
    assert _audit("review.discussed") == 1


def test_saves_made_on_the_same_version_at_once_keep_one_and_refuse_the_rest(app, world, synced):
    review_id = _draft_review(world)
    author_id = world["member_a"].id

    def save(i: int) -> int:
        data = ReviewInput(stage=None, reasons=["price"], primary_reason="price", lessons=f"Lesson from client {i}")
        return save_review(db.session, actor=db.session.get(User, author_id),
                           review=db.session.get(CaseReview, review_id), data=data, seen_version=1).version

    outcomes = race_services(app, 4, save)
    assert crashes(outcomes) == [] and winners(outcomes) == [2]
    assert [type(o) for o in refusals(outcomes)] == [Conflict] * 3
    review = db.session.get(CaseReview, review_id)
    winner = next(i for i, o in enumerate(outcomes) if o == 2)
    assert review.version == 2 and review.lessons == f"Lesson from client {winner}"
    assert [r.reason.key for r in review.reasons] == ["price"]  # the winner's reasons, once
    assert _audit("review.saved") == 1


def test_author_and_manager_saving_one_review_at_once_get_one_409(server, world):
    review = submitted_review(world)  # shared with the team: its manager may edit it too, e.g. in the meeting
    review_id, seen = review.id, str(review.version)
    author, manager = WebSession(server.url), WebSession(server.url)
    author.login("member.a@example.com")
    manager.login("manager.a@example.com")
    editors = [author, manager]
    for editor in editors:
        assert editor.get(f"/reviews/{review_id}/edit").status_code == 200  # both opened the same version
    form = {"reasons": "price", "primary_reason": "price", "version": seen}
    statuses = _no_500(race(2, lambda i: editors[i].post(f"/reviews/{review_id}/edit",
                                                         {**form, "lessons": f"Written by editor {i}"})))
    assert sorted(statuses) == [302, 409]
    _see_what_servers_wrote()
    review = db.session.get(CaseReview, review_id)
    assert review.version == int(seen) + 1 and review.lessons == f"Written by editor {statuses.index(302)}"
    assert _audit("review.saved") == 1


# ------------------------------------------------------------------ deals through the API


@pytest.fixture
def crm(world) -> list[dict[str, str]]:
    """The headers of four CRM connections (webhook, nightly sync, ...), each with its own deals:write token.

    Separate tokens matter: requests with one token already queue on its row (last_used_at is updated).
    """
    headers = []
    for n in range(4):
        _row, secret = create_token(db.session, actor=world["admin"], user=world["manager_a"], name=f"CRM {n}",
                                    scopes=["deals:write", "deals:read"])
        headers.append({"Authorization": f"Bearer {secret}"})
    db.session.commit()
    return headers


def test_a_crm_pushing_from_several_connections_at_once_makes_one_row_per_deal(server, crm):
    body = {"name": "Huaxin line 3", "account": "Huaxin Precision", "amount": "246700", "outcome": "open",
            "owner_email": "member.a@example.com"}

    def create(i: int) -> list[requests.Response]:
        # Five new deals in turn, all eight connections in step: five chances for the creates to collide.
        return [requests.put(f"{server.url}/api/v1/deals/hubspot/98123{k}", json=body, headers=crm[i % 4],
                             timeout=30) for k in range(5)]

    def update(i: int) -> list[requests.Response]:
        return [requests.put(f"{server.url}/api/v1/deals/hubspot/98123{k}", headers=crm[i % 4], timeout=30,
                             json={"name": f"Huaxin v{i}", "amount": str(1000 + i), "stage": f"stage {i}"})
                for k in range(5)]

    created, updated = race(8, create), race(8, update)
    assert crashes(created) == [] and crashes(updated) == []
    for k in range(5):
        assert sorted(_no_500([r[k] for r in created])) == [200] * 7 + [201]  # one created it, seven updated it
        assert _no_500([r[k] for r in updated]) == [200] * 8
    _see_what_servers_wrote()
    deals = db.session.scalars(select(Deal).where(Deal.source == "hubspot")).all()
    assert len(deals) == 5
    for deal in deals:  # each holds one writer's whole update (the last one's), never a mix of two
        i = int(deal.name.removeprefix("Huaxin v"))
        assert (deal.amount, deal.stage) == (Decimal(1000 + i), f"stage {i}")
    assert (_audit("deal.created"), _audit("deal.updated")) == (5, 75)


def test_one_new_deal_upserted_eight_times_at_once_is_one_row(app, world, synced):
    actor_id = world["manager_a"].id

    def upsert(i: int) -> bool:
        _deal, created, errors = upsert_from_api(db.session, source="hubspot", external_id="981234",
                                                 payload={"name": f"Huaxin v{i}", "stage": f"stage {i}",
                                                          "owner_email": "member.a@example.com"},
                                                 actor=db.session.get(User, actor_id))
        assert errors == {}
        return created

    outcomes = race_services(app, 8, upsert)
    assert crashes(outcomes) == [] and sorted(outcomes) == [False] * 7 + [True]
    [deal] = db.session.scalars(select(Deal).where(Deal.source == "hubspot", Deal.external_id == "981234")).all()
    assert deal.stage == f"stage {deal.name.removeprefix('Huaxin v')}"  # one writer's whole update
    assert (_audit("deal.created"), _audit("deal.updated")) == (1, 7)


# ------------------------------------------------------------------ assignments


def test_one_program_assigned_twice_at_once_is_assigned_once(app, world, synced):
    member_id, manager_id = world["member_a"].id, world["manager_a"].id

    def assign(_i: int) -> int:
        return assign_program(db.session, actor=db.session.get(User, manager_id),
                              program=get_program(db.session, "onboarding"),
                              learners=[db.session.get(User, member_id)], start_date=date.today())

    outcomes = race_services(app, 6, assign)
    assert crashes(outcomes) == [] and sorted(outcomes) == [0] * 5 + [1]
    assert _count(ProgramAssignment, ProgramAssignment.user_id == member_id) == 1
    assert _audit("program.assigned") == 1


def test_one_mentor_assigned_twice_at_once_gives_one_mentorship(app, world, synced):
    mentee_id, mentor_id, manager_id = world["member_a"].id, world["mentor_a"].id, world["manager_a"].id

    def assign(_i: int) -> int:
        return mentoring.assign_mentor(db.session, actor=db.session.get(User, manager_id),
                                       mentor=db.session.get(User, mentor_id), mentee=db.session.get(User, mentee_id),
                                       start_date=date.today(), goals="Ramp up").id

    outcomes = race_services(app, 4, assign)
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 1
    assert [type(o) for o in refusals(outcomes)] == [ValidationError] * 3
    assert _count(Mentorship, Mentorship.mentee_id == mentee_id) == 1
    assert _audit("mentorship.assigned") == 1
    assert _count(Notification, Notification.kind == "mentor_assigned") == 1


def test_different_mentors_for_one_mentee_at_once_leave_one_active(app, world, synced):
    mentee_id, manager_id = world["member_a"].id, world["manager_a"].id
    mentor_ids = [make_user("mentor", team=world["team_a"]).id for _ in range(3)]

    def assign(i: int) -> int:
        return mentoring.assign_mentor(db.session, actor=db.session.get(User, manager_id),
                                       mentor=db.session.get(User, mentor_ids[i]),
                                       mentee=db.session.get(User, mentee_id), start_date=date.today(), goals="").id

    outcomes = race_services(app, 3, assign)
    assert crashes(outcomes) == [] and winners(outcomes)
    [active] = db.session.scalars(select(Mentorship).where(Mentorship.mentee_id == mentee_id,
                                                           Mentorship.active.is_(True))).all()
    assert active.id in winners(outcomes)
    assert _count(Mentorship, Mentorship.mentee_id == mentee_id) == len(winners(outcomes))  # the rest is history
    assert _audit("mentorship.assigned") == len(winners(outcomes))


def test_a_full_mentor_takes_one_of_three_mentees_assigned_at_once(app, world, synced):
    world["mentor_a"].mentor_capacity = 1
    mentor_id, manager_id = world["mentor_a"].id, world["manager_a"].id
    mentee_ids = [make_user("member", team=world["team_a"]).id for _ in range(3)]

    def assign(i: int) -> int:
        return mentoring.assign_mentor(db.session, actor=db.session.get(User, manager_id),
                                       mentor=db.session.get(User, mentor_id),
                                       mentee=db.session.get(User, mentee_ids[i]), start_date=date.today(), goals="").id

    outcomes = race_services(app, 3, assign)
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 1
    assert all("capacity" in o.message for o in refusals(outcomes)) and len(refusals(outcomes)) == 2
    assert _count(Mentorship, Mentorship.mentor_id == mentor_id, Mentorship.active.is_(True)) == 1


def test_training_assigned_twice_at_once_is_assigned_once_per_person(app, world, synced):
    review = submitted_review(world)
    rep = make_user("member", team=world["team_a"])
    db.session.commit()
    review_id, manager_id = review.id, world["manager_a"].id
    learner_ids = [world["member_a"].id, rep.id]
    module_ids = list(db.session.scalars(select(Module.id)))
    quiz_ids = list(db.session.scalars(select(Quiz.id)))

    def assign(i: int) -> int:
        # Half come from the review's proposal, half from the team's loss pattern: the same training either way.
        return loop.assign(db.session, actor=db.session.get(User, manager_id),
                           learners=[db.session.get(User, u) for u in learner_ids],
                           modules=[db.session.get(Module, m) for m in module_ids],
                           quizzes=[db.session.get(Quiz, q) for q in quiz_ids],
                           source="Review" if i % 2 else "Pattern",
                           review=db.session.get(CaseReview, review_id) if i % 2 else None)

    outcomes = race_services(app, 4, assign)
    assert crashes(outcomes) == []
    wanted = len(learner_ids) * (len(module_ids) + len(quiz_ids))
    assert sum(winners(outcomes)) == wanted
    rows = db.session.execute(select(TrainingAssignment.user_id, TrainingAssignment.module_id,
                                     TrainingAssignment.quiz_id)).all()
    assert len(rows) == len(set(rows)) == wanted


# ------------------------------------------------------------------ other things done once


def test_a_module_marked_done_from_two_tabs_at_once_has_one_progress_row(app, world, synced):
    member_id = world["member_a"].id
    outcomes = race_services(app, 4, lambda _i: mark_done(db.session, user=db.session.get(User, member_id),
                                                          key="basics-discovery").id)
    assert crashes(outcomes) == [] and len(set(outcomes)) == 1  # every tab saw the same, single row
    [row] = db.session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == member_id)).all()
    assert row.completed_at is not None


def test_a_review_put_on_the_agenda_twice_at_once_is_on_it_once(app, world, synced):
    review_id = submitted_review(world).id
    meeting = meetings.schedule(db.session, actor=world["manager_a"], team=world["team_a"], held_on=date.today(),
                                title="Weekly")
    db.session.commit()
    meeting_id = meeting.id

    def add(_i: int) -> int:
        return meetings.add_to_agenda(db.session, meeting=meetings.get_meeting(db.session, meeting_id),
                                      review=db.session.get(CaseReview, review_id)).id

    outcomes = race_services(app, 4, add)
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 1
    assert all("already on the agenda" in o.message for o in refusals(outcomes)) and len(refusals(outcomes)) == 3
    assert _count(AgendaItem, AgendaItem.meeting_id == meeting_id) == 1


def _action_item(world) -> tuple[int, object]:
    mentorship = mentoring.assign_mentor(db.session, actor=world["manager_a"], mentor=world["mentor_a"],
                                         mentee=world["member_a"], start_date=date.today(), goals="")
    coaching.add_note(db.session, author=world["mentor_a"], mentorship=mentorship, held_on=date.today(), notes="1:1",
                      actions=[("Read pricing", world["member_a"].id, date.today())])
    db.session.commit()
    item_id, owner_id = mentorship.action_items[0].id, world["member_a"].id
    return item_id, lambda: coaching.complete_action(db.session, user=db.session.get(User, owner_id),
                                                     item=db.session.get(ActionItem, item_id))


def _mentorship(world) -> tuple[int, object]:
    mentorship = mentoring.assign_mentor(db.session, actor=world["manager_a"], mentor=world["mentor_a"],
                                         mentee=world["member_a"], start_date=date.today(), goals="")
    db.session.commit()
    mentorship_id, manager_id = mentorship.id, world["manager_a"].id
    return mentorship_id, lambda: mentoring.end_mentorship(db.session, actor=db.session.get(User, manager_id),
                                                           mentorship=db.session.get(Mentorship, mentorship_id))


def _token(world) -> tuple[int, object]:
    token, _secret = create_token(db.session, actor=world["admin"], user=world["manager_a"], name="CRM",
                                  scopes=["deals:write"])
    db.session.commit()
    token_id, admin_id = token.id, world["admin"].id
    return token_id, lambda: revoke_token(db.session, actor=db.session.get(User, admin_id),
                                          token=db.session.get(ApiToken, token_id))


def _target(world) -> tuple[int, object]:
    competency = db.session.scalar(select(Competency).where(Competency.key == "discovery"))
    target = create_target(db.session, actor=world["manager_a"], competency_id=competency.id, level=2,
                           due_date=date(2027, 3, 31), team=world["team_a"])
    db.session.commit()
    target_id, manager_id = target.id, world["manager_a"].id
    return target_id, lambda: remove_target(db.session, actor=db.session.get(User, manager_id), target_id=target_id)


@pytest.mark.parametrize(("make", "action"), [(_action_item, "coaching.action_done"),
                                              (_mentorship, "mentorship.ended"), (_token, "token.revoked"),
                                              (_target, "target.removed")],
                         ids=["action item ticked off", "mentorship ended", "API token revoked", "target removed"])
def test_a_one_way_switch_flipped_twice_at_once_flips_once(app, world, synced, make, action):
    _id, flip = make(world)
    outcomes = race_services(app, 4, lambda _i: flip())
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 1
    assert [type(o) for o in refusals(outcomes)] == [Conflict] * 3  # "already done / ended / revoked"
    assert _audit(action) == 1
