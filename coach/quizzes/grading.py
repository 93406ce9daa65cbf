"""Essay grading by mentors and managers, and item analysis of a quiz's questions."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload

from coach import audit
from coach.database import claim
from coach.errors import Conflict, NotFound, ValidationError
from coach.models import Quiz, QuizAnswer, QuizAttempt, User, utcnow
from coach.quizzes.services import finish_if_graded, lock
from coach.team.services import assignable_people


def graders_scope(session: Session, *, grader: User) -> list[int]:
    """Whose essays this person grades: their team's members (mentors), their teams (managers), all (admins)."""
    if grader.role == "mentor":
        if grader.team_id is None:
            return []
        return list(session.scalars(select(User.id).where(User.team_id == grader.team_id, User.id != grader.id)))
    return [person.id for person in assignable_people(session, manager=grader) if person.id != grader.id]


def grading_queue(session: Session, *, grader: User) -> list[QuizAnswer]:
    """Essay answers waiting for a grade from this person, oldest first."""
    people = graders_scope(session, grader=grader)
    if not people:
        return []
    return list(session.scalars(
        select(QuizAnswer).join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .where(QuizAnswer.fraction.is_(None), QuizAttempt.state == "pending_review", QuizAttempt.user_id.in_(people))
        .options(joinedload(QuizAnswer.attempt).joinedload(QuizAttempt.user),
                 joinedload(QuizAnswer.attempt).joinedload(QuizAttempt.quiz))
        .order_by(QuizAttempt.submitted_at)))


def get_answer(session: Session, answer_id: int) -> QuizAnswer:
    """An answer with its attempt, or NotFound."""
    answer = session.scalar(select(QuizAnswer).where(QuizAnswer.id == answer_id)
                            .options(joinedload(QuizAnswer.attempt).joinedload(QuizAttempt.user)))
    if answer is None:
        raise NotFound(_("No such answer."))
    return answer


def grade_answer(session: Session, *, grader: User, answer: QuizAnswer, percent: int, feedback: str) -> QuizAttempt:
    """Grade one essay; when it was the last one, the attempt gets its final score (exactly once)."""
    if not 0 <= percent <= 100:
        raise ValidationError(_("Give a score from 0 to 100."), field="score")
    if answer.attempt.user_id not in graders_scope(session, grader=grader):
        raise ValidationError(_("You do not grade this person's answers."), field="score")
    # Two graders finishing an attempt's last two essays at once: the second waits here, then sees the first's
    # grade, so exactly one of them finds nothing left ungraded and scores the attempt.
    lock(session, answer.attempt)
    if not claim(session, answer, QuizAnswer.fraction.is_(None), fraction=round(percent / 100, 7),
                 feedback=feedback.strip()[:5000], graded_by_id=grader.id, graded_at=utcnow()):
        raise Conflict(_("This answer has already been graded."))
    attempt = answer.attempt
    session.refresh(attempt)
    finish_if_graded(session, attempt=attempt)
    audit.record(session, action="quiz.essay_graded", actor=grader, obj=attempt, details=f"{answer.question_key}={percent}")
    return attempt


@dataclass
class ItemStats:
    """How one question performs: the share answered right and how well it separates strong from weak."""

    key: str
    text: str
    answers: int
    facility: float
    discrimination: float

    @property
    def flag(self) -> str:
        """'easy', 'hard', 'weak' (does not discriminate) or ''."""
        if self.answers < 5:
            return ""
        if self.facility >= 0.95:
            return "easy"
        if self.facility <= 0.2:
            return "hard"
        if self.discrimination < 0.1:
            return "weak"
        return ""


def item_analysis(session: Session, *, quiz: Quiz) -> tuple[int, list[ItemStats]]:
    """Per question: facility (mean credit) and discrimination (upper 27% minus lower 27% by score)."""
    scored = session.execute(select(QuizAttempt.id, QuizAttempt.score).where(
        QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == "graded").order_by(QuizAttempt.score)).all()
    if not scored:
        return 0, []
    group = max(1, round(len(scored) * 0.27))
    lower = [row.id for row in scored[:group]]
    upper = [row.id for row in scored[-group:]]
    rows = session.execute(
        select(QuizAnswer.question_key, func.count(QuizAnswer.id), func.avg(QuizAnswer.fraction),
               func.avg(case((QuizAnswer.attempt_id.in_(upper), QuizAnswer.fraction))),
               func.avg(case((QuizAnswer.attempt_id.in_(lower), QuizAnswer.fraction))))
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == "graded")
        .group_by(QuizAnswer.question_key)).all()
    texts = {q.key: q.data["en"]["text"] for q in quiz.questions}
    order = {q.key: q.position for q in quiz.questions}
    stats = [ItemStats(key, texts.get(key, key), count, round(float(mean or 0), 3),
                       round(float(high or 0) - float(low or 0), 3)) for key, count, mean, high, low in rows]
    return len(scored), sorted(stats, key=lambda s: order.get(s.key, 1_000))
