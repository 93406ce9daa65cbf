"""A person's learning: program assignments, module progress and competency evidence."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.extensions import db
from coach.models.accounts import User
from coach.models.base import UTCDateTime, utcnow
from coach.models.content import Competency, Module, Program

EVIDENCE_KINDS = ("quiz", "signoff")


class ProgramAssignment(db.Model):
    """A program assigned to a person from a start date; step due dates count from it."""

    __tablename__ = "program_assignments"
    __table_args__ = (UniqueConstraint("user_id", "program_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Why it was assigned, shown to the learner: "new hire", "team", a case review, ...
    source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
    program: Mapped[Program] = relationship()


class ModuleProgress(db.Model):
    """How far a person got with a module: where they stopped, and which version they completed."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    last_section: Mapped[str] = mapped_column(String(200), default="")
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_version: Mapped[int | None] = mapped_column(Integer)

    module: Mapped[Module] = relationship()


class CompetencyEvidence(db.Model):
    """One piece of evidence that a person holds a competency at a level (a quiz pass, a sign-off)."""

    __tablename__ = "competency_evidence"
    # Dashboards group a team's evidence by person, competency and kind.
    __table_args__ = (Index("ix_competency_evidence_user_competency", "user_id", "competency_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    # What produced it, "quiz:<quiz key>:<attempt id>" or "signoff:<request id>", so pages can link to it.
    source: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    competency: Mapped[Competency] = relationship()
