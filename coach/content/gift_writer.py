"""Write questions as GIFT (syntax in gift.py); parse_gift reads the output back to equal questions.

A few things GIFT cannot say, so ``write_gift`` raises ValueError for them instead of writing
something that would read back differently: a short answer (or its feedback) containing ``->``
(GIFT would take it for matching), a matching left side containing ``->``, a single choice with
fewer than two answers, a question type that needs answers but has none, and non-finite numbers.
A description's general feedback has no place in GIFT and is left out.
"""

from __future__ import annotations

from collections.abc import Callable

from .gift_syntax import CASE_DIRECTIVE, CATEGORY_PREFIX, ESCAPABLE, ESCAPE_FOLLOWERS, FORMAT_TAG
from .questions import BLANK, Answer, Question, format_number, format_percent

# Inside answer blocks every structural character is escaped; in the question text only the
# braces matter, and escaping more would make exported files needlessly hard to read.
_BLOCK = "~=#{}"
_TEXT = "{}"


def _escape_line(line: str, specials: str) -> str:
    out = []
    for j, c in enumerate(line):
        if c == "\\":
            nxt = line[j + 1 : j + 2]
            # Only a backslash that would otherwise start an escape needs doubling.
            out.append("\\\\" if not nxt or nxt in ESCAPE_FOLLOWERS else "\\")
        elif c in specials:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def _escape(text: str, specials: str, line_starts: tuple[str, ...] = ()) -> str:
    """Escape *text*; keep line breaks real where that is safe, else write ``\\n``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = [_escape_line(lines[0], specials)]
    for prev, nxt in zip(lines, lines[1:]):
        head = nxt.lstrip()
        # A real break would end the question (blank line), become a comment ("//"), start an
        # ordering item (">"), or be trimmed away at either end of the text.
        real = bool(prev.strip()) and bool(head) and not head.startswith(("//", *line_starts))
        out.append("\n" if real else "\\n")
        out.append(_escape_line(nxt, specials))
    return "".join(out)


def _answer(marker: str, weight: str | None, a: Answer) -> str:
    if weight is None and a.text.startswith("%"):
        # A text that starts with "%" would be read as a weight; an explicit one protects it.
        weight = "100" if marker == "=" else "0"
    out = marker + (f"%{weight}%" if weight is not None else "") + _escape(a.text, _BLOCK)
    if a.feedback:
        out += "#" + _escape(a.feedback, _BLOCK)
    return out


def _single(q: Question) -> list[str]:
    if len(q.answers) < 2:
        raise ValueError(f"{q.title!r}: GIFT needs at least two answers for a single choice")
    marks: list[tuple[str, str | None]] = []
    for a in q.answers:
        if a.fraction == 1.0:
            marks.append(("=", None))
        else:
            marks.append(("~", None if a.fraction == 0 else format_percent(a.fraction)))
    if all(m == "~" for m, _ in marks):
        # Without an "=" GIFT reads multiple response: give the best answer the "=".
        best = max(range(len(q.answers)), key=lambda k: q.answers[k].fraction)
        marks[best] = ("=", format_percent(q.answers[best].fraction))
    if all(m == "=" for m, _ in marks):
        # Without a "~" GIFT reads short answer; "~%100%" is just as right as "=".
        marks[-1] = ("~", "100")
    return [_answer(m, w, a) for (m, w), a in zip(marks, q.answers)]


def _multiple(q: Question) -> list[str]:
    return [_answer("~", None if a.fraction == 0 else format_percent(a.fraction), a) for a in q.answers]


def _truefalse(q: Question) -> list[str]:
    by_text = {a.text.strip().lower(): a for a in q.answers}
    if len(q.answers) != 2 or set(by_text) != {"true", "false"}:
        raise ValueError(f"{q.title!r}: true/false needs the answers 'true' and 'false'")
    is_true = by_text["true"].fraction > by_text["false"].fraction
    right, wrong = (by_text["true"], by_text["false"]) if is_true else (by_text["false"], by_text["true"])
    out = "TRUE" if is_true else "FALSE"
    # GIFT order: feedback for a wrong pick, then for a right one.
    if wrong.feedback or right.feedback:
        out += "#" + _escape(wrong.feedback, _BLOCK)
    if right.feedback:
        out += "#" + _escape(right.feedback, _BLOCK)
    return [out]


def _shortanswer(q: Question) -> list[str]:
    for a in q.answers:
        if "->" in a.text or "->" in a.feedback:
            raise ValueError(f"{q.title!r}: GIFT cannot write '->' in a short answer (reads as matching)")
    return [_answer("=", None if a.fraction == 1.0 else format_percent(a.fraction), a) for a in q.answers]


def _number_spec(q: Question, a: Answer) -> str:
    if a.text == "*":
        return "*"
    if a.low is not None and a.high is not None:
        return f"{format_number(a.low)}..{format_number(a.high)}"
    if a.value is None:
        raise ValueError(f"{q.title!r}: numerical answer without a number")
    return format_number(a.value) + (f":{format_number(a.tolerance)}" if a.tolerance else "")


def _numerical(q: Question) -> list[str]:
    items = []
    for a in q.answers:
        spec = _number_spec(q, a)
        weight = "" if a.fraction == 1.0 else f"%{format_percent(a.fraction)}%"
        feedback = "#" + _escape(a.feedback, _BLOCK) if a.feedback else ""
        items.append((weight, spec, feedback))
    if len(items) == 1 and not items[0][0] and items[0][1] != "*":
        return ["#" + items[0][1] + items[0][2]]
    return ["#"] + [f"={w}{spec}{fb}" for w, spec, fb in items]


def _matching(q: Question) -> list[str]:
    out = []
    for a in q.answers:
        if "->" in a.text:
            raise ValueError(f"{q.title!r}: GIFT cannot write '->' in the left side of a matching pair")
        out.append(f"={_escape(a.text, _BLOCK)} -> {_escape(a.match or '', _BLOCK)}")
    return out


def _ordering(q: Question) -> list[str]:
    return ["> " + _escape(a.text, _BLOCK, line_starts=(">",)) for a in q.answers]


_BLOCK_WRITERS: dict[str, Callable[[Question], list[str]]] = {
    "single": _single,
    "multiple": _multiple,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
}


def _block(q: Question, inline: bool) -> str:
    items: list[str] = []
    if q.type in _BLOCK_WRITERS:
        if not q.answers:
            raise ValueError(f"{q.title!r}: a {q.type} question needs answers")
        items = _BLOCK_WRITERS[q.type](q)
    elif q.answers:
        raise ValueError(f"{q.title!r}: {q.type} questions take no answers")
    if q.general_feedback:
        items.append("####" + _escape(q.general_feedback, _BLOCK))
    if not items:
        return "{}"
    if items[0] == "#":
        # Numerical with several answers: the "#" opens the block, the answers follow it.
        items = ["#" + (" " if inline else "\n  ") + items[1]] + items[2:]
    if inline or len(items) == 1:
        return "{" + " ".join(items) + "}"
    return "{\n" + "\n".join("  " + item for item in items) + "\n}"


def _question(q: Question) -> str:
    lines = [CASE_DIRECTIVE] if q.case_sensitive else []
    head = f"::{_escape(q.title, ESCAPABLE)}::" if q.title else ""
    text = q.text
    blank = text.find(BLANK)
    before, after = text, ""
    missing_word = q.type != "description" and blank >= 0 and text[blank + len(BLANK) :].strip()
    if missing_word:
        before, after = text[:blank], text[blank + len(BLANK) :]
    body = _escape(before, _TEXT)
    # Without a title the first line must not look like a title, comment or category line;
    # a format tag in front keeps it a question.
    risky = not q.title and (body.startswith(("::", "//", CATEGORY_PREFIX))
                             or (q.type == "description" and not body.strip()))
    if q.text_format != "moodle" or FORMAT_TAG.match(body) or risky:
        head += f"[{q.text_format}]"
    if q.type != "description":
        # Ordering items are recognised by line starts, so their block always spans lines.
        inline = bool(missing_word) and q.type != "ordering"
        body += _block(q, inline) + _escape(after, _TEXT)
    lines.append(head + body)
    return "\n".join(lines)


def write_gift(questions: list[Question]) -> str:
    """Write questions as GIFT text that parse_gift reads back to equal questions."""
    parts: list[str] = []
    category: str | None = None
    for q in questions:
        if q.category != category:
            if q.category and "\n" in q.category:
                raise ValueError(f"{q.title!r}: a category cannot contain a line break")
            parts.append(f"{CATEGORY_PREFIX} {q.category or ''}".rstrip())
            category = q.category
        parts.append(_question(q))
    return "\n\n".join(parts) + "\n" if parts else ""
