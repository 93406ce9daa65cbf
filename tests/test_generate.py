"""`flask demo generate`: a large, realistic, deterministic organisation written with bulk inserts."""
from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from coach.auth.services import check_password
from coach.extensions import db
from coach.generate import DOMAIN, PASSWORD, Generator
from coach.learning.programs import my_programs
from coach.models import (
    ActionItem,
    AgendaItem,
    CapabilityTarget,
    CaseReview,
    CompetencyEvidence,
    Deal,
    Mentorship,
    Module,
    ModuleProgress,
    ProgramAssignment,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    Reason,
    ReviewMeeting,
    ReviewReason,
    SignoffRequest,
    Team,
    User,
    team_managers,
)
from tests.content_fixtures import SHIPPED_CONTENT, app_config, content_dir, synced  # noqa: F401

PEOPLE = 60
TODAY = date(2026, 3, 2)


def _generate(runner: FlaskCliRunner, *args: str) -> Result:
    """Run `flask demo generate` with these options."""
    return runner.invoke(args=["demo", "generate", *args])


def _count(model: object) -> int:
    """Rows in a model's table."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _generated_people() -> int:
    """Accounts with a generated e-mail address."""
    return db.session.scalar(select(func.count(User.id)).where(User.email.like(f"%@{DOMAIN}"))) or 0


@pytest.fixture
def organisation(runner: FlaskCliRunner) -> Result:
    """The shipped content, synced, and an organisation of 60 generated on it."""
    synced_content = runner.invoke(args=["content", "sync", "--path", str(SHIPPED_CONTENT)])
    assert synced_content.exit_code == 0, synced_content.output
    result = _generate(runner, "--users", str(PEOPLE), "--seed", "7")
    assert result.exit_code == 0, result.output
    return result


def test_people_teams_and_mentorships(organisation):
    _teams_each_have_one_manager_mentors_and_members(organisation)
    _mentorships_stay_within_capacity_and_team()


def test_learning_history_is_consistent(organisation):
    _quiz_evidence_comes_from_passed_attempts()
    _scores_match_the_graded_answers()
    _signoff_evidence_is_linked_both_ways()
    _programs_are_completed_exactly_when_every_step_is_done()


def test_deals_reviews_meetings_and_targets(organisation):
    _deals_reviews_and_meetings()
    _capability_targets_for_teams_and_people()


def _teams_each_have_one_manager_mentors_and_members(organisation: Result) -> None:
    """Teams of 8–14 with one manager (in team_managers too), 1–3 mentors; mixed names and languages."""
    assert _generated_people() == PEOPLE + 1  # and admin@generated.example: the database had no admin
    assert db.session.scalar(select(User.role).where(User.email == f"admin@{DOMAIN}")) == "admin"
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    assert len(teams) == 5 and teams[0].name.startswith("Team 001 — ")
    for team in teams:
        roles = Counter(member.role for member in team.members)
        assert 8 <= len(team.members) <= 14, team.name
        assert roles["manager"] == 1 and 1 <= roles["mentor"] <= 3, roles
        [manager] = team.managers
        assert manager.role == "manager" and manager.team_id == team.id
    assert _count(team_managers) == len(teams)
    people = db.session.scalars(select(User).where(User.email.like("p%"))).all()
    assert {p.language for p in people} == {"en", "zh"}
    assert any("\u4e00" <= ch <= "\u9fff" for p in people for ch in p.name)  # some Chinese names
    assert {p.career_level for p in people} >= {"sales-rep", "sales-manager"}
    assert check_password(people[0], PASSWORD) and PASSWORD in organisation.output


def _mentorships_stay_within_capacity_and_team() -> None:
    """No mentor has more active mentees than their capacity; one current mentor per mentee."""
    active = db.session.scalars(select(Mentorship).where(Mentorship.active.is_(True))).all()
    assert active and db.session.scalar(select(func.count(Mentorship.id)).where(Mentorship.active.is_(False)))
    load = Counter(m.mentor_id for m in active)
    for mentorship in active:
        assert load[mentorship.mentor_id] <= mentorship.mentor.mentor_capacity
        assert mentorship.mentor.team_id == mentorship.mentee.team_id and mentorship.end_date is None
    assert len({m.mentee_id for m in active}) == len(active)  # one current mentor per mentee


def _quiz_evidence_comes_from_passed_attempts() -> None:
    """Every quiz evidence names a passed attempt of that quiz by that person, and every pass has one."""
    quizzes = {q.key: q for q in db.session.scalars(select(Quiz))}
    evidence = db.session.scalars(select(CompetencyEvidence).where(CompetencyEvidence.kind == "quiz")).all()
    for row in evidence:
        _kind, key, attempt_id = row.source.split(":")
        attempt = db.session.get(QuizAttempt, int(attempt_id))
        assert attempt.passed and attempt.state == "graded" and attempt.user_id == row.user_id
        assert attempt.quiz.key == key and (row.competency_id, row.level) == (quizzes[key].competency_id,
                                                                            quizzes[key].level)
    passed = db.session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.passed.is_(True)))
    assert len(evidence) == passed  # every shipped quiz evidences a competency
    states = {state for state, in db.session.execute(select(QuizAttempt.state).distinct())}
    assert {"graded", "open"} <= states


def _scores_match_the_graded_answers() -> None:
    """About 100 answers per person; each graded score is the mean credit of its answers."""
    answers = _count(QuizAnswer)
    assert 50 * PEOPLE <= answers <= 200 * PEOPLE  # about 100 answers per person
    rows = db.session.execute(select(QuizAttempt.id, QuizAttempt.score, QuizAttempt.snapshot, QuizAttempt.pass_mark,
                                     QuizAttempt.passed).where(QuizAttempt.state == "graded")).all()
    credit = dict(db.session.execute(select(QuizAnswer.attempt_id, func.sum(QuizAnswer.fraction))
                                     .group_by(QuizAnswer.attempt_id)).all())
    for attempt_id, score, snapshot, pass_mark, passed in rows:
        gradable = [q for q in snapshot if q["type"] != "description"]
        assert score == pytest.approx(100 * credit[attempt_id] / len(gradable), abs=0.01)
        assert passed == (score >= pass_mark)


def _signoff_evidence_is_linked_both_ways() -> None:
    """Approved and revoked requests have their evidence, and it points back at them."""
    requests = db.session.scalars(select(SignoffRequest)).all()
    assert {"approved", "rejected", "requested"} <= {r.status for r in requests}
    for request in requests:
        if request.status not in ("approved", "revoked"):
            assert request.evidence_id is None
            continue
        evidence = db.session.get(CompetencyEvidence, request.evidence_id)
        assert evidence.source == f"signoff:{request.id}" and evidence.kind == "signoff"
        assert (evidence.user_id, evidence.competency_id, evidence.level) == (request.mentee_id,
                                                                              request.competency_id, request.level)
        assert (evidence.revoked_at is not None) == (request.status == "revoked")
        assert len(request.rubric_scores) == len(next(lvl.behaviours for lvl in request.competency.levels
                                                      if lvl.level == request.level))


def _programs_are_completed_exactly_when_every_step_is_done() -> None:
    """completed_at is set exactly where my_programs shows every step done."""
    assignments = db.session.scalars(select(ProgramAssignment)).all()
    new_hires = [a for a in assignments if a.source == "new hire"]
    assert new_hires and all(a.start_date == a.user.hire_date for a in new_hires)
    overdue = 0
    for assignment in assignments:
        [view] = [v for v in my_programs(db.session, user=assignment.user) if v.assignment.id == assignment.id]
        assert (assignment.completed_at is not None) == (view.next_step is None), assignment.user.email
        overdue += view.overdue_count
    assert any(a.completed_at for a in assignments) and overdue
    versions = dict(db.session.execute(select(Module.id, Module.version)).all())
    for progress in db.session.scalars(select(ModuleProgress).where(ModuleProgress.completed_at.is_not(None))):
        assert progress.completed_version == versions[progress.module_id]


def _deals_reviews_and_meetings() -> None:
    """10–20 deals per rep; reviews of ~30% of closed deals; discussed ones on a past agenda."""
    owners = Counter(owner for owner, in db.session.execute(select(Deal.owner_id)))
    assert all(10 <= deals <= 20 for deals in owners.values())
    assert {o for o, in db.session.execute(select(Deal.outcome).distinct())} == {"open", "won", "lost", "no-decision"}
    reviews = db.session.scalars(select(CaseReview)).all()
    closed = db.session.scalar(select(func.count(Deal.id)).where(Deal.outcome != "open"))
    assert 0.15 * closed <= len(reviews) <= 0.45 * closed
    assert {r.status for r in reviews} == {"draft", "submitted", "discussed"}
    for review in reviews:
        assert review.deal.outcome == review.outcome != "open" and review.team_id == review.deal.owner.team_id
        assert sum(1 for r in review.reasons if r.primary) == 1
        assert all(review.outcome in r.reason.applies_to or r.reason.key == "unknown" for r in review.reasons)
    discussed = db.session.scalars(select(AgendaItem).where(AgendaItem.discussed_at.is_not(None))).all()
    assert {item.review.status for item in discussed} == {"discussed"}
    assert len(discussed) == sum(1 for r in reviews if r.status == "discussed")
    assert _count(ReviewMeeting) >= 5 * 3
    today = date.today()
    items = db.session.scalars(select(ActionItem)).all()
    assert any(i.done_at for i in items) and any(i.due_date < today and i.done_at is None for i in items)
    assert all(i.mentorship_id or i.review_id or i.meeting_id for i in items)
    assert db.session.scalar(select(func.count(ReviewReason.id)).join(Reason).where(Reason.key == "price"))


def _capability_targets_for_teams_and_people() -> None:
    """Every team has targets, some people too, due in the past and the future."""
    targets = db.session.scalars(select(CapabilityTarget)).all()
    assert {t.team_id for t in targets if t.team_id} == {t.id for t in db.session.scalars(select(Team))}
    assert any(t.user_id for t in targets)
    today = date.today()
    assert any(t.due_date < today for t in targets) and any(t.due_date > today for t in targets)


def _digest() -> str:
    """Everything a reader would compare between two runs, without database ids."""
    people = db.session.execute(select(User.email, User.name, Team.name, User.role, User.language,
                                       User.career_level, User.hire_date, User.active)
                                .outerjoin(Team, Team.id == User.team_id).order_by(User.email)).all()
    attempts = db.session.execute(select(User.email, Quiz.key, QuizAttempt.number, QuizAttempt.state,
                                         QuizAttempt.score).join(User, User.id == QuizAttempt.user_id)
                                  .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
                                  .order_by(User.email, Quiz.key, QuizAttempt.number)).all()
    counts = [_count(model) for model in (Team, Mentorship, ProgramAssignment, ModuleProgress, QuizAnswer,
                                          CompetencyEvidence, SignoffRequest, Deal, CaseReview, ActionItem,
                                          CapabilityTarget)]
    return hashlib.sha256(repr((people, attempts, counts)).encode()).hexdigest()


def _generate_and_roll_back(seed: int) -> str:
    """Generate into this test's database, take the digest, and leave the database as it was."""
    Generator(db.session, people=PEOPLE, seed=seed, today=TODAY).run()
    digest = _digest()
    db.session.rollback()
    assert _generated_people() == 0
    return digest


def test_same_seed_gives_the_same_organisation(runner, synced):
    first, other_seed = _generate_and_roll_back(3), _generate_and_roll_back(4)
    result = _generate(runner, "--users", str(PEOPLE), "--seed", "3", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert _digest() == first != other_seed


def test_refuses_a_database_that_already_has_one(runner, synced):
    assert _generate(runner, "--users", "12").exit_code == 0
    before = _count(QuizAttempt)
    second = _generate(runner, "--users", "12", "--seed", "2")
    assert second.exit_code == 1
    assert "already holds a generated organisation; use a fresh database" in second.output
    assert _generated_people() == 13 and _count(QuizAttempt) == before


def test_refuses_fewer_than_ten_people(runner, synced):
    result = _generate(runner, "--users", "9")
    assert result.exit_code == 2 and "--users" in result.output and "x>=10" in result.output
    assert _generated_people() == 0


def test_refuses_without_content(runner, app):
    result = _generate(runner, "--users", "20")
    assert result.exit_code == 1
    assert "content has not been synced" in result.output and "flask --app wsgi content sync" in result.output
    assert _generated_people() == 0


def test_a_failure_half_way_leaves_nothing(runner, synced, monkeypatch):
    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Generator, "_write_targets", broken)
    result = _generate(runner, "--users", "30")
    assert isinstance(result.exception, RuntimeError)
    assert _generated_people() == 0 and _count(Deal) == 0 and _count(Team) == 0
