"""Apply a checked ContentBundle to the database in one transaction; unchanged content is a no-op."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete, event, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction, scoped_session

from coach.content.bundle import ContentBundle, ModuleDef, Text
from coach.content.loader import load_content
from coach.content.problems import Problems
from coach.content.search import index_tokens
from coach.models import (
    CareerLevel,
    CareerRequirement,
    CareerTrack,
    Competency,
    CompetencyCategory,
    CompetencyLevel,
    ContentSync,
    Course,
    Module,
    Program,
    ProgramStep,
    Quiz,
    QuizQuestion,
    Reason,
    SalesStage,
    SearchDocument,
    User,
    utcnow,
)

M = TypeVar("M")


@dataclass
class SyncResult:
    """What a sync did: `changed` is False when the content was already in the database."""

    changed: bool
    content_hash: str
    counts: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def last_sync(session: Session) -> ContentSync | None:
    """The most recent sync that changed something."""
    return session.scalar(select(ContentSync).order_by(ContentSync.id.desc()).limit(1))


def _translated(prefix: str, value: Text) -> dict[str, str]:
    return {f"{prefix}_en": value.en, f"{prefix}_zh": value.zh}


class _Upserter:
    """Create or update rows by their stable key, counting what changed."""

    def __init__(self, session: Session, counts: Counter[str]) -> None:
        self.session = session
        self.counts = counts

    def rows(self, model: type[M]) -> dict[str, M]:
        """Existing rows of `model` by key."""
        return {row.key: row for row in self.session.scalars(select(model))}  # type: ignore[attr-defined]

    def put(self, existing: dict[str, M], model: type[M], key: str, values: dict[str, Any], label: str) -> M:
        """Insert or update one row; counts 'label created' / 'label updated'."""
        row = existing.get(key)
        if row is None:
            row = model(key=key, **values)  # type: ignore[call-arg]
            self.session.add(row)
            existing[key] = row
            self.counts[f"{label} created"] += 1
            return row
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            self.counts[f"{label} updated"] += 1
        return row


def sync_content(session: Session, bundle: ContentBundle, problems: Problems, *,
                 actor: User | None = None) -> SyncResult:
    """Write the bundle to the database (the caller commits once). Refuses a bundle with errors."""
    if problems.errors:
        raise ValueError("content with errors cannot be synced")
    warnings = [str(p) for p in problems.warnings]
    previous = last_sync(session)
    if previous is not None and previous.content_hash == bundle.content_hash:
        return SyncResult(changed=False, content_hash=bundle.content_hash, warnings=warnings)
    counts: Counter[str] = Counter()
    up = _Upserter(session, counts)

    categories = up.rows(CompetencyCategory)
    for category in bundle.categories:
        up.put(categories, CompetencyCategory, category.key,
               {"position": category.position, **_translated("name", category.name)}, "categories")
    session.flush()
    competencies = _sync_competencies(up, bundle, categories)
    _sync_careers(up, bundle, competencies)
    stages = up.rows(SalesStage)
    for stage in bundle.stages:
        up.put(stages, SalesStage, stage.key, {"position": stage.position, **_translated("name", stage.name),
                                                "details": stage.details}, "sales stages")
    reasons = up.rows(Reason)
    for reason in bundle.reasons:
        row = up.put(reasons, Reason, reason.key, {
            "position": reason.position, "applies_to": reason.applies_to, **_translated("name", reason.name),
            **_translated("description", reason.description)}, "reasons")
        row.competencies = [competencies[key] for key in reason.competencies]
    session.flush()
    modules = _sync_courses(up, bundle, categories, competencies, stages)
    _sync_programs(up, bundle, modules, competencies)
    _sync_quizzes(up, bundle, competencies)
    session.add(ContentSync(actor_id=actor.id if actor else None, content_hash=bundle.content_hash,
                            summary=dict(counts), warnings=warnings))
    session.flush()
    return SyncResult(changed=True, content_hash=bundle.content_hash, counts=counts, warnings=warnings)


def _sync_competencies(up: _Upserter, bundle: ContentBundle,
                       categories: dict[str, CompetencyCategory]) -> dict[str, Competency]:
    competencies = up.rows(Competency)
    for definition in bundle.competencies:
        row = up.put(competencies, Competency, definition.key, {
            "category": categories[definition.category], "position": definition.position,
            **_translated("name", definition.name), **_translated("description", definition.description),
            "valid_days": definition.valid_days, "retired": False}, "competencies")
        by_level = {level.level: level for level in row.levels}
        for level in definition.levels:
            behaviours = [{"en": b.en, "zh": b.zh} for b in level.behaviours]
            existing = by_level.get(level.level)
            if existing is None:
                row.levels.append(CompetencyLevel(level=level.level, evidence=level.evidence, behaviours=behaviours))
            elif (existing.evidence, existing.behaviours) != (level.evidence, behaviours):
                existing.evidence, existing.behaviours = level.evidence, behaviours
                up.counts["competency levels updated"] += 1
    wanted = {c.key for c in bundle.competencies}
    for key, row in competencies.items():
        if key not in wanted and not row.retired:
            row.retired = True  # evidence and history still point at it
            up.counts["competencies retired"] += 1
    up.session.flush()
    return competencies


def _sync_careers(up: _Upserter, bundle: ContentBundle, competencies: dict[str, Competency]) -> None:
    tracks = up.rows(CareerTrack)
    levels = up.rows(CareerLevel)
    for track in bundle.tracks:
        track_row = up.put(tracks, CareerTrack, track.key, {"position": track.position, "after_level_key": track.after,
                                                            **_translated("name", track.name)}, "career tracks")
        up.session.flush()
        for level in track.levels:
            row = up.put(levels, CareerLevel, level.key, {"track_id": track_row.id, "position": level.position,
                                                          **_translated("name", level.name)}, "career levels")
            current = {(r.competency.key, r.level) for r in row.requirements} if row.id else set()
            if current != set(level.requires.items()):
                row.requirements = [CareerRequirement(competency=competencies[key], level=value)
                                    for key, value in level.requires.items()]


def _sync_courses(up: _Upserter, bundle: ContentBundle, categories: dict[str, CompetencyCategory],
                  competencies: dict[str, Competency], stages: dict[str, SalesStage]) -> dict[str, Module]:
    courses = up.rows(Course)
    modules = up.rows(Module)
    for course in bundle.courses:
        course_row = up.put(courses, Course, course.key, {
            "category": categories[course.category], "position": course.position, **_translated("title", course.title),
            **_translated("summary", course.summary), "retired": False}, "courses")
        up.session.flush()
        for module in course.modules:
            _sync_module(up, modules, course_row, module, competencies, stages)
    wanted_courses = {c.key for c in bundle.courses}
    wanted_modules = {m.key for m in bundle.modules()}
    for key, row in courses.items():
        if key not in wanted_courses and not row.retired:
            row.retired = True
            up.counts["courses retired"] += 1
    for key, row in modules.items():
        if key not in wanted_modules and not row.retired:
            row.retired = True  # learners' progress on it is kept
            up.counts["modules retired"] += 1
            up.session.execute(delete(SearchDocument).where(SearchDocument.module_id == row.id))
    up.session.flush()
    _rebuild_fts(up.session)
    return modules


def _sync_module(up: _Upserter, modules: dict[str, Module], course: Course, module: ModuleDef,
                 competencies: dict[str, Competency], stages: dict[str, SalesStage]) -> None:
    row = modules.get(module.key)
    placement = {"course_id": course.id, "position": module.position, "source_path": module.path, "retired": False}
    if row is not None and row.content_hash == module.content_hash:
        up.put(modules, Module, module.key, placement, "modules")  # a move or rename keeps progress
        return
    values = {
        **placement, "minutes": module.minutes, **_translated("title", module.title),
        "html_en": module.html.get("en", ""), "html_zh": module.html.get("zh", ""),
        "toc_en": module.toc.get("en", ""), "toc_zh": module.toc.get("zh", ""), "content_hash": module.content_hash,
    }
    if row is not None:
        values.update(version=row.version + 1, updated_at=utcnow())
    row = up.put(modules, Module, module.key, values, "modules")
    row.competencies = [competencies[key] for key in module.competencies]
    row.stages = [stages[key] for key in module.stages]
    up.session.flush()
    up.session.execute(delete(SearchDocument).where(SearchDocument.module_id == row.id))
    for language in ("en", "zh"):
        if language in module.text:
            title = module.title.zh if language == "zh" and module.title.zh else module.title.en
            up.session.add(SearchDocument(module_id=row.id, language=language, title=title,
                                          tokens=index_tokens(f"{title} {module.text[language]}"),
                                          plain=module.text[language]))


def _rebuild_fts(session: Session) -> None:
    """Refill SQLite's FTS5 index from search_documents (PostgreSQL indexes the table itself)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    session.flush()
    session.execute(text("DELETE FROM search_fts"))
    session.execute(text("INSERT INTO search_fts (rowid, tokens) SELECT id, tokens FROM search_documents"))


def _sync_quizzes(up: _Upserter, bundle: ContentBundle, competencies: dict[str, Competency]) -> None:
    quizzes = up.rows(Quiz)
    courses = up.rows(Course)
    for definition in bundle.quizzes:
        existing = quizzes.get(definition.key)
        if existing is not None and existing.content_hash == definition.content_hash and not existing.retired:
            continue
        quiz = up.put(quizzes, Quiz, definition.key, {
            **_translated("title", definition.title), "course": courses.get(definition.course or ""),
            **definition.settings, "competency": competencies.get(definition.competency or ""),
            "level": definition.level, "content_hash": definition.content_hash, "retired": False}, "quizzes")
        up.session.flush()
        current = {q.key: q for q in up.session.scalars(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id))}
        for position, question in enumerate(definition.questions):
            data = {"en": question["en"], "zh": question["zh"]}
            row = current.pop(question["key"], None)
            if row is None:
                up.session.add(QuizQuestion(quiz_id=quiz.id, key=question["key"], position=position,
                                            type=question["type"], data=data))
                up.counts["questions created"] += 1
            elif (row.position, row.type, row.data, row.retired) != (position, question["type"], data, False):
                row.position, row.type, row.data, row.retired = position, question["type"], data, False
                up.counts["questions updated"] += 1
        for row in current.values():
            if not row.retired:
                row.retired = True  # past attempts keep their own snapshot of it
                up.counts["questions retired"] += 1
    wanted = {q.key for q in bundle.quizzes}
    for key, row in quizzes.items():
        if key not in wanted and not row.retired:
            row.retired = True
            up.counts["quizzes retired"] += 1


def _sync_programs(up: _Upserter, bundle: ContentBundle, modules: dict[str, Module],
                   competencies: dict[str, Competency]) -> None:
    programs = up.rows(Program)
    for program in bundle.programs:
        row = up.put(programs, Program, program.key, {
            **_translated("title", program.title), **_translated("description", program.description),
            "audience": program.audience, "retired": False}, "programs")
        wanted = [(s.kind, s.module, s.quiz, s.competency, s.level, s.due_days) for s in program.steps]
        current = [(s.kind, s.module.key if s.module else None, s.quiz_key,
                    s.competency.key if s.competency else None, s.level, s.due_days) for s in row.steps]
        if wanted != current:
            row.steps.clear()
            up.session.flush()
            row.steps.extend(
                ProgramStep(position=i, kind=s.kind, module=modules[s.module] if s.module else None, quiz_key=s.quiz,
                            competency=competencies[s.competency] if s.competency else None, level=s.level,
                            due_days=s.due_days)
                for i, s in enumerate(program.steps))
            up.counts["program steps replaced"] += 1
    for key, row in programs.items():
        if key not in {p.key for p in bundle.programs} and not row.retired:
            row.retired = True
            up.counts["programs retired"] += 1


class ContentTooLong(Exception):
    """A value from the content folder is longer than its column holds."""

    def __init__(self, obj: Any, attribute: str, limit: int, length: int) -> None:
        self.path = getattr(obj, "source_path", None) or f"{type(obj).__name__} '{getattr(obj, 'key', '?')}'"
        super().__init__(f"'{attribute}' is {length} characters long; at most {limit} fit")


def _refuse_overlong_values(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    """Before each flush of a sync: PostgreSQL would refuse an over-long value, SQLite would keep it."""
    for obj in (*session.new, *session.dirty):
        for attribute in inspect(obj).mapper.column_attrs:
            limit = getattr(attribute.columns[0].type, "length", None)
            value = getattr(obj, attribute.key, None)
            if limit and isinstance(value, str) and len(value) > limit:
                raise ContentTooLong(obj, attribute.key, limit, len(value))


def sync_folder(session: Session, root: Path, *, actor: User | None = None, check_only: bool = False,
                progress: Callable[[str], None] | None = None) -> tuple[Problems, SyncResult | None]:
    """Read and check `root`; unless `check_only` or there are errors, apply it (the caller commits).

    The changes are made in a savepoint: a value too long for its column is reported as a problem and
    nothing of the sync stays behind.
    """
    bundle, problems = load_content(root, progress=progress)
    if problems.errors or check_only:
        return problems, None
    target = session() if isinstance(session, scoped_session) else session
    event.listen(target, "before_flush", _refuse_overlong_values)
    try:
        with session.begin_nested():
            result = sync_content(session, bundle, problems, actor=actor)
    except ContentTooLong as exc:
        problems.error(exc.path, 1, str(exc))
        return problems, None
    finally:
        event.remove(target, "before_flush", _refuse_overlong_values)
    return problems, result


def count_content_files(root: Path) -> int:
    """How many steps a progress bar for `load_content(root)` will see."""
    if not root.is_dir():
        return 0
    modules = sum(1 for _ in root.glob("courses/*/[0-9][0-9]-*.md") if not _.name.endswith(".zh.md"))
    return (4 + sum(1 for _ in root.glob("courses/*/")) + sum(1 for _ in root.glob("programs/*.yml"))
            + sum(1 for _ in root.glob("quizzes/*.yml")) + modules)
