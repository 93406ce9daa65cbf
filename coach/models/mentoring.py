"""Mentorships, sign-off requests, observed practice, coaching notes with action items, notifications."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.extensions import db
from coach.models.accounts import User
from coach.models.base import UTCDateTime, utcnow
from coach.models.content import Competency

SIGNOFF_STATES = ("requested", "approved", "rejected", "withdrawn", "revoked")
OBSERVATION_KINDS = ("role-play", "shadowed-call")


class Mentorship(db.Model):
    """A mentor assigned to a mentee from a start date, with goals; ended ones stay as history."""

    __tablename__ = "mentorships"
    __table_args__ = (
        # A mentee has one current mentor at a time.
        Index("uq_mentorships_one_active", "mentee_id", unique=True,
              sqlite_where=text("active = 1"), postgresql_where=text("active")),
        Index("ix_mentorships_mentor_active", "mentor_id", "active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(Text, default="")
    goals_html: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    notes: Mapped[list[CoachingNote]] = relationship(back_populates="mentorship",
                                                     order_by="CoachingNote.held_on.desc()")
    action_items: Mapped[list[ActionItem]] = relationship(back_populates="mentorship", order_by="ActionItem.due_date")


class SignoffRequest(db.Model):
    """A mentee asks their mentor to sign off competency X at level N, with evidence."""

    __tablename__ = "signoff_requests"
    __table_args__ = (Index("ix_signoff_requests_mentor_status", "mentor_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    evidence_text: Mapped[str] = mapped_column(Text, default="")
    evidence_html: Mapped[str] = mapped_column(Text, default="")
    # Ids of completed modules, quiz attempts and observations the mentee points to.
    links: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rubric_scores: Mapped[list[int]] = mapped_column(JSON, default=list)
    decision_notes: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("competency_evidence.id"), index=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    competency: Mapped[Competency] = relationship()


class Observation(db.Model):
    """Observed practice: a role-play or a shadowed customer call, scored against a level's rubric."""

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    observed_on: Mapped[date] = mapped_column(Date)
    scenario: Mapped[str] = mapped_column(Text, default="")
    rubric_scores: Mapped[list[int]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    competency: Mapped[Competency] = relationship()


class CoachingNote(db.Model):
    """Notes of a 1:1, visible to the mentor, the mentee and the mentee's manager only."""

    __tablename__ = "coaching_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


class ActionItem(db.Model):
    """Something to do by a date: from a 1:1 (mentorship), a case review or a case-review meeting."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_owner_open", "owner_id", "done_at", "due_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentorship_id: Mapped[int | None] = mapped_column(ForeignKey("mentorships.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("case_reviews.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("review_meetings.id"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_notes.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_on: Mapped[date | None] = mapped_column(Date)

    mentorship: Mapped[Mentorship | None] = relationship(back_populates="action_items")
    owner: Mapped[User] = relationship()

    @property
    def link(self) -> str:
        """Where the item lives, for reminders."""
        if self.review_id:
            return f"/reviews/{self.review_id}"
        if self.meeting_id:
            return f"/reviews/meetings/{self.meeting_id}"
        return f"/mentoring/mentorships/{self.mentorship_id}"


class Notification(db.Model):
    """An in-app notification; its text is written in the reader's language when shown (kind + params)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class DigestLog(db.Model):
    """One row per person and day an e-mail digest went out: the guard against sending twice."""

    __tablename__ = "digest_logs"
    __table_args__ = (UniqueConstraint("user_id", "sent_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    notifications: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
