"""courses/<slug>/course.yml and its Markdown modules, with their links and images checked."""
from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from coach.content.bundle import CourseDef, ModuleDef, Text
from coach.content.fields import Reader
from coach.content.problems import Problems
from coach.content.images import IMAGE_SUFFIXES
from coach.content.render import CONTENT_FILE_URL, MODULE_URL, render_markdown, resolve_relative
from coach.content.yamlio import LineDict, YamlError, load_yaml
from coach.models import CATEGORIES

MODULE_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)(\.zh)?\.md$")
INLINE_LINK = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)


def split_front_matter(text: str, path: str, problems: Problems) -> tuple[LineDict | None, str, int]:
    """Separate YAML front matter from the Markdown body; returns (front matter, body, body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.error(path, 1, "a module must start with YAML front matter between '---' lines")
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            try:
                data = load_yaml("".join(lines[1:index]), first_line=2)
            except YamlError as exc:
                problems.error(path, exc.line, exc.message)
                return None, "".join(lines[index + 1:]), index + 2
            if not isinstance(data, LineDict):
                problems.error(path, 2, "front matter must be a mapping of keys to values")
                return None, "".join(lines[index + 1:]), index + 2
            return data, "".join(lines[index + 1:]), index + 2
    problems.error(path, 1, "front matter is not closed by a '---' line")
    return None, text, 1


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def read_course(folder: Path, root: Path, r: Reader, problems: Problems) -> CourseDef | None:
    """One course folder: course.yml plus its modules (not yet cross-checked or rendered)."""
    course_path = f"{folder.relative_to(root).as_posix()}/course.yml"
    try:
        data = load_yaml((folder / "course.yml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.error(folder.relative_to(root).as_posix(), 1, "a course folder needs a course.yml")
        return None
    except YamlError as exc:
        problems.error(course_path, exc.line, exc.message)
        return None
    cr = Reader(course_path, problems)
    entry = cr.mapping(data, 1, "course.yml")
    if entry is None:
        return None
    key = cr.ident(entry)
    category = entry.get("category")
    if category not in CATEGORIES:
        cr.error(entry.line_of("category"), f"unknown category {category!r}; use {', '.join(CATEGORIES)}")
    position = cr.integer(entry, "order", required=False, default=0) or 0
    course = CourseDef(key or "", str(category), position, cr.text(entry, "title"),
                       cr.text(entry, "summary", required=False), course_path)
    originals: dict[str, ModuleDef] = {}
    numbers: dict[int, str] = {}
    for path in sorted(folder.glob("*.md")):
        relative = path.relative_to(root).as_posix()
        if path.name.lower() == "readme.md":
            continue
        match = MODULE_FILE.match(path.name)
        if match is None:
            problems.error(relative, 1, "module files are named NN-name.md (or NN-name.zh.md), e.g. 03-anchoring.md")
            continue
        if match.group(3):
            continue
        number = int(match.group(1))
        if number in numbers:
            problems.error(relative, 1, f"two modules are numbered {match.group(1)}: {numbers[number]} and this one")
        numbers[number] = relative
        module = _read_module(path, relative, number, course.key, problems)
        if module is not None:
            originals[path.name] = module
    for path in sorted(folder.glob("*.zh.md")):
        match = MODULE_FILE.match(path.name)
        if match is None:
            continue
        original = originals.get(f"{match.group(1)}-{match.group(2)}.md")
        relative = path.relative_to(root).as_posix()
        if original is None:
            if not (folder / f"{match.group(1)}-{match.group(2)}.md").exists():
                problems.error(relative, 1, "a translation needs its original beside it "
                                            f"({match.group(1)}-{match.group(2)}.md)")
            continue
        _read_translation(path, relative, original, problems)
    for module in originals.values():
        if not module.source_zh:
            problems.warn(module.path, 1, "no Chinese translation (NN-name.zh.md); readers get the English text")
        module.content_hash = _hash(module.source_en, module.title.en, module.source_zh, module.title.zh,
                                    str(module.minutes), ",".join(module.competencies), ",".join(module.stages))
    course.modules = sorted(originals.values(), key=lambda m: m.position)
    return course


def _read_module(path: Path, relative: str, number: int, course: str, problems: Problems) -> ModuleDef | None:
    text = path.read_text(encoding="utf-8")
    front, body, first = split_front_matter(text, relative, problems)
    if front is None:
        return None
    mr = Reader(relative, problems)
    key = mr.ident(front)
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        mr.error(front.line_of("title"), "missing 'title'")
        title = ""
    minutes = mr.integer(front, "minutes", minimum=1, maximum=600)
    competencies = [str(c) for c in mr.items(front, "competencies", required=False)]
    stages = [str(s) for s in mr.items(front, "stages", required=False)]
    module = ModuleDef(key or "", course, number, relative, minutes or 0, Text(title.strip()), competencies, stages,
                       body, body_line_en=first, competencies_line=front.line_of("competencies"),
                       stages_line=front.line_of("stages"))
    return module if key else None


def _read_translation(path: Path, relative: str, original: ModuleDef, problems: Problems) -> None:
    front, body, first = split_front_matter(path.read_text(encoding="utf-8"), relative, problems)
    if front is None:
        return
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.error(relative, front.line_of("title"), "a translation needs its own 'title'")
        return
    for key in set(front) - {"title", "minutes"}:
        problems.warn(relative, front.line_of(key), f"'{key}' is taken from the original; remove it here")
    original.title = Text(original.title.en, title.strip())
    original.source_zh = body
    original.zh_path = relative
    original.body_line_zh = first


def check_links(module: ModuleDef, module_paths: dict[str, str], root: Path, problems: Problems) -> None:
    """Report links to modules that do not exist and images that are missing, in both languages."""
    _check_source_links(module, module.source_en, module.path, module.body_line_en, module_paths, root, problems)
    if module.source_zh:
        _check_source_links(module, module.source_zh, module.zh_path, module.body_line_zh, module_paths, root,
                            problems)


def _check_source_links(module: ModuleDef, source: str, path: str, first_line: int, module_paths: dict[str, str],
                        root: Path, problems: Problems) -> None:
    for number, line in enumerate(source.splitlines(), start=first_line):
        targets = [(m.group(1) == "!", m.group(2)) for m in INLINE_LINK.finditer(line)]
        reference = REFERENCE_LINK.match(line)
        if reference:
            target = reference.group(1)
            targets.append((target.lower().endswith(IMAGE_SUFFIXES), target))
        for is_image, target in targets:
            if EXTERNAL.match(target):
                continue
            where = number
            resolved = resolve_relative(module.path, target.split("#", 1)[0])
            if resolved.startswith("../") or resolved.startswith("/"):
                problems.error(path, where, f"'{target}' points outside content/")
            elif is_image:
                if not resolved.lower().endswith(IMAGE_SUFFIXES):
                    problems.error(path, where, f"image '{target}' must be one of {', '.join(IMAGE_SUFFIXES)}")
                elif not (root / resolved).is_file():
                    problems.error(path, where, f"image '{target}' not found (looked for {resolved})")
            elif _original_path(resolved) not in module_paths:
                problems.error(path, where, f"link '{target}' does not lead to a module (looked for {resolved})")


def _original_path(path: str) -> str:
    return re.sub(r"\.zh\.md$", ".md", path)


def render_module(module: ModuleDef, module_paths: dict[str, str]) -> None:
    """Render the module's languages to sanitized HTML with links and images pointing into Coach."""

    def resolve_link(href: str) -> str | None:
        if EXTERNAL.match(href):
            return None
        target, _, anchor = href.partition("#")
        key = module_paths.get(_original_path(resolve_relative(module.path, target)))
        if key is None:
            return None
        return MODULE_URL.format(key=key) + (f"#{anchor}" if anchor else "")

    def resolve_image(src: str) -> str | None:
        if EXTERNAL.match(src):
            return None
        return CONTENT_FILE_URL.format(path=posixpath.normpath(resolve_relative(module.path, src)))

    for language, source in (("en", module.source_en), ("zh", module.source_zh)):
        if not source:
            continue
        rendered = render_markdown(source, resolve_link=resolve_link, resolve_image=resolve_image)
        module.html[language], module.toc[language], module.text[language] = rendered.html, rendered.toc, rendered.text
