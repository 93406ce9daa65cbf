"""Moving question banks in and out: GIFT, Aiken and Moodle XML in; GIFT, Moodle XML and JSON out."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from coach.content.aiken import parse_aiken
from coach.content.gift import parse_gift, write_gift
from coach.content.moodle_xml import parse_moodle_xml, write_moodle_xml
from coach.content.questions import Question, QuestionFormatError, validate

READERS = {"gift": parse_gift, "aiken": parse_aiken, "moodle-xml": parse_moodle_xml}
SETTINGS_TEMPLATE = """id: {key}
title: {{en: {title}}}
pass_mark: 80
attempts: 0
time_limit_minutes: 0
draw: 0
shuffle_answers: true
show_answers: after_pass
"""


class ImportProblem(ValueError):
    """An import that cannot go ahead; the message names the file, line and column."""


def read_bank(path: Path, fmt: str) -> list[Question]:
    """Parse a question file in one of the import formats; every problem names file:line:column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(f"{path}:1:1: the file is not UTF-8 text") from exc
    try:
        questions = READERS[fmt](text, path=str(path))
    except QuestionFormatError as exc:
        raise ImportProblem(str(exc)) from exc
    if not questions:
        raise ImportProblem(f"{path}:1:1: no questions found")
    for question in questions:
        problems = validate(question)
        if problems:
            raise ImportProblem(f"{path}:{question.line}:1: {problems[0]}")
    return questions


def import_bank(questions: list[Question], *, content_dir: Path, quiz_key: str, replace: bool) -> Path:
    """Write questions into content/quizzes/<quiz>.gift (appending unless `replace`); returns the file."""
    folder = content_dir / "quizzes"
    folder.mkdir(parents=True, exist_ok=True)
    gift = folder / f"{quiz_key}.gift"
    existing = [] if replace or not gift.exists() else parse_gift(gift.read_text(encoding="utf-8"), path=str(gift))
    taken = {q.title for q in existing}
    for number, question in enumerate(questions, start=1):
        if not question.title:
            question.title = f"{quiz_key}-{len(existing) + number}"
        if question.title in taken:
            raise ImportProblem(f"question title '{question.title}' is already in {gift}; use --replace or rename it")
        taken.add(question.title)
    text = write_gift(existing + questions)
    parse_gift(text)  # what we write must read back
    gift.write_text(text, encoding="utf-8")
    settings = folder / f"{quiz_key}.yml"
    if not settings.exists():
        settings.write_text(SETTINGS_TEMPLATE.format(key=quiz_key, title=quiz_key.replace("-", " ").capitalize()),
                            encoding="utf-8")
    return gift


def export_bank(*, content_dir: Path, quiz_key: str, fmt: str) -> str:
    """A quiz's English bank as GIFT, Moodle XML or JSON (type, text, answers with credit and feedback)."""
    gift = content_dir / "quizzes" / f"{quiz_key}.gift"
    if not gift.is_file():
        raise ImportProblem(f"no quiz '{quiz_key}' ({gift} not found)")
    questions = parse_gift(gift.read_text(encoding="utf-8"), path=str(gift))
    if fmt == "gift":
        return write_gift(questions)
    if fmt == "moodle-xml":
        return write_moodle_xml(questions)
    return json.dumps({"quiz": quiz_key, "questions": [_as_json(q) for q in questions]}, ensure_ascii=False, indent=2)


def _as_json(question: Question) -> dict[str, object]:
    data = dataclasses.asdict(question)
    data.pop("line", None)
    data["answers"] = [{key: value for key, value in answer.items() if value not in (None, "")}
                       | {"credit": answer["fraction"]} for answer in data["answers"]]
    for answer in data["answers"]:
        answer.pop("fraction", None)
        if question.type != "numerical":
            for key in ("value", "tolerance", "low", "high"):
                answer.pop(key, None)
    return data
