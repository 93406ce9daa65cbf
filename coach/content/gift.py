"""Read and write GIFT, Moodle's plain-text question format, plus Coach's additions.

Supported, as in Moodle: ``//`` comment lines (whole lines only; ``http://`` in text is text),
questions separated by blank lines, ``::title::``, ``$CATEGORY: a/b`` (applies to the questions
that follow; an empty ``$CATEGORY:`` resets it), the escapes ``\\~ \\= \\# \\{ \\} \\:`` and ``\\n``
(a newline), format tags ``[moodle] [markdown] [html] [plain]`` before the text, single choice
(``=right ~wrong``, ``%n%`` partial credit on either), multiple response (only ``~%n%`` answers),
true/false (``{T}`` ``{TRUE}`` ``{F}`` ``{FALSE}`` with ``#feedback if wrong#feedback if right``),
short answer (only ``=`` answers), numerical (``{#3.14:0.01}``, ``{#1..5}``, several ``=%n%``
answers, ``~#feedback`` or ``=*`` for "any other number"), matching (``=left -> right``; an empty
left side adds a wrong choice on the right), essay ``{}``, description (no block), missing word
(text continues after the block; see ``questions.BLANK``), ``#feedback`` per answer and
``####general feedback``. Questions and answers may span lines; answers may share a line.

Coach's additions (also listed in content/README.md):

- **Ordering**: an answer block whose lines start with ``>``, items in the right order.
- **Case-sensitive short answers**: a whole-line comment ``// case-sensitive`` right before the
  question (no blank line in between). Moodle discards comments, so the file stays valid GIFT;
  Moodle XML carries the flag as ``<usecase>``.
- ``\\\\`` stands for one backslash (Moodle leaves both), so that a literal ``\\n`` survives a round trip.

Model mapping: true/false becomes the two answers "true" and "false" (see questions.py); a
numerical catch-all is an answer with text ``"*"``; matching pairs and ordering items get fraction
1.0. Errors raise QuestionFormatError with the line and column of the offending character.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gift_syntax import (
    CATEGORY_PREFIX,
    CASE_DIRECTIVE_RE,
    ESCAPABLE,
    FALSE_WORDS,
    FORMAT_TAG,
    NUMBER_RE,
    TRUE_WORDS,
)
from .gift_writer import write_gift
from .questions import BLANK, Answer, Question, QuestionFormatError, round_fraction

__all__ = ["parse_gift", "write_gift"]

# Escaped characters become Unicode noncharacters while parsing, so that structural searches
# (for "{", "=", "#"...) simply do not see them; they turn back into text at the very end.
_PLACEHOLDER = {c: chr(0xFDD0 + i) for i, c in enumerate(ESCAPABLE)}
_NEWLINE = chr(0xFDD0 + len(ESCAPABLE))
_RESTORE = str.maketrans({**{p: c for c, p in _PLACEHOLDER.items()}, _NEWLINE: "\n"})
_RESERVED = set(_PLACEHOLDER.values()) | {_NEWLINE}


@dataclass
class _Chunk:
    """One question's lines, unescaped, with the source position of every character."""

    s: str
    pos: list[tuple[int, int]]
    path: str | None

    def error(self, index: int, message: str) -> QuestionFormatError:
        line, column = self.pos[min(index, len(self.pos) - 1)]
        return QuestionFormatError(message, line, column, self.path)


def _text(raw: str) -> str:
    """Finish a piece of text: restore escapes, then trim (every text in the model is trimmed)."""
    return raw.translate(_RESTORE).strip()


def _decode_line(line: str, lineno: int, path: str | None) -> tuple[str, list[tuple[int, int]]]:
    out: list[str] = []
    pos: list[tuple[int, int]] = []
    i = 0
    while i < len(line):
        c = line[i]
        if c in _RESERVED:
            raise QuestionFormatError("unsupported character (Unicode noncharacter)", lineno, i + 1, path)
        nxt = line[i + 1] if i + 1 < len(line) else ""
        if c == "\\" and nxt and (nxt in ESCAPABLE or nxt in "n\\"):
            out.append(_PLACEHOLDER.get(nxt, _NEWLINE if nxt == "n" else "\\"))
            pos.append((lineno, i + 1))
            i += 2
            continue
        out.append(c)
        pos.append((lineno, i + 1))
        i += 1
    return "".join(out), pos


def _make_chunk(lines: list[tuple[int, str]], path: str | None) -> _Chunk:
    parts: list[str] = []
    pos: list[tuple[int, int]] = []
    for k, (lineno, line) in enumerate(lines):
        if k:
            # The real line break sits just after the previous line's last character.
            prev_no, prev = lines[k - 1]
            parts.append("\n")
            pos.append((prev_no, len(prev) + 1))
        s, p = _decode_line(line, lineno, path)
        parts.append(s)
        pos.extend(p)
    last_no, last = lines[-1]
    pos.append((last_no, len(last) + 1))
    return _Chunk("".join(parts), pos, path)


def _skip_space(s: str, i: int, end: int | None = None) -> int:
    end = len(s) if end is None else end
    while i < end and s[i].isspace():
        i += 1
    return i


def _split(body: str, markers: str) -> tuple[str, list[tuple[str, int, str]]]:
    """Cut an answer block at every unescaped marker: (text before, [(marker, index, text)])."""
    cuts = [k for k, c in enumerate(body) if c in markers]
    if not cuts:
        return body, []
    segments = []
    for n, k in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(body)
        segments.append((body[k], k, body[k + 1 : end]))
    return body[: cuts[0]], segments


def _weight(ch: _Chunk, seg: str, at: int, default: float) -> tuple[float, str, int]:
    """Read an optional leading ``%n%`` weight; return (fraction, rest, index of rest)."""
    start = _skip_space(seg, 0)
    if not seg.startswith("%", start):
        return default, seg, at
    close = seg.find("%", start + 1)
    if close < 0:
        # A lone "%" cannot be a weight, so Moodle and we read it as text.
        return default, seg, at
    raw = seg[start + 1 : close].strip()
    if not NUMBER_RE.fullmatch(raw):
        raise ch.error(at + start, f"unknown weight %{_text(raw)}% (use a percentage like %50% or %-100%)")
    percent = float(raw)
    if not -100.0 <= percent <= 100.0:
        raise ch.error(at + start, f"weight %{raw}% is outside -100%..100%")
    return round_fraction(percent / 100.0), seg[close + 1 :], at + close + 1


def _feedback(seg: str) -> tuple[str, str]:
    text, _, feedback = seg.partition("#")
    return _text(text), _text(feedback)


def _no_lead(ch: _Chunk, lead: str, at: int) -> None:
    k = _skip_space(lead, 0)
    if k < len(lead):
        raise ch.error(at + k, "text before the first answer: answers start with '=' or '~'")


def _nothing_right(ch: _Chunk, answers: list[Answer], brace: int) -> None:
    if not any(a.fraction > 0 for a in answers):
        raise ch.error(brace, "answer block has nothing right: mark an answer with '=' or a positive %n% weight")


def _choice(ch: _Chunk, body: str, at: int, brace: int) -> tuple[str, list[Answer]]:
    lead, segments = _split(body, "=~")
    _no_lead(ch, lead, at)
    answers = []
    for marker, k, seg in segments:
        fraction, rest, _ = _weight(ch, seg, at + k + 1, 1.0 if marker == "=" else 0.0)
        text, feedback = _feedback(rest)
        if not text:
            raise ch.error(at + k, "empty answer")
        answers.append(Answer(text=text, fraction=fraction, feedback=feedback))
    _nothing_right(ch, answers, brace)
    single = any(marker == "=" for marker, _, _ in segments)
    return ("single" if single else "multiple"), answers


def _shortanswer(ch: _Chunk, body: str, at: int, brace: int) -> list[Answer]:
    lead, segments = _split(body, "=")
    _no_lead(ch, lead, at)
    answers = []
    for _, k, seg in segments:
        fraction, rest, _ = _weight(ch, seg, at + k + 1, 1.0)
        text, feedback = _feedback(rest)
        if not text:
            raise ch.error(at + k, "empty answer")
        answers.append(Answer(text=text, fraction=fraction, feedback=feedback))
    _nothing_right(ch, answers, brace)
    return answers


def _matching(ch: _Chunk, body: str, at: int) -> list[Answer]:
    lead, segments = _split(body, "=")
    _no_lead(ch, lead, at)
    answers = []
    for _, k, seg in segments:
        arrow = seg.find("->")
        if arrow < 0:
            raise ch.error(at + k, "matching pair without '->' (write =left -> right)")
        left, right = _text(seg[:arrow]), _text(seg[arrow + 2 :])
        if not right:
            raise ch.error(at + k + 1 + arrow, "nothing to the right of '->'")
        # An empty left side is Moodle's way to add an extra wrong choice on the right.
        answers.append(Answer(text=left, fraction=1.0 if left else 0.0, match=right))
    return answers


def _number(ch: _Chunk, raw: str, at: int) -> float:
    k = _skip_space(raw, 0)
    token = raw.strip()
    if not NUMBER_RE.fullmatch(token):
        shown = _text(token) or "nothing"
        raise ch.error(at + k, f"numerical answer: {shown!r} is not a number")
    return float(token)


def _numeric_answer(ch: _Chunk, marker: str, seg: str, at: int) -> Answer:
    fraction, rest, rest_at = _weight(ch, seg, at, 1.0 if marker == "=" else 0.0)
    number, _, feedback_raw = rest.partition("#")
    answer = Answer(fraction=fraction, feedback=_text(feedback_raw))
    token = number.strip()
    if token == "*" or (marker == "~" and not token):
        # "~#feedback" and "=*" both mean: any other number.
        answer.text = "*"
    elif ".." in number:
        dots = number.index("..")
        answer.low = _number(ch, number[:dots], rest_at)
        answer.high = _number(ch, number[dots + 2 :], rest_at + dots + 2)
        if answer.low > answer.high:
            raise ch.error(rest_at, "numerical range: the minimum is greater than the maximum")
    elif ":" in number:
        colon = number.index(":")
        answer.value = _number(ch, number[:colon], rest_at)
        answer.tolerance = _number(ch, number[colon + 1 :], rest_at + colon + 1)
        if answer.tolerance < 0:
            raise ch.error(rest_at + colon + 1, "numerical answer: the tolerance cannot be negative")
    else:
        answer.value = _number(ch, number, rest_at)
    return answer


def _numerical(ch: _Chunk, body: str, at: int, brace: int) -> list[Answer]:
    lead, segments = _split(body, "=~")
    items = list(segments)
    if lead.strip():
        # "{#3:0.1}": the first answer needs no "=".
        items.insert(0, ("=", -1, lead))
    if not items:
        raise ch.error(at - 1, "numerical answer block has no number")
    answers = [_numeric_answer(ch, marker, seg, at + k + 1) for marker, k, seg in items]
    _nothing_right(ch, answers, brace)
    return answers


def _truefalse(body: str) -> list[Answer]:
    word, _, feedbacks = body.partition("#")
    wrong, _, right = feedbacks.partition("#")
    is_true = word.strip().upper() in TRUE_WORDS
    # GIFT gives "feedback if wrong" then "if right"; the model keeps feedback per choice.
    true_fb, false_fb = (_text(right), _text(wrong)) if is_true else (_text(wrong), _text(right))
    return [
        Answer(text="true", fraction=1.0 if is_true else 0.0, feedback=true_fb),
        Answer(text="false", fraction=0.0 if is_true else 1.0, feedback=false_fb),
    ]


def _ordering(ch: _Chunk, body: str, at: int) -> list[Answer]:
    # An item starts at a ">" that is the first non-blank character of a real line; an escaped
    # \n is a placeholder here, so it never starts an item.
    starts = []
    offset = 0
    for line in body.split("\n"):
        k = _skip_space(line, 0)
        if line.startswith(">", k):
            starts.append(offset + k)
        offset += len(line) + 1
    answers = []
    for n, k in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(body)
        text = _text(body[k + 1 : end])
        if not text:
            raise ch.error(at + k, "empty ordering item")
        answers.append(Answer(text=text, fraction=1.0))
    return answers


def _block(ch: _Chunk, start: int, end: int) -> tuple[str, list[Answer], str]:
    """Parse the answer block between ``{`` at *start* and ``}`` at *end*: (type, answers, general)."""
    content = ch.s[start + 1 : end]
    at = start + 1
    general = ""
    cut = content.find("####")
    if cut >= 0:
        general = _text(content[cut + 4 :])
        content = content[:cut]
    first = _skip_space(content, 0)
    if first == len(content):
        return "essay", [], general
    lead = content[first]
    if lead == "#":
        return "numerical", _numerical(ch, content[first + 1 :], at + first + 1, start), general
    if lead == ">":
        return "ordering", _ordering(ch, content, at), general
    if "~" in content:
        kind, answers = _choice(ch, content, at, start)
        return kind, answers, general
    if "=" in content and "->" in content:
        return "matching", _matching(ch, content, at), general
    if content.partition("#")[0].strip().upper() in TRUE_WORDS + FALSE_WORDS:
        return "truefalse", _truefalse(content), general
    if "=" in content:
        return "shortanswer", _shortanswer(ch, content, at, start), general
    raise ch.error(at + first, "cannot tell the question type: answers start with '=', '~', '#' or '>', "
                   "or write TRUE/FALSE")


def _question(ch: _Chunk, category: str | None, case_at: tuple[int, int] | None) -> Question:
    s = ch.s
    i = _skip_space(s, 0)
    title = ""
    if s.startswith("::", i):
        close = s.find("::", i + 2)
        if close < 0:
            raise ch.error(i, "title not closed: '::' missing after it")
        title = _text(s[i + 2 : close])
        if not title:
            raise ch.error(i, "empty title")
        i = _skip_space(s, close + 2)
    text_format = "moodle"
    tag = FORMAT_TAG.match(s, i)
    if tag:
        text_format = tag.group(1).lower()
        i = tag.end()
    brace = s.find("{", i)
    stray = s.find("}", i, brace if brace >= 0 else len(s))
    if stray >= 0:
        raise ch.error(stray, "unexpected '}' (write \\} for a literal brace)")
    answers: list[Answer] = []
    kind, general, text = "description", "", _text(s[i:])
    if brace >= 0:
        close = s.find("}", brace + 1)
        inner = s.find("{", brace + 1, close if close >= 0 else len(s))
        if inner >= 0:
            raise ch.error(inner, "'{' inside an answer block (write \\{ for a literal brace)")
        if close < 0:
            raise ch.error(brace, "answer block not closed: '}' missing")
        after = s[close + 1 :]
        for extra, what in ((after.find("{"), "a question has one answer block; separate questions "
                             "with a blank line"), (after.find("}"), "unexpected '}'")):
            if extra >= 0:
                raise ch.error(close + 1 + extra, what)
        kind, answers, general = _block(ch, brace, close)
        before = s[i:brace]
        # Missing word: the blank keeps its place in the text (see questions.BLANK).
        text = _text(before + BLANK + after) if after.strip() else _text(before)
    if case_at is not None and kind != "shortanswer":
        raise QuestionFormatError("// case-sensitive applies only to short-answer questions",
                                  *case_at, ch.path)
    return Question(type=kind, title=title, text=text, text_format=text_format, answers=answers,
                    general_feedback=general, category=category,
                    case_sensitive=case_at is not None, line=ch.pos[0][0])


def parse_gift(text: str, path: str | None = None) -> list[Question]:
    """Parse GIFT text into questions; raise QuestionFormatError at the first mistake."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[Question] = []
    category: str | None = None
    chunk: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal category
        content: list[tuple[int, str]] = []
        case_at: tuple[int, int] | None = None
        for lineno, line in chunk:
            stripped = line.strip()
            if stripped.startswith("//"):
                # Comments vanish, except Coach's directive when it precedes the question.
                if not content and CASE_DIRECTIVE_RE.fullmatch(stripped):
                    case_at = (lineno, len(line) - len(line.lstrip()) + 1)
            elif not content and stripped.startswith(CATEGORY_PREFIX):
                category = stripped[len(CATEGORY_PREFIX) :].strip() or None
            else:
                content.append((lineno, line))
        if content:
            questions.append(_question(_make_chunk(content, path), category, case_at))
        elif case_at is not None:
            raise QuestionFormatError("// case-sensitive is not followed by a question "
                                      "(no blank line allowed in between)", *case_at, path)
        chunk.clear()

    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            chunk.append((lineno, line))
        else:
            flush()
    flush()
    return questions
