"""Read Aiken, the simplest Moodle question format: single-choice questions only.

::

    What is the correct answer to this question?
    A. Is it this one?
    B) Maybe this answer?
    ANSWER: B

The question text may span several lines; options are a capital letter, ``.`` or ``)``, a space
and the text; ``ANSWER: X`` ends the question. Blank lines are ignored. Aiken has no titles, so,
as Moodle does, the title is the start of the text (whitespace collapsed, at most 80 characters).
Mistakes raise QuestionFormatError with the line and column of the offending character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .questions import Answer, Question, QuestionFormatError

_OPTION = re.compile(r"([A-Z])[.)](?:\s+(.*))?$")
_ANSWER = re.compile(r"ANSWER\s*:\s*(.*)$")
_TITLE_LENGTH = 80


@dataclass
class _Pending:
    """The question being collected: text lines, options (letter, text) and where it started."""

    start: int = 0
    text: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)


def _title(text: str) -> str:
    return " ".join(text.split())[:_TITLE_LENGTH].rstrip()


def parse_aiken(text: str, path: str | None = None) -> list[Question]:
    """Parse Aiken text into single-choice questions; raise QuestionFormatError on mistakes."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[Question] = []
    q = _Pending()

    def fail(message: str, lineno: int, column: int) -> QuestionFormatError:
        return QuestionFormatError(message, lineno, column, path)

    for lineno, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip()) + 1
        answer = _ANSWER.match(stripped)
        option = _OPTION.match(stripped)
        if answer:
            if not q.text:
                raise fail("ANSWER: without a question before it", lineno, indent)
            if len(q.options) < 2:
                raise fail("a question needs at least two options (A. ..., B. ...) before ANSWER:",
                           lineno, indent)
            letter = answer.group(1).strip()
            column = indent + answer.start(1)
            letters = [opt_letter for opt_letter, _ in q.options]
            if not re.fullmatch(r"[A-Z]", letter):
                raise fail(f"ANSWER: needs one capital letter, not {letter or 'nothing'!r}", lineno, column)
            if letter not in letters:
                raise fail(f"ANSWER: {letter} names no option of this question "
                           f"(options: {', '.join(letters)})", lineno, column)
            body = "\n".join(q.text)
            questions.append(Question(
                type="single", title=_title(body), text=body,
                answers=[Answer(text=t, fraction=1.0 if opt == letter else 0.0) for opt, t in q.options],
                line=q.start,
            ))
            q = _Pending()
        elif option and q.text:
            letter, option_text = option.group(1), (option.group(2) or "").strip()
            if not option_text:
                raise fail(f"option {letter} has no text", lineno, indent)
            if any(letter == seen for seen, _ in q.options):
                raise fail(f"option {letter} appears twice", lineno, indent)
            q.options.append((letter, option_text))
        elif option:
            raise fail("an option needs a question text before it", lineno, indent)
        elif q.options:
            raise fail("text after the options: finish the question with 'ANSWER: X' first",
                       lineno, indent)
        else:
            if not q.text:
                q.start = lineno
            q.text.append(stripped)
    if q.text:
        raise fail("question has no 'ANSWER: X' line", q.start, 1)
    return questions
