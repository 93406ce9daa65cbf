"""The content of content/, read and checked, before anything touches the database."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Text:
    """A text in English, with its Chinese translation when there is one."""

    en: str
    zh: str = ""


@dataclass
class CategoryDef:
    """A competency category."""

    key: str
    position: int
    name: Text


@dataclass
class LevelDef:
    """A competency level: which evidence proves it, and the behaviours a mentor scores."""

    level: int
    evidence: str
    behaviours: list[Text]


@dataclass
class CompetencyDef:
    """A competency of the framework."""

    key: str
    category: str
    position: int
    name: Text
    description: Text
    valid_days: int | None
    levels: list[LevelDef]


@dataclass
class CareerLevelDef:
    """A level of a career track."""

    key: str
    position: int
    name: Text
    requires: dict[str, int]


@dataclass
class TrackDef:
    """A career track."""

    key: str
    position: int
    name: Text
    after: str | None
    levels: list[CareerLevelDef]


@dataclass
class StageDef:
    """A stage of the sales process; details holds purpose and lists per language."""

    key: str
    position: int
    name: Text
    details: dict[str, Any]


@dataclass
class ReasonDef:
    """A win/loss reason."""

    key: str
    position: int
    applies_to: list[str]
    name: Text
    description: Text
    competencies: list[str]


@dataclass
class ModuleDef:
    """A module: its sources, and (after rendering) its HTML per language."""

    key: str
    course: str
    position: int
    path: str
    minutes: int
    title: Text
    competencies: list[str]
    stages: list[str]
    source_en: str
    source_zh: str = ""
    zh_path: str = ""
    content_hash: str = ""
    # Where things sit in the files, for `path:line:` reports.
    body_line_en: int = 1
    body_line_zh: int = 1
    competencies_line: int = 1
    stages_line: int = 1
    html: dict[str, str] = field(default_factory=dict)
    toc: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)


@dataclass
class CourseDef:
    """A course and its modules in order."""

    key: str
    category: str
    position: int
    title: Text
    summary: Text
    path: str
    modules: list[ModuleDef] = field(default_factory=list)


@dataclass
class StepDef:
    """A program step."""

    kind: str
    due_days: int
    module: str | None = None
    quiz: str | None = None
    competency: str | None = None
    level: int | None = None


@dataclass
class ProgramDef:
    """A program."""

    key: str
    title: Text
    description: Text
    audience: dict[str, Any]
    steps: list[StepDef]
    path: str


@dataclass
class ContentBundle:
    """Everything read from content/, checked and rendered, ready to sync."""

    categories: list[CategoryDef] = field(default_factory=list)
    competencies: list[CompetencyDef] = field(default_factory=list)
    tracks: list[TrackDef] = field(default_factory=list)
    stages: list[StageDef] = field(default_factory=list)
    reasons: list[ReasonDef] = field(default_factory=list)
    courses: list[CourseDef] = field(default_factory=list)
    programs: list[ProgramDef] = field(default_factory=list)
    quiz_files: dict[str, str] = field(default_factory=dict)
    quizzes: list[Any] = field(default_factory=list)  # QuizDef (coach/content/quizfiles.py)
    content_hash: str = ""

    def competency_levels(self) -> dict[str, set[int]]:
        """Competency key → the levels it defines."""
        return {c.key: {lvl.level for lvl in c.levels} for c in self.competencies}

    def modules(self) -> list[ModuleDef]:
        """Every module of every course."""
        return [module for course in self.courses for module in course.modules]
