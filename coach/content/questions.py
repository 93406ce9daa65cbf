"""The neutral question model shared by the GIFT, Aiken and Moodle XML readers and writers.

Every format is parsed into these dataclasses and written from them, so a question can move
between formats without each pair of formats knowing about the other.

Conventions per ``Question.type`` (the readers produce exactly this; the writers expect it):

- ``single`` / ``multiple``: one ``Answer`` per option; ``fraction`` is the credit (1.0 = 100 %,
  negative values are penalties). ``single`` needs an answer worth 100 %; in ``multiple`` the
  positive weights add up to 100 %.
- ``truefalse``: always exactly two answers, ``Answer("true", ...)`` then ``Answer("false", ...)``.
  The correct one has fraction 1.0, the other 0.0; each carries the feedback shown to a learner who
  picks it. (This mirrors Moodle XML, and GIFT's ``{T#wrong#right}`` maps onto it losslessly.)
- ``shortanswer``: each accepted text with its credit; ``Question.case_sensitive`` says whether the
  comparison respects case.
- ``numerical``: ``value`` ± ``tolerance``, or a range ``low``..``high`` (then ``value`` is None).
  ``text`` is empty, except ``"*"`` for a catch-all "any other answer" entry.
- ``matching``: ``text`` is the left side, ``match`` the right side, fraction 1.0. A pair with an
  empty left side is an extra wrong choice on the right (fraction 0.0).
- ``ordering``: the items in the correct order, fraction 1.0 each.
- ``essay`` and ``description``: no answers.

Missing word: when a format puts the answer block in the middle of the text ("The ___ is red"),
the blank is the marker ``BLANK`` ("_____") inside ``Question.text``; writers that can place the
block mid-text (GIFT) put it where the first marker with text after it stands.

``Question.line`` records where the question starts in its source file (1-based); it is
provenance, not content, so it does not take part in ``==``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

QUESTION_TYPES = (
    "single",
    "multiple",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "ordering",
    "essay",
    "description",
)

TEXT_FORMATS = ("moodle", "markdown", "html", "plain")

# The blank of a missing-word question, as Moodle itself renders it.
BLANK = "_____"

# Credits are compared with some slack: formats store them as decimal percentages
# (33.33333 %) whose sum is 100 % only up to rounding.
_EPSILON = 1e-3


@dataclass
class Answer:
    """One answer option, accepted text, numeric answer, matching pair or ordering item."""

    text: str = ""
    fraction: float = 0.0
    feedback: str = ""
    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    match: str | None = None


@dataclass
class Question:
    """A question in the neutral model; see the module docstring for per-type conventions."""

    type: str
    title: str
    text: str
    text_format: str = "moodle"
    answers: list[Answer] = field(default_factory=list)
    general_feedback: str = ""
    category: str | None = None
    case_sensitive: bool = False
    line: int = field(default=0, compare=False)


class QuestionFormatError(ValueError):
    """A question file that cannot be read, located by path, line and column (1-based)."""

    def __init__(self, message: str, line: int, column: int = 1, path: str | None = None) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        """Render as ``path:line:column: message`` like compilers do, so editors can jump to it."""
        where = f"{self.line}:{self.column}"
        if self.path is not None:
            where = f"{self.path}:{where}"
        return f"{where}: {self.message}"


def round_fraction(fraction: float) -> float:
    """Round a credit to Moodle's stored precision (seven decimals) so formats round-trip."""
    return round(fraction, 7)


def format_number(x: float) -> str:
    """Write a number as short text that reads back as exactly the same float."""
    if not math.isfinite(x):
        raise ValueError(f"cannot write the number {x!r}")
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    # repr is the shortest text that reads back as exactly this float.
    return repr(x)


def format_percent(fraction: float) -> str:
    """Write a credit as a percentage ("33.33333"), at Moodle's seven-decimal precision."""
    return format_number(round(fraction * 100.0, 5))


def _is_full(fraction: float) -> bool:
    return abs(fraction - 1.0) < _EPSILON


def _check_fractions(q: Question, problems: list[str]) -> None:
    for i, answer in enumerate(q.answers, start=1):
        if not math.isfinite(answer.fraction) or not -1.0 <= answer.fraction <= 1.0:
            problems.append(f"answer {i}: credit {answer.fraction:g} is outside -100%..100%")


def _validate_choice(q: Question, problems: list[str]) -> None:
    if len(q.answers) < 2:
        problems.append("a choice question needs at least two answers")
    if any(not a.text.strip() for a in q.answers):
        problems.append("an answer has no text")
    if q.type == "single":
        if not any(_is_full(a.fraction) for a in q.answers):
            problems.append("single choice has no answer worth 100%")
        return
    positive = sum(a.fraction for a in q.answers if a.fraction > 0)
    if positive <= 0:
        problems.append("multiple response has no right answer")
    elif abs(positive - 1.0) > _EPSILON:
        problems.append(f"multiple response: positive weights add up to {positive * 100:g}%, not 100%")


def _validate_truefalse(q: Question, problems: list[str]) -> None:
    if [a.text for a in q.answers] != ["true", "false"]:
        problems.append('true/false needs exactly the answers "true" and "false", in that order')
        return
    if sorted(a.fraction for a in q.answers) != [0.0, 1.0]:
        problems.append("true/false needs exactly one right answer (100%) and one wrong (0%)")


def _validate_shortanswer(q: Question, problems: list[str]) -> None:
    if not q.answers:
        problems.append("short answer has no accepted answer")
    elif not any(_is_full(a.fraction) for a in q.answers):
        problems.append("short answer has no answer worth 100%")
    if any(not a.text.strip() for a in q.answers):
        problems.append("short answer has an empty accepted answer")


def _validate_numerical(q: Question, problems: list[str]) -> None:
    if not q.answers:
        problems.append("numerical question has no answer")
        return
    if not any(_is_full(a.fraction) for a in q.answers):
        problems.append("numerical question has no answer worth 100%")
    for i, a in enumerate(q.answers, start=1):
        is_range = a.low is not None or a.high is not None
        if a.text == "*":
            continue
        if is_range:
            if a.low is None or a.high is None:
                problems.append(f"answer {i}: a range needs both ends")
            elif a.low > a.high:
                problems.append(f"answer {i}: range {a.low:g}..{a.high:g} is empty")
        elif a.value is None:
            problems.append(f"answer {i}: no number")
        if a.tolerance < 0:
            problems.append(f"answer {i}: negative tolerance")


def _validate_matching(q: Question, problems: list[str]) -> None:
    pairs = [a for a in q.answers if a.text.strip()]
    # Moodle itself insists on three pairs; two still make a sensible question, so we accept them.
    if len(pairs) < 2:
        problems.append("matching needs at least two pairs")
    if any(not (a.match or "").strip() for a in q.answers):
        problems.append("a matching pair has no right-hand side")


def _validate_ordering(q: Question, problems: list[str]) -> None:
    if len(q.answers) < 2:
        problems.append("ordering needs at least two items")
    if any(not a.text.strip() for a in q.answers):
        problems.append("an ordering item is empty")


def validate(q: Question) -> list[str]:
    """Return human-readable problems that make a parsed question unusable (empty list: fine)."""
    problems: list[str] = []
    if q.type not in QUESTION_TYPES:
        return [f"unknown question type {q.type!r}"]
    if q.text_format not in TEXT_FORMATS:
        problems.append(f"unknown text format {q.text_format!r}")
    if not q.text.strip():
        problems.append("question text is empty")
    if q.case_sensitive and q.type != "shortanswer":
        problems.append("only short-answer questions can be case-sensitive")
    _check_fractions(q, problems)
    if q.type in ("single", "multiple"):
        _validate_choice(q, problems)
    elif q.type == "truefalse":
        _validate_truefalse(q, problems)
    elif q.type == "shortanswer":
        _validate_shortanswer(q, problems)
    elif q.type == "numerical":
        _validate_numerical(q, problems)
    elif q.type == "matching":
        _validate_matching(q, problems)
    elif q.type == "ordering":
        _validate_ordering(q, problems)
    elif q.answers:
        problems.append(f"{q.type} questions take no answers")
    return problems
