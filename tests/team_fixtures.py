"""A hand-made team whose every dashboard figure is known in advance (see `team`)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from coach.extensions import db
from coach.learning.programs import assign_program, get_program, refresh_completion
from coach.learning.services import mark_done
from coach.mentoring.services import assign_mentor, request_signoff
from coach.models import (
    ActionItem,
    CaseReview,
    Competency,
    CompetencyEvidence,
    Deal,
    ProgramAssignment,
    Quiz,
    QuizAttempt,
    utcnow,
)
from coach.reviews.services import ReviewInput, create_review, submit_review
from coach.skills.targets import create_target
from tests.factories import make_user

TODAY = date.today()


def competency(key: str) -> Competency:
    return db.session.scalar(select(Competency).where(Competency.key == key))


def add_evidence(user, key: str, level: int, kind: str = "quiz", source: str = "test") -> None:
    db.session.add(CompetencyEvidence(user_id=user.id, competency_id=competency(key).id, level=level, kind=kind,
                                      source=source))
    db.session.flush()


def add_attempt(user, score: float, days_ago: int = 1) -> None:
    quiz = db.session.scalar(select(Quiz).where(Quiz.key == "basics-quiz"))
    number = 1 + len(list(db.session.scalars(select(QuizAttempt.id).where(QuizAttempt.user_id == user.id))))
    when = utcnow() - timedelta(days=days_ago)
    db.session.add(QuizAttempt(user_id=user.id, quiz_id=quiz.id, number=number, state="graded", started_at=when,
                               submitted_at=when, score=score, passed=score >= quiz.pass_mark, snapshot=[]))
    db.session.flush()


def add_deal(owner, n: str, outcome: str, days_ago: int = 10) -> Deal:
    deal = Deal(source="test", external_id=f"{owner.id}-{n}", name=f"Deal {n}", outcome=outcome, owner_id=owner.id,
                amount=Decimal("1000"), close_date=TODAY - timedelta(days=days_ago))
    db.session.add(deal)
    db.session.flush()
    return deal


def add_review(author, team, deal, status: str) -> CaseReview:
    review = CaseReview(deal_id=deal.id, author_id=author.id, team_id=team.id, outcome=deal.outcome, status=status,
                        submitted_at=None if status == "draft" else utcnow())
    db.session.add(review)
    db.session.flush()
    return review


@pytest.fixture
def team(world, synced):
    """Team A made by hand, so every figure on its dashboard is known in advance.

    rep1: onboarding since 10 days, nothing done (2 steps overdue); pricing 2 from a quiz.
    rep2: onboarding since 60 days, all done (ramp 60 days); discovery 1.
    member_a: a personal target discovery 2, due yesterday (overdue). mentor_a mentors rep1.
    Team target: pricing 2 due in 7 days (at risk for everyone but rep1, who meets it).
    """
    team_a, manager = world["team_a"], world["manager_a"]
    rep1 = make_user("member", team=team_a, name="Rep One", career_level="rep",
                     hire_date=TODAY - timedelta(days=10))
    rep2 = make_user("member", team=team_a, name="Rep Two", career_level="rep",
                     hire_date=TODAY - timedelta(days=60))
    onboarding = get_program(db.session, "onboarding")
    assign_program(db.session, actor=manager, program=onboarding, learners=[rep1],
                   start_date=TODAY - timedelta(days=10))
    assign_program(db.session, actor=manager, program=onboarding, learners=[rep2],
                   start_date=TODAY - timedelta(days=60))
    add_evidence(rep1, "pricing", 2)
    mark_done(db.session, user=rep2, key="basics-discovery")
    mark_done(db.session, user=rep2, key="basics-pricing")
    add_evidence(rep2, "discovery", 1, "quiz", source="quiz:basics-quiz:1")
    add_evidence(rep2, "discovery", 1, "signoff", source="signoff:1")
    assert refresh_completion(db.session, user_id=rep2.id) == 1
    assignment = db.session.scalar(select(ProgramAssignment).where(ProgramAssignment.user_id == rep2.id))
    assert assignment.completed_at is not None
    create_target(db.session, actor=manager, competency_id=competency("pricing").id, level=2,
                  due_date=TODAY + timedelta(days=7), team=team_a)
    create_target(db.session, actor=manager, competency_id=competency("discovery").id, level=2,
                  due_date=TODAY - timedelta(days=1), user=world["member_a"])
    for user, score in ((rep2, 40), (rep2, 90), (rep1, 30)):
        add_attempt(user, score)
    assign_mentor(db.session, actor=manager, mentor=world["mentor_a"], mentee=rep1, start_date=TODAY, goals="")
    request_signoff(db.session, mentee=rep1, competency=competency("discovery"), level=3, evidence="x", links={})
    for n, outcome in enumerate(["won", "won", "won", "lost"]):
        add_deal(rep2, f"a{n}", outcome)
    add_deal(rep2, "old", "lost", days_ago=400)  # outside the twelve months compared
    for n, outcome in enumerate(["won", "lost", "lost", "lost"]):
        add_deal(rep1, f"b{n}", outcome)
    lost = add_deal(world["member_a"], "c", "lost")
    review1 = add_review(rep1, team_a, add_deal(rep1, "open", "open"), "submitted")
    add_review(rep2, team_a, add_deal(rep2, "nd", "no-decision"), "discussed")
    add_review(world["member_a"], team_a, lost, "draft")
    db.session.add_all([
        ActionItem(review_id=review1.id, owner_id=rep1.id, text="Call the buyer back", due_date=TODAY - timedelta(days=2)),
        ActionItem(review_id=review1.id, owner_id=rep1.id, text="Done already", due_date=TODAY - timedelta(days=3),
                   done_at=utcnow()),
        ActionItem(review_id=review1.id, owner_id=rep2.id, text="Not due yet", due_date=TODAY + timedelta(days=3)),
    ])
    db.session.commit()
    return {**world, "rep1": rep1, "rep2": rep2}


def submitted_review(world) -> CaseReview:
    """member A's submitted review of a lost deal, readable by team A (committed)."""
    deal = Deal(source="test", external_id="R1", name="Huaxin line 3", outcome="lost", owner_id=world["member_a"].id)
    db.session.add(deal)
    db.session.flush()
    review = create_review(db.session, author=world["member_a"], deal=deal,
                           data=ReviewInput(stage=None, reasons=["price"], primary_reason="price"))
    submit_review(db.session, actor=world["member_a"], review=review)
    db.session.commit()
    return review
