"""quizzes/<id>.yml settings with their <id>.gift and <id>.zh.gift question banks."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.content.bundle import Text
from coach.content.fields import Reader
from coach.content.gift import parse_gift
from coach.content.problems import Problems
from coach.content.questions import Question, QuestionFormatError, validate
from coach.content.yamlio import YamlError, load_yaml
from coach.models import SHOW_ANSWERS
from coach.quizzes.bank import stored_question


@dataclass
class QuizDef:
    """A quiz read from content/quizzes/."""

    key: str
    title: Text
    course: str | None
    settings: dict[str, Any]
    competency: str | None
    level: int | None
    questions: list[dict[str, Any]] = field(default_factory=list)  # {"key", "type", "en": {...}, "zh": {...}}
    content_hash: str = ""


def _read_bank(path: Path, relative: str, problems: Problems) -> list[Question] | None:
    try:
        questions = parse_gift(path.read_text(encoding="utf-8"), path=relative)
    except QuestionFormatError as exc:
        problems.error(relative, exc.line, f"column {exc.column}: {exc.message}")
        return None
    except UnicodeDecodeError:
        problems.error(relative, 1, "file is not UTF-8 text")
        return None
    seen: dict[str, int] = {}
    for question in questions:
        if not question.title:
            problems.error(relative, question.line, "every question needs a ::title:: (its stable id)")
        elif question.title in seen:
            problems.error(relative, question.line, f"duplicate question title '{question.title}' "
                                                    f"(first on line {seen[question.title]})")
        seen.setdefault(question.title, question.line)
        for problem in validate(question):
            problems.error(relative, question.line, problem)
    return questions


def read_quiz(path: Path, root: Path, problems: Problems, competency_rules: dict[str, dict[int, str]],
              courses: set[str]) -> QuizDef | None:
    """One quiz: settings checked against the framework and courses, questions in both languages."""
    relative = path.relative_to(root).as_posix()
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        problems.error(relative, exc.line, exc.message)
        return None
    r = Reader(relative, problems)
    entry = r.mapping(data, 1, "quiz settings")
    if entry is None:
        return None
    key = r.ident(entry)
    if key and key != path.stem:
        r.error(entry.line_of("id"), f"the id '{key}' must match the file name '{path.stem}'")
    course = entry.get("course")
    if course is not None and course not in courses:
        r.error(entry.line_of("course"), f"unknown course '{course}'")
    show = entry.get("show_answers", "after_pass")
    if show not in SHOW_ANSWERS:
        r.error(entry.line_of("show_answers"), f"'show_answers' must be one of {', '.join(SHOW_ANSWERS)}")
    shuffle = entry.get("shuffle_answers", False)
    if not isinstance(shuffle, bool):
        r.error(entry.line_of("shuffle_answers"), "'shuffle_answers' must be true or false")
    settings = {
        "pass_mark": r.integer(entry, "pass_mark", minimum=0, maximum=100, default=80),
        "attempts_allowed": r.integer(entry, "attempts", required=False, minimum=0, maximum=100, default=0),
        "time_limit_minutes": r.integer(entry, "time_limit_minutes", required=False, minimum=0, maximum=600,
                                        default=0),
        "draw": r.integer(entry, "draw", required=False, minimum=0, maximum=500, default=0),
        "shuffle_answers": bool(shuffle), "show_answers": show,
        "valid_days": r.integer(entry, "valid_days", required=False, minimum=1, maximum=3650),
    }
    competency, level = _evidences(entry, r, competency_rules)
    quiz = QuizDef(key or "", r.text(entry, "title"), course, settings, competency, level)
    gift = path.with_suffix(".gift")
    if not gift.is_file():
        r.error(1, f"no questions: {gift.relative_to(root).as_posix()} is missing")
        return None
    english = _read_bank(gift, gift.relative_to(root).as_posix(), problems)
    zh_path = path.with_name(f"{path.stem}.zh.gift")
    chinese = _read_bank(zh_path, zh_path.relative_to(root).as_posix(), problems) if zh_path.is_file() else []
    if not zh_path.is_file():
        problems.warn(relative, 1, f"no Chinese questions ({zh_path.name}); Chinese readers get English")
    if english is None or chinese is None:
        return None
    _pair(quiz, english, chinese, zh_path.relative_to(root).as_posix(), problems)
    gradable = [q for q in quiz.questions if q["type"] != "description"]
    if settings["draw"] and settings["draw"] > len(gradable):
        r.error(entry.line_of("draw"), f"'draw' is {settings['draw']} but the bank has {len(gradable)} questions")
    digest = hashlib.sha256(path.read_bytes() + gift.read_bytes() + (zh_path.read_bytes() if zh_path.is_file()
                                                                         else b""))
    quiz.content_hash = digest.hexdigest()
    return quiz if key else None


def _evidences(entry: Any, r: Reader, rules: dict[str, dict[int, str]]) -> tuple[str | None, int | None]:
    raw = entry.get("evidences")
    if raw is None:
        return None, None
    evidences = r.mapping(raw, entry.line_of("evidences"), "'evidences'")
    if evidences is None:
        return None, None
    competency, level = evidences.get("competency"), evidences.get("level")
    line = entry.line_of("evidences")
    if competency not in rules:
        r.error(line, f"unknown competency {competency!r}")
        return None, None
    if level not in rules[competency]:
        r.error(line, f"competency '{competency}' has no level {level!r}")
        return None, None
    if rules[competency][level] == "signoff":
        r.error(line, f"level {level} of '{competency}' is proven by a sign-off only; a quiz cannot evidence it")
    return str(competency), int(level)


def _pair(quiz: QuizDef, english: list[Question], chinese: list[Question], zh_relative: str,
          problems: Problems) -> None:
    by_title = {q.title: q for q in chinese}
    for question in chinese:
        if question.title not in {q.title for q in english}:
            problems.error(zh_relative, question.line, f"'{question.title}' has no English original")
    for question in english:
        translation = by_title.get(question.title)
        if translation is not None and translation.type != question.type:
            problems.error(zh_relative, translation.line,
                           f"'{question.title}' is {translation.type} here but {question.type} in English")
            translation = None
        elif chinese and translation is None:
            problems.warn(zh_relative, 1, f"'{question.title}' has no Chinese translation")
        quiz.questions.append({"key": question.title, "type": question.type, "en": stored_question(question),
                               "zh": stored_question(translation) if translation else None})
