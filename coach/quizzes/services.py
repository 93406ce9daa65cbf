"""Taking quizzes: one open attempt, answers saved as you go, a server-side time limit, one graded result."""
from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from coach import audit
from coach.database import claim
from coach.errors import Conflict, NotFound, PermissionDenied, ValidationError
from coach.learning.programs import refresh_completion
from coach.models import CompetencyEvidence, Quiz, QuizAnswer, QuizAttempt, QuizQuestion, User, utcnow
from coach.quizzes.bank import snapshot_question
from coach.quizzes.types import REGISTRY, ForgedAnswer


def get_quiz(session: Session, key: str) -> Quiz:
    """A live quiz by key, or NotFound."""
    quiz = session.scalar(select(Quiz).where(Quiz.key == key, Quiz.retired.is_(False)))
    if quiz is None:
        raise NotFound(_("No such quiz."))
    return quiz


def attempts_of(session: Session, *, user: User, quiz: Quiz) -> list[QuizAttempt]:
    """The user's attempts at a quiz, newest first."""
    return list(session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id,
                                                          QuizAttempt.quiz_id == quiz.id)
                                .order_by(QuizAttempt.number.desc())))


def open_attempt(session: Session, *, user: User, quiz: Quiz) -> QuizAttempt | None:
    """The user's open attempt at this quiz, if any."""
    return session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id,
                                                    QuizAttempt.state == "open"))


def attempts_left(session: Session, *, user: User, quiz: Quiz) -> int | None:
    """How many attempts remain (None: unlimited)."""
    if not quiz.attempts_allowed:
        return None
    used = session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.user_id == user.id,
                                                                   QuizAttempt.quiz_id == quiz.id)) or 0
    return max(0, quiz.attempts_allowed - used)


def draw_snapshot(quiz: Quiz, bank: list[QuizQuestion], language: str, rng: random.Random) -> list[dict[str, Any]]:
    """The questions one attempt shows: the quiz's random draw, if any, in the bank's order (descriptions
    need their context), each frozen in the learner's language with its answers shuffled if asked."""
    chosen = bank
    if quiz.draw:
        gradable = [q for q in bank if q.type != "description"]
        picked = {q.id for q in rng.sample(gradable, min(quiz.draw, len(gradable)))}
        chosen = [q for q in bank if q.id in picked]
    return [snapshot_question(q.data, language, shuffle=quiz.shuffle_answers, rng=rng) for q in chosen]


def start_attempt(session: Session, *, user: User, quiz: Quiz, seed: int | None = None) -> QuizAttempt:
    """Start an attempt (or return the open one): draw the questions and keep a snapshot of them."""
    existing = open_attempt(session, user=user, quiz=quiz)
    if existing is not None:
        return existing
    if attempts_left(session, user=user, quiz=quiz) == 0:
        raise ValidationError(_("You have used all %(n)d attempts at this quiz.", n=quiz.attempts_allowed))
    bank = list(session.scalars(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id,
                                                           QuizQuestion.retired.is_(False))
                                .order_by(QuizQuestion.position)))
    if not bank:
        raise ValidationError(_("This quiz has no questions yet."))
    snapshot = draw_snapshot(quiz, bank, user.language, random.Random(seed))
    number = (session.scalar(select(func.max(QuizAttempt.number)).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)) or 0) + 1
    now = utcnow()
    attempt = QuizAttempt(
        user_id=user.id, quiz_id=quiz.id, number=number, language=user.language, state="open", started_at=now,
        deadline_at=now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None,
        snapshot=snapshot,
        pass_mark=quiz.pass_mark, show_answers=quiz.show_answers)
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError:
        # Another tab started one at the same moment: the unique index kept it to one; use that.
        winner = open_attempt(session, user=user, quiz=quiz)
        if winner is None:
            raise
        return winner
    audit.record(session, action="quiz.started", actor=user, obj=attempt, details=quiz.key)
    return attempt


def get_attempt(session: Session, *, user: User, attempt_id: int) -> QuizAttempt:
    """The user's own attempt (another person's attempt is refused, not revealed)."""
    attempt = session.scalar(select(QuizAttempt).where(QuizAttempt.id == attempt_id)
                             .options(selectinload(QuizAttempt.answers), selectinload(QuizAttempt.quiz)))
    if attempt is None:
        raise NotFound(_("No such attempt."))
    if attempt.user_id != user.id:
        raise PermissionDenied(_("This attempt belongs to someone else."))
    return attempt


def expired(attempt: QuizAttempt) -> bool:
    """Whether the attempt's time limit has passed."""
    return attempt.deadline_at is not None and utcnow() >= attempt.deadline_at


def read_responses(attempt: QuizAttempt, form: MultiDict[str, str]) -> dict[str, Any]:
    """The responses in a posted attempt form; anything the page could not have sent raises ForgedAnswer."""
    known = {f"q-{q['key']}" for q in attempt.snapshot}
    for name in form:
        if name.startswith("q-") and not any(name == k or name.startswith(k + "-") for k in known):
            raise ForgedAnswer(f"{name} is not a question of this attempt")
    return {q["key"]: REGISTRY[q["type"]].read(q, form) for q in attempt.snapshot if REGISTRY[q["type"]].gradable}


def lock(session: Session, attempt: QuizAttempt) -> None:
    """Serialise writers of one attempt (row lock on PostgreSQL; SQLite's write lock does it already)."""
    session.execute(select(QuizAttempt.id).where(QuizAttempt.id == attempt.id).with_for_update())
    session.refresh(attempt)


def save_answers(session: Session, *, attempt: QuizAttempt, responses: dict[str, Any]) -> int:
    """Store the responses of an open attempt; refused once it is submitted or its time is up."""
    lock(session, attempt)
    if attempt.state != "open":
        raise Conflict(_("This attempt has already been submitted."))
    if expired(attempt):
        raise Conflict(_("Time is up: answers given after the time limit are not accepted."))
    _store(session, attempt, responses)
    return len(responses)


def _store(session: Session, attempt: QuizAttempt, responses: dict[str, Any]) -> None:
    existing = {a.question_key: a for a in attempt.answers}
    now = utcnow()
    for key, response in responses.items():
        row = existing.get(key)
        if row is None:
            if response is None:
                continue
            attempt.answers.append(QuizAnswer(question_key=key, response=response, saved_at=now))
        elif row.response != response:
            row.response, row.saved_at = response, now
    session.flush()


def submit_attempt(session: Session, *, attempt: QuizAttempt, responses: dict[str, Any] | None = None) -> bool:
    """Grade an open attempt exactly once; returns False when another request already submitted it.

    Answers sent with the submit are saved first, unless the time limit has passed: then the attempt
    is graded on what was saved in time.
    """
    lock(session, attempt)
    in_time = not expired(attempt)
    if not claim(session, attempt, QuizAttempt.state == "open", state="pending_review", submitted_at=utcnow()):
        return False
    if responses is not None and in_time:
        _store(session, attempt, responses)
    answers = {a.question_key: a for a in attempt.answers}
    for question in attempt.snapshot:
        kind = REGISTRY[question["type"]]
        if not kind.gradable:
            continue
        answer = answers.get(question["key"])
        if answer is None:
            answer = QuizAnswer(question_key=question["key"], response=None)
            attempt.answers.append(answer)
        answer.fraction, answer.feedback = kind.grade(question, answer.response)
    session.flush()
    finish_if_graded(session, attempt=attempt)
    audit.record(session, action="quiz.submitted", actor=attempt.user, obj=attempt,
                 details=f"{attempt.quiz.key} state={attempt.state} score={attempt.score}")
    return True


def score_of(attempt: QuizAttempt) -> float:
    """The percentage score: the mean credit over gradable questions, rounded to two decimals."""
    keys = [q["key"] for q in attempt.snapshot if REGISTRY[q["type"]].gradable]
    fractions = {a.question_key: a.fraction or 0.0 for a in attempt.answers}
    return round(100 * sum(fractions.get(k, 0.0) for k in keys) / len(keys), 2) if keys else 0.0


def finish_if_graded(session: Session, *, attempt: QuizAttempt) -> None:
    """Once no answer waits for a grader, fix the score, pass or fail, and record evidence of a pass."""
    attempt.score = score_of(attempt)
    if any(a.fraction is None for a in attempt.answers):
        attempt.state = "pending_review"
        return
    attempt.state = "graded"
    attempt.passed = attempt.score >= attempt.pass_mark
    quiz = attempt.quiz
    if attempt.passed and quiz.competency_id and quiz.level:
        now = utcnow()
        session.add(CompetencyEvidence(
            user_id=attempt.user_id, competency_id=quiz.competency_id, level=quiz.level, kind="quiz",
            source=f"quiz:{quiz.key}:{attempt.id}", recorded_at=now,
            note=f"{quiz.title_en}: {attempt.score:g}%",
            expires_at=now + timedelta(days=quiz.valid_days) if quiz.valid_days else None))
        session.flush()
        refresh_completion(session, user_id=attempt.user_id)
    session.flush()


def best_results(session: Session, *, user: User) -> dict[int, tuple[float | None, bool]]:
    """quiz id → (best score, passed ever) for the user's graded attempts."""
    rows = session.execute(select(QuizAttempt.quiz_id, func.max(QuizAttempt.score),
                                  func.max(func.coalesce(QuizAttempt.passed, False).cast(Integer)))
                           .where(QuizAttempt.user_id == user.id, QuizAttempt.state == "graded")
                           .group_by(QuizAttempt.quiz_id)).all()
    return {quiz_id: (score, bool(passed)) for quiz_id, score, passed in rows}
