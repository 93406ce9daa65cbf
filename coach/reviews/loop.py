"""From lost deals back to training: proposals from a review's reasons and from patterns across reviews."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coach import audit
from coach.database import lock_rows
from coach.errors import ValidationError
from coach.models import (
    CaseReview,
    Competency,
    Module,
    Quiz,
    Reason,
    ReviewReason,
    TrainingAssignment,
    User,
    module_competencies,
)

PATTERN_THRESHOLD = 3


@dataclass
class Proposal:
    """Training that addresses some competencies, and why it is proposed."""

    why: str
    competencies: list[Competency]
    modules: list[Module] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)


def quarter_start(today: date) -> date:
    """The first day of today's quarter."""
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def quarter_began(today: date) -> datetime:
    """The moment today's quarter began (UTC midnight of its first day), to compare with timestamps."""
    return datetime.combine(quarter_start(today), time.min, tzinfo=UTC)


def _training(session: Session, competency_ids: set[int]) -> tuple[list[Module], list[Quiz]]:
    if not competency_ids:
        return [], []
    modules = list(session.scalars(select(Module).join(module_competencies, module_competencies.c.module_id == Module.id)
                                   .where(module_competencies.c.competency_id.in_(competency_ids),
                                          Module.retired.is_(False)).distinct().order_by(Module.course_id,
                                                                                         Module.position)))
    quizzes = list(session.scalars(select(Quiz).where(Quiz.competency_id.in_(competency_ids),
                                                      Quiz.retired.is_(False)).order_by(Quiz.key)))
    return modules, quizzes


def for_review(session: Session, review: CaseReview) -> Proposal:
    """The modules and quizzes mapped to the review's reasons (and the competencies it names)."""
    reasons = list(session.scalars(select(Reason).join(ReviewReason, ReviewReason.reason_id == Reason.id)
                                   .where(ReviewReason.review_id == review.id).options(selectinload(Reason.competencies))))
    competencies = {c.id: c for r in reasons for c in r.competencies} | {c.id: c for c in review.competencies}
    modules, quizzes = _training(session, set(competencies))
    why = _("Review #%(id)d: %(reasons)s", id=review.id, reasons=", ".join(r.name_en for r in reasons) or "—")
    return Proposal(why, list(competencies.values()), modules, quizzes)


def patterns(session: Session, *, team_id: int, today: date) -> list[tuple[Reason, int, Proposal]]:
    """Loss reasons given in at least three of the team's reviews this quarter, each with its proposal."""
    since = quarter_began(today)
    rows = session.execute(select(ReviewReason.reason_id).join(CaseReview, CaseReview.id == ReviewReason.review_id)
                           .where(CaseReview.team_id == team_id, CaseReview.outcome.in_(("lost", "no-decision")),
                                  CaseReview.status != "draft", CaseReview.created_at >= since)).scalars()
    counts = Counter(rows)
    result = []
    for reason in session.scalars(select(Reason).where(Reason.id.in_(
            [rid for rid, n in counts.items() if n >= PATTERN_THRESHOLD])).options(selectinload(Reason.competencies))):
        modules, quizzes = _training(session, {c.id for c in reason.competencies})
        why = _("%(n)d losses this quarter: %(reason)s", n=counts[reason.id], reason=reason.name_en)
        result.append((reason, counts[reason.id], Proposal(why, list(reason.competencies), modules, quizzes)))
    return sorted(result, key=lambda item: -item[1])


def assign(session: Session, *, actor: User, learners: list[User], modules: list[Module], quizzes: list[Quiz],
           source: str, review: CaseReview | None = None, due: date | None = None, ip: str = "") -> int:
    """Assign proposed modules and quizzes in one go; what a person already has is left alone."""
    if not learners or not (modules or quizzes):
        raise ValidationError(_("Nothing to assign."), field="learners")
    lock_rows(session, User, [u.id for u in learners])  # a simultaneous assignment waits, then sees this one
    existing = {(a.user_id, a.module_id, a.quiz_id) for a in session.scalars(select(TrainingAssignment).where(
        TrainingAssignment.user_id.in_([u.id for u in learners])))}
    created = 0
    for learner in learners:
        for module in modules:
            if (learner.id, module.id, None) not in existing:
                session.add(TrainingAssignment(user_id=learner.id, module_id=module.id, source=source[:300],
                                               review_id=review.id if review else None, due_date=due,
                                               assigned_by_id=actor.id))
                created += 1
        for quiz in quizzes:
            if (learner.id, None, quiz.id) not in existing:
                session.add(TrainingAssignment(user_id=learner.id, quiz_id=quiz.id, source=source[:300],
                                               review_id=review.id if review else None, due_date=due,
                                               assigned_by_id=actor.id))
                created += 1
    audit.record(session, action="training.assigned", actor=actor, obj=review, ip=ip,
                 details=f"{source[:200]} learners={len(learners)} created={created}")
    session.flush()
    return created


def assignments_of(session: Session, *, user: User) -> list[TrainingAssignment]:
    """Training assigned to a person from reviews and patterns, newest first."""
    return list(session.scalars(select(TrainingAssignment).where(TrainingAssignment.user_id == user.id)
                                .options(selectinload(TrainingAssignment.module))
                                .order_by(TrainingAssignment.created_at.desc())))
