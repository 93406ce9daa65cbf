"""Read content/ into a checked, rendered ContentBundle; nothing here touches the database."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coach.content.bundle import ContentBundle, ProgramDef, StepDef
from coach.content.courses import check_links, read_course, render_module
from coach.content.fields import Reader
from coach.content.framework import read_careers, read_competencies, read_reasons, read_stages
from coach.content.images import check_images
from coach.content.problems import Problems
from coach.content.quizfiles import read_quiz
from coach.content.yamlio import LineDict, YamlError, load_yaml
from coach.models import ROLES

Progress = Callable[[str], None]


def _read_yaml(root: Path, name: str, problems: Problems, *, required: bool = True) -> Any:
    path = root / name
    if not path.is_file():
        if required:
            problems.error(name, 1, "file is missing")
        return None
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        problems.error(name, exc.line, exc.message)
    except UnicodeDecodeError:
        problems.error(name, 1, "file is not UTF-8 text")
    return None


def content_hash(root: Path) -> str:
    """One hash over every file under content/: equal hashes mean nothing changed."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_content(root: Path, *, progress: Progress | None = None) -> tuple[ContentBundle, Problems]:
    """Read, check and render everything under `root`; problems say what is wrong and where."""
    problems = Problems()
    bundle = ContentBundle()
    if not root.is_dir():
        problems.error(str(root), 1, "content folder not found")
        return bundle, problems
    bundle.content_hash = content_hash(root)
    step = progress or (lambda _name: None)

    step("competencies.yml")
    data = _read_yaml(root, "competencies.yml", problems)
    if data is not None:
        bundle.categories, bundle.competencies = read_competencies(data, Reader("competencies.yml", problems))
    levels = bundle.competency_levels()
    step("careers.yml")
    data = _read_yaml(root, "careers.yml", problems)
    if data is not None:
        bundle.tracks = read_careers(data, Reader("careers.yml", problems), levels)
    step("sales-process.yml")
    data = _read_yaml(root, "sales-process.yml", problems)
    if data is not None:
        bundle.stages = read_stages(data, Reader("sales-process.yml", problems))
    step("reasons.yml")
    data = _read_yaml(root, "reasons.yml", problems)
    if data is not None:
        bundle.reasons = read_reasons(data, Reader("reasons.yml", problems), set(levels))

    _read_courses(root, bundle, problems, step)
    _read_quizzes(root, bundle, problems, step)
    _read_programs(root, bundle, problems, levels, step)
    if not problems.errors:
        module_paths = {module.path: module.key for module in bundle.modules()}
        for module in bundle.modules():
            step(module.path)
            render_module(module, module_paths)
    return bundle, problems


def _read_courses(root: Path, bundle: ContentBundle, problems: Problems, step: Progress) -> None:
    courses_root = root / "courses"
    if not courses_root.is_dir():
        problems.error("courses", 1, "folder is missing")
        return
    seen_courses: dict[str, str] = {}
    seen_modules: dict[str, str] = {}
    for folder in sorted(p for p in courses_root.iterdir() if p.is_dir()):
        step(folder.relative_to(root).as_posix())
        course = read_course(folder, root, Reader(f"courses/{folder.name}/course.yml", problems), problems)
        if course is None:
            continue
        if course.key in seen_courses:
            problems.error(course.path, 1, f"duplicate course id '{course.key}' (also in {seen_courses[course.key]})")
        seen_courses[course.key] = course.path
        for module in course.modules:
            if module.key in seen_modules:
                problems.error(module.path, 2, f"duplicate module id '{module.key}' (also in {seen_modules[module.key]})")
            seen_modules[module.key] = module.path
        bundle.courses.append(course)
    competencies = {c.key for c in bundle.competencies}
    stages = {s.key for s in bundle.stages}
    module_paths = {module.path: module.key for module in bundle.modules()}
    for module in bundle.modules():
        for competency in module.competencies:
            if competency not in competencies:
                problems.error(module.path, module.competencies_line, f"unknown competency '{competency}'")
        for stage in module.stages:
            if stage not in stages:
                problems.error(module.path, module.stages_line, f"unknown sales stage '{stage}'")
        check_links(module, module_paths, root, problems)
    check_images(root, problems)
    bundle.courses.sort(key=lambda c: (c.position, c.key))


def _read_quizzes(root: Path, bundle: ContentBundle, problems: Problems, step: Progress) -> None:
    folder = root / "quizzes"
    if not folder.is_dir():
        return
    rules = {c.key: {level.level: level.evidence for level in c.levels} for c in bundle.competencies}
    courses = {c.key for c in bundle.courses}
    for path in sorted(folder.glob("*.yml")):
        step(path.relative_to(root).as_posix())
        bundle.quiz_files[path.stem] = path.relative_to(root).as_posix()
        quiz = read_quiz(path, root, problems, rules, courses)
        if quiz is not None:
            bundle.quizzes.append(quiz)


def _read_programs(root: Path, bundle: ContentBundle, problems: Problems, levels: dict[str, set[int]],
                   step: Progress) -> None:
    folder = root / "programs"
    if not folder.is_dir():
        return
    modules = {module.key for module in bundle.modules()}
    seen: dict[str, int] = {}
    for path in sorted(folder.glob("*.yml")):
        relative = path.relative_to(root).as_posix()
        step(relative)
        data = _read_yaml(root, relative, problems)
        r = Reader(relative, problems)
        entry = r.mapping(data, 1, "a program") if data is not None else None
        if entry is None:
            continue
        key = r.ident(entry)
        r.unique(seen, key, entry.line, "program")
        audience = _audience(entry, r)
        steps = [s for s in (_step(item, entry, r, modules, bundle.quiz_files, levels)
                             for item in r.items(entry, "steps")) if s is not None]
        if not steps and entry.get("steps") is not None:
            r.error(entry.line_of("steps"), "a program needs at least one step")
        if key:
            bundle.programs.append(ProgramDef(key, r.text(entry, "title"), r.text(entry, "description", required=False),
                                              audience, steps, relative))


def _audience(entry: LineDict, r: Reader) -> dict[str, Any]:
    raw = entry.get("audience")
    if raw is None:
        return {"new_hires": False, "roles": [], "teams": []}
    audience = r.mapping(raw, entry.line_of("audience"), "'audience'")
    if audience is None:
        return {"new_hires": False, "roles": [], "teams": []}
    roles = [str(x) for x in r.items(audience, "roles", required=False)]
    for role in roles:
        if role not in ROLES:
            r.error(audience.line_of("roles"), f"unknown role '{role}'; use {', '.join(ROLES)}")
    new_hires = audience.get("new_hires", False)
    if not isinstance(new_hires, bool):
        r.error(audience.line_of("new_hires"), "'new_hires' must be true or false")
        new_hires = False
    return {"new_hires": new_hires, "roles": roles,
            "teams": [str(x) for x in r.items(audience, "teams", required=False)]}


def _step(item: Any, entry: LineDict, r: Reader, modules: set[str], quizzes: dict[str, str],
          levels: dict[str, set[int]]) -> StepDef | None:
    step = r.mapping(item, entry.line_of("steps"), "a step")
    if step is None:
        return None
    kinds = [kind for kind in ("module", "quiz", "signoff") if kind in step]
    if len(kinds) != 1:
        r.error(step.line, "a step names exactly one of 'module', 'quiz' or 'signoff'")
        return None
    due_days = r.integer(step, "due_days", minimum=0, maximum=3650) or 0
    kind = kinds[0]
    value = step[kind]
    line = step.line_of(kind)
    if kind == "module":
        if value not in modules:
            r.error(line, f"unknown module '{value}'")
            return None
        return StepDef("module", due_days, module=str(value))
    if kind == "quiz":
        if value not in quizzes:
            r.error(line, f"unknown quiz '{value}' (no quizzes/{value}.yml)")
            return None
        return StepDef("quiz", due_days, quiz=str(value))
    signoff = r.mapping(value, line, "'signoff'")
    if signoff is None:
        return None
    competency, level = signoff.get("competency"), signoff.get("level")
    if competency not in levels:
        r.error(line, f"unknown competency {competency!r}")
        return None
    if level not in levels[competency]:
        r.error(line, f"competency '{competency}' has no level {level!r}")
        return None
    return StepDef("signoff", due_days, competency=str(competency), level=int(level))
