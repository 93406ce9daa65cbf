"""Reading modules, progress through courses, and searching content."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from coach.content.search import fts5_query, query_terms, tsquery
from coach.database import insert_or_find
from coach.errors import NotFound
from coach.learning.programs import refresh_completion
from coach.models import (
    CompetencyCategory,
    Course,
    Module,
    ModuleProgress,
    SearchDocument,
    User,
    module_competencies,
    utcnow,
)


@dataclass
class CourseCard:
    """A course in the catalogue with the reader's progress."""

    course: Course
    modules: int
    minutes: int
    done: int

    @property
    def percent(self) -> int:
        """Share of modules done, in percent."""
        return round(100 * self.done / self.modules) if self.modules else 0


@dataclass
class CategoryShelf:
    """A category and its courses."""

    category: CompetencyCategory
    courses: list[CourseCard] = field(default_factory=list)


def catalogue(session: Session, *, user: User) -> list[CategoryShelf]:
    """Courses by category with the user's progress; three queries whatever the size."""
    courses = list(session.scalars(
        select(Course).where(Course.retired.is_(False)).options(joinedload(Course.category))
        .order_by(Course.position, Course.key)))
    totals = {row.course_id: (row.n, row.minutes or 0) for row in session.execute(
        select(Module.course_id, func.count(Module.id).label("n"), func.sum(Module.minutes).label("minutes"))
        .where(Module.retired.is_(False)).group_by(Module.course_id))}
    done = dict(session.execute(
        select(Module.course_id, func.count(ModuleProgress.id))
        .join(ModuleProgress, and_(ModuleProgress.module_id == Module.id, ModuleProgress.user_id == user.id))
        .where(Module.retired.is_(False), ModuleProgress.completed_at.is_not(None)).group_by(Module.course_id)).all())
    shelves: dict[int, CategoryShelf] = {}
    for course in courses:
        shelf = shelves.setdefault(course.category_id, CategoryShelf(course.category))
        modules, minutes = totals.get(course.id, (0, 0))
        shelf.courses.append(CourseCard(course, modules, minutes, done.get(course.id, 0)))
    return sorted(shelves.values(), key=lambda s: s.category.position)


def get_course(session: Session, key: str) -> Course:
    """A live course by key, or NotFound."""
    course = session.scalar(select(Course).where(Course.key == key, Course.retired.is_(False))
                            .options(joinedload(Course.category)))
    if course is None:
        raise NotFound(_("No such course."))
    return course


def course_modules(session: Session, course: Course) -> list[Module]:
    """The course's live modules in order (without their bodies)."""
    return list(session.scalars(
        select(Module).where(Module.course_id == course.id, Module.retired.is_(False)).order_by(Module.position)
        .options(*_light())))


def _light() -> list[Any]:
    """Skip the HTML columns when only titles and numbers are shown."""
    return [defer(Module.html_en), defer(Module.html_zh), defer(Module.toc_en), defer(Module.toc_zh)]


def progress_for(session: Session, *, user: User, module_ids: list[int]) -> dict[int, ModuleProgress]:
    """The user's progress rows for these modules, by module id."""
    if not module_ids:
        return {}
    rows = session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == user.id,
                                                        ModuleProgress.module_id.in_(module_ids)))
    return {row.module_id: row for row in rows}


@dataclass
class ModulePage:
    """Everything the module page shows."""

    module: Module
    previous: Module | None
    next: Module | None
    progress: ModuleProgress | None

    @property
    def updated_since_completed(self) -> bool:
        """Whether the text changed after the reader marked it done."""
        p = self.progress
        return bool(p and p.completed_at and (p.completed_version or 0) < self.module.version)


def module_page(session: Session, *, user: User, key: str) -> ModulePage:
    """Load a module with its course, competencies, neighbours and the reader's progress: four queries."""
    module = session.scalar(select(Module).where(Module.key == key, Module.retired.is_(False))
                            .options(joinedload(Module.course), selectinload(Module.competencies)))
    if module is None:
        raise NotFound(_("No such module."))
    siblings = list(session.execute(
        select(Module.id, Module.key, Module.title_en, Module.title_zh, Module.position)
        .where(Module.course_id == module.course_id, Module.retired.is_(False)).order_by(Module.position)).all())
    index = next(i for i, row in enumerate(siblings) if row.id == module.id)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    progress = session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user.id,
                                                           ModuleProgress.module_id == module.id))
    return ModulePage(module, previous, following, progress)  # type: ignore[arg-type]


def _progress_row(session: Session, *, user: User, module: Module) -> ModuleProgress:
    def find() -> ModuleProgress | None:
        return session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user.id,
                                                           ModuleProgress.module_id == module.id))

    row = find()
    if row is None:  # the first visit; two tabs at once still make one row
        row, _inserted = insert_or_find(session, ModuleProgress(user_id=user.id, module_id=module.id), find)
    return row


def get_module(session: Session, key: str) -> Module:
    """A live module by key, or NotFound."""
    module = session.scalar(select(Module).where(Module.key == key, Module.retired.is_(False)).options(*_light()))
    if module is None:
        raise NotFound(_("No such module."))
    return module


def mark_done(session: Session, *, user: User, key: str) -> ModuleProgress:
    """Mark a module done at its current version (again, after an update: it is idempotent)."""
    module = get_module(session, key)
    row = _progress_row(session, user=user, module=module)
    now = utcnow()
    row.completed_at = row.completed_at if row.completed_version == module.version else now
    row.completed_version = module.version
    row.last_viewed_at = now
    session.flush()
    refresh_completion(session, user_id=user.id)
    return row


def record_position(session: Session, *, user: User, key: str, section: str) -> ModuleProgress:
    """Remember the section the reader reached, to resume there."""
    module = get_module(session, key)
    row = _progress_row(session, user=user, module=module)
    row.last_section = section[:200]
    row.last_viewed_at = utcnow()
    session.flush()
    return row


def resume_point(session: Session, *, user: User) -> tuple[Module, str] | None:
    """The module the user read last and had not finished, with the section they reached."""
    row = session.execute(
        select(ModuleProgress, Module).join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_(None),
               ModuleProgress.last_viewed_at.is_not(None), Module.retired.is_(False))
        .order_by(ModuleProgress.last_viewed_at.desc()).limit(1).options(*_light())).first()
    return (row[1], row[0].last_section) if row else None


@dataclass
class SearchHit:
    """A module that matches a search, with a snippet in the matching language."""

    module: Module
    language: str
    title: str
    snippet: str


def search_modules(session: Session, *, query: str, limit: int = 30) -> list[SearchHit]:
    """Full-text search over modules in English and Chinese (FTS5 on SQLite, tsvector on PostgreSQL)."""
    terms = query_terms(query)
    if not terms:
        return []
    short_cjk = any(kind == "phrase" and len(tokens) == 1 and len(tokens[0]) == 1 for kind, tokens in terms)
    if short_cjk:
        rows = session.execute(select(SearchDocument.id).where(SearchDocument.plain.contains(query.strip()))
                               .limit(limit)).scalars().all()
    elif session.get_bind().dialect.name == "sqlite":
        rows = session.execute(text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q ORDER BY rank LIMIT :n"),
                               {"q": fts5_query(terms), "n": limit}).scalars().all()
    else:
        vector = func.to_tsvector("simple", SearchDocument.tokens)
        query_value = func.to_tsquery("simple", tsquery(terms))
        rows = session.execute(select(SearchDocument.id).where(vector.op("@@")(query_value))
                               .order_by(func.ts_rank(vector, query_value).desc()).limit(limit)).scalars().all()
    if not rows:
        return []
    documents = {d.id: d for d in session.scalars(select(SearchDocument).where(SearchDocument.id.in_(rows)))}
    modules = {m.id: m for m in session.scalars(
        select(Module).where(Module.id.in_({d.module_id for d in documents.values()}), Module.retired.is_(False))
        .options(joinedload(Module.course), *_light()))}
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for doc_id in rows:
        doc = documents[doc_id]
        if doc.module_id in seen or doc.module_id not in modules:
            continue
        seen.add(doc.module_id)
        hits.append(SearchHit(modules[doc.module_id], doc.language, doc.title, _snippet(doc.plain, terms)))
    return hits


def _snippet(plain: str, terms: list[tuple[str, list[str]]], width: int = 160) -> str:
    lowered = plain.lower()
    positions = []
    for kind, tokens in terms:
        needle = tokens[0] if kind == "word" else "".join(t[0] for t in tokens) + tokens[-1][1:]
        found = lowered.find(needle)
        if found >= 0:
            positions.append(found)
    start = max(0, min(positions) - width // 3) if positions else 0
    snippet = plain[start:start + width].strip()
    return ("… " if start else "") + snippet + (" …" if start + width < len(plain) else "")


def modules_by_competency(session: Session, competency_ids: list[int]) -> dict[int, list[Module]]:
    """Live modules that train each competency, for proposals and the framework page."""
    result: dict[int, list[Module]] = defaultdict(list)
    if not competency_ids:
        return result
    rows = session.execute(select(module_competencies.c.competency_id, Module).join(
        Module, Module.id == module_competencies.c.module_id).where(
        module_competencies.c.competency_id.in_(competency_ids), Module.retired.is_(False)).options(*_light()))
    for competency_id, module in rows:
        result[competency_id].append(module)
    return result
