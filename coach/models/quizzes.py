"""Quizzes, their question banks, learners' attempts and answers, and capability targets."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.extensions import db
from coach.models.accounts import Team, User
from coach.models.base import UTCDateTime, utcnow
from coach.models.content import Competency, Course, Translated

SHOW_ANSWERS = ("after_pass", "always", "never")
ATTEMPT_STATES = ("open", "pending_review", "graded")


class Quiz(Translated, db.Model):
    """A quiz: settings from quizzes/<id>.yml and a bank of questions from its GIFT files."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    title_en: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    pass_mark: Mapped[int] = mapped_column(Integer, default=80)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=0)
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=0)
    draw: Mapped[int] = mapped_column(Integer, default=0)
    shuffle_answers: Mapped[bool] = mapped_column(Boolean, default=False)
    show_answers: Mapped[str] = mapped_column(String(16), default="after_pass")
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    valid_days: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    retired: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    course: Mapped[Course | None] = relationship()
    competency: Mapped[Competency | None] = relationship()
    questions: Mapped[list[QuizQuestion]] = relationship(back_populates="quiz", order_by="QuizQuestion.position")


class QuizQuestion(db.Model):
    """A question of a quiz's bank in both languages; `data` holds answers and grading rules."""

    __tablename__ = "quiz_questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[str] = mapped_column(String(16))
    # {"en": {...question...}, "zh": {...}} — see coach/quizzes/bank.py for the shape.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class QuizAttempt(db.Model):
    """One attempt at a quiz; keeps a snapshot of what it showed so later edits never change it."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # At most one open attempt per learner and quiz, even when two tabs press "start" at once.
        Index("uq_quiz_attempts_one_open", "user_id", "quiz_id", unique=True,
              sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),
        Index("ix_quiz_attempts_user_state", "user_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str] = mapped_column(String(2), default="en")
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean, index=True)
    snapshot: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    pass_mark: Mapped[int] = mapped_column(Integer, default=80)
    show_answers: Mapped[str] = mapped_column(String(16), default="after_pass")

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz] = relationship()
    answers: Mapped[list[QuizAnswer]] = relationship(back_populates="attempt", order_by="QuizAnswer.id")


class QuizAnswer(db.Model):
    """A learner's answer to one question of an attempt, saved as they go, graded at submit."""

    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(120), index=True)
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Credit from 0 to 1; None while an essay waits for its grader.
    fraction: Mapped[float | None] = mapped_column(Float)
    feedback: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    graded_by: Mapped[User | None] = relationship()


class CapabilityTarget(db.Model):
    """Competency X at level N by date D — for a person, every member of a team, or a career level."""

    __tablename__ = "capability_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    career_level_key: Mapped[str | None] = mapped_column(String(64), index=True)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    competency: Mapped[Competency] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    team: Mapped[Team | None] = relationship()
    set_by: Mapped[User | None] = relationship(foreign_keys=[set_by_id])
