"""What `flask content sync` loads from content/: framework, careers, process, reasons, courses, programs."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.extensions import db
from coach.models.base import UTCDateTime, utcnow

CATEGORIES = ("product", "industry", "selling", "negotiation", "service", "policy")
EVIDENCE_RULES = ("quiz", "signoff", "both", "either")


def pick(en: str, zh: str | None, language: str) -> str:
    """The text in the reader's language, falling back to English."""
    return zh if language == "zh" and zh else en


class Translated:
    """Mixin for rows with `<field>_en` / `<field>_zh` pairs: `row.t("title", "zh")`."""

    def t(self, field: str, language: str) -> str:
        """The field in `language`, falling back to English."""
        return pick(getattr(self, f"{field}_en"), getattr(self, f"{field}_zh", None), language)


class CompetencyCategory(Translated, db.Model):
    """One of the six competency categories."""

    __tablename__ = "competency_categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120), default="")


class Competency(Translated, db.Model):
    """A competency of the framework, with levels 1–4."""

    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    valid_days: Mapped[int | None] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    category: Mapped[CompetencyCategory] = relationship()
    levels: Mapped[list[CompetencyLevel]] = relationship(
        back_populates="competency", order_by="CompetencyLevel.level", cascade="all, delete-orphan"
    )


class CompetencyLevel(db.Model):
    """What level N of a competency looks like, and which evidence proves it."""

    __tablename__ = "competency_levels"
    __table_args__ = (UniqueConstraint("competency_id", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(String(16))
    # [{"en": "...", "zh": "..."}, ...] — the observable behaviours, scored as a rubric at sign-off.
    behaviours: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)

    competency: Mapped[Competency] = relationship(back_populates="levels")


class CareerTrack(Translated, db.Model):
    """A career track: management or expert."""

    __tablename__ = "career_tracks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    after_level_key: Mapped[str | None] = mapped_column(String(64))

    levels: Mapped[list[CareerLevel]] = relationship(back_populates="track", order_by="CareerLevel.position")


class CareerLevel(Translated, db.Model):
    """A level of a career track and the competency levels it requires."""

    __tablename__ = "career_levels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("career_tracks.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")

    track: Mapped[CareerTrack] = relationship(back_populates="levels")
    requirements: Mapped[list[CareerRequirement]] = relationship(
        back_populates="career_level", cascade="all, delete-orphan"
    )


class CareerRequirement(db.Model):
    """Career level X requires competency Y at level N."""

    __tablename__ = "career_requirements"
    __table_args__ = (UniqueConstraint("career_level_id", "competency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    career_level_id: Mapped[int] = mapped_column(ForeignKey("career_levels.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)

    career_level: Mapped[CareerLevel] = relationship(back_populates="requirements")
    competency: Mapped[Competency] = relationship()


class SalesStage(Translated, db.Model):
    """A stage of the sales process; `details` holds its lists (key actions, outputs, exit criteria)."""

    __tablename__ = "sales_stages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


reason_competencies = Table(
    "reason_competencies",
    db.metadata,
    Column("reason_id", ForeignKey("reasons.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Reason(Translated, db.Model):
    """A win/loss reason of the taxonomy, mapped to the competencies that address it."""

    __tablename__ = "reasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    applies_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")

    competencies: Mapped[list[Competency]] = relationship(secondary=reason_competencies)


class Course(Translated, db.Model):
    """A course: an ordered set of modules in one category."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("competency_categories.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_en: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    category: Mapped[CompetencyCategory] = relationship()
    modules: Mapped[list[Module]] = relationship(back_populates="course", order_by="Module.position")


module_competencies = Table(
    "module_competencies",
    db.metadata,
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True),
)

module_stages = Table(
    "module_stages",
    db.metadata,
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column("stage_id", ForeignKey("sales_stages.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Module(Translated, db.Model):
    """A Markdown training module, stored rendered (HTML) in English and Chinese."""

    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    source_path: Mapped[str] = mapped_column(String(500))
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    title_en: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    html_en: Mapped[str] = mapped_column(Text, default="")
    html_zh: Mapped[str] = mapped_column(Text, default="")
    toc_en: Mapped[str] = mapped_column(Text, default="")
    toc_zh: Mapped[str] = mapped_column(Text, default="")
    # Hash of the source texts; `version` goes up whenever the text changes.
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    course: Mapped[Course] = relationship(back_populates="modules")
    competencies: Mapped[list[Competency]] = relationship(secondary=module_competencies)
    stages: Mapped[list[SalesStage]] = relationship(secondary=module_stages)


class SearchDocument(db.Model):
    """A module's searchable text in one language, tokenised for CJK (see coach/content/search.py)."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("module_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    tokens: Mapped[str] = mapped_column(Text)
    plain: Mapped[str] = mapped_column(Text)


class Program(Translated, db.Model):
    """An onboarding or development program: ordered steps with due offsets."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title_en: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    # {"new_hires": bool, "roles": [...], "teams": [...]} — who gets it automatically.
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    steps: Mapped[list[ProgramStep]] = relationship(
        back_populates="program", order_by="ProgramStep.position", cascade="all, delete-orphan"
    )


class ProgramStep(db.Model):
    """One step of a program: read a module, pass a quiz, or get a sign-off."""

    __tablename__ = "program_steps"
    __table_args__ = (UniqueConstraint("program_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"), index=True)
    quiz_key: Mapped[str | None] = mapped_column(String(64), index=True)
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    due_days: Mapped[int] = mapped_column(Integer, default=0)

    program: Mapped[Program] = relationship(back_populates="steps")
    module: Mapped[Module | None] = relationship()
    competency: Mapped[Competency | None] = relationship()


class ContentSync(db.Model):
    """A sync that changed something: when, by whom, which content version, with which warnings."""

    __tablename__ = "content_syncs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
