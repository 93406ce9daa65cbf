"""Win/loss case reviews of real deals, their comments, and the periodic case-review meetings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.extensions import db
from coach.models.accounts import Team, User
from coach.models.base import UTCDateTime, utcnow
from coach.models.content import Competency, Module, Reason, SalesStage
from coach.models.deals import Deal

REVIEW_STATES = ("draft", "submitted", "discussed")

review_competencies = Table(
    "review_competencies", db.metadata,
    Column("review_id", ForeignKey("case_reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True),
)
review_modules = Table(
    "review_modules", db.metadata,
    Column("review_id", ForeignKey("case_reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class CaseReview(db.Model):
    """A structured retrospective of a won or lost deal."""

    __tablename__ = "case_reviews"
    __table_args__ = (Index("ix_case_reviews_team_status", "team_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("sales_stages.id"), index=True)
    competitors: Mapped[str] = mapped_column(String(300), default="")
    decision_criteria: Mapped[str] = mapped_column(Text, default="")
    went_well: Mapped[str] = mapped_column(Text, default="")
    to_change: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    lessons_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # Bumped on every save: a save based on an older version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    deal: Mapped[Deal] = relationship()
    author: Mapped[User] = relationship()
    team: Mapped[Team | None] = relationship()
    stage: Mapped[SalesStage | None] = relationship()
    reasons: Mapped[list[ReviewReason]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                       order_by="ReviewReason.primary.desc()")
    competencies: Mapped[list[Competency]] = relationship(secondary=review_competencies)
    modules: Mapped[list[Module]] = relationship(secondary=review_modules)
    comments: Mapped[list[ReviewComment]] = relationship(back_populates="review", order_by="ReviewComment.id")


class ReviewReason(db.Model):
    """A win/loss reason given in a review; one of them is the primary reason."""

    __tablename__ = "review_reasons"
    __table_args__ = (UniqueConstraint("review_id", "reason_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("case_reviews.id", ondelete="CASCADE"), index=True)
    reason_id: Mapped[int] = mapped_column(ForeignKey("reasons.id"), index=True)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)

    review: Mapped[CaseReview] = relationship(back_populates="reasons")
    reason: Mapped[Reason] = relationship()


class ReviewComment(db.Model):
    """A comment in a review's thread."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("case_reviews.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review: Mapped[CaseReview] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


meeting_attendees = Table(
    "meeting_attendees", db.metadata,
    Column("meeting_id", ForeignKey("review_meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ReviewMeeting(db.Model):
    """A team's periodic case-review meeting: an agenda of reviews, attendees, notes and decisions."""

    __tablename__ = "review_meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    decisions_html: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team] = relationship()
    agenda: Mapped[list[AgendaItem]] = relationship(back_populates="meeting", order_by="AgendaItem.position",
                                                    cascade="all, delete-orphan")
    attendees: Mapped[list[User]] = relationship(secondary=meeting_attendees, order_by="User.name")


class AgendaItem(db.Model):
    """A review on a meeting's agenda, in order; discussing it marks the review discussed."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "review_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meetings.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("case_reviews.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    discussed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="agenda")
    review: Mapped[CaseReview] = relationship()


class TrainingAssignment(db.Model):
    """A module or quiz assigned to a person because of a review or a pattern of lost deals."""

    __tablename__ = "training_assignments"
    __table_args__ = (
        # Once per person and module (or quiz), whichever review or pattern proposed it first; NULLs never clash.
        Index("uq_training_assignments_user_module", "user_id", "module_id", unique=True),
        Index("uq_training_assignments_user_quiz", "user_id", "quiz_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"), index=True)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("case_reviews.id"), index=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    extra: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    module: Mapped[Module | None] = relationship()
    review: Mapped[CaseReview | None] = relationship()
