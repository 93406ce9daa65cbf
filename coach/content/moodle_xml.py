"""Read and write Moodle XML question banks for the question types of questions.py.

Mapping: ``multichoice`` (``<single>`` decides single/multiple, ``fraction`` is a percentage),
``truefalse``, ``shortanswer`` (``<usecase>`` = case_sensitive), ``numerical`` (``<tolerance>``),
``matching`` (``<subquestion>``), ``essay``, ``description``, ``ordering`` (the qtype_ordering
plugin; its ``fraction`` attribute holds each item's position), and ``<question type="category">``
pseudo-questions, whose path applies to the questions after them. ``<questiontext format>``
gives text_format: ``moodle_auto_format``, ``html``, ``plain_text``, ``markdown``.

Lossy on purpose: Moodle XML has no numerical ranges, so a range ``low..high`` is exported as
``value=(low+high)/2, tolerance=(high-low)/2`` and reads back in that form. Embedded files,
hints, units, combined feedback and other per-type settings are not read; the writer fills in
Moodle's defaults.

Safety: the input is parsed with expat and any DOCTYPE or entity declaration is refused, so
neither external entities nor entity expansion ("billion laughs") can happen. Errors raise
QuestionFormatError with expat's line and column, or those of the offending element.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from .moodle_xml_writer import FORMATS, MOODLE_TYPES, write_moodle_xml
from .questions import Answer, Question, QuestionFormatError, round_fraction

__all__ = ["parse_moodle_xml", "write_moodle_xml"]

_FORMAT_NAMES = {moodle: ours for ours, moodle in FORMATS.items()}
# Moodle's type names back to ours; "multichoice" reads as single choice until <single> says otherwise.
_TYPES = {moodle: ours for ours, moodle in MOODLE_TYPES.items() if ours != "multiple"}


@dataclass
class _Node:
    """An element with its source position; enough of a DOM for question banks."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[_Node] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def find(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def find_all(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]


class _Refused(Exception):
    """Raised from expat callbacks to stop at a construct we do not accept."""


def _tree(text: str, path: str | None) -> _Node:
    parser = expat.ParserCreate()
    # Never read anything from outside the document, even if a declaration slipped through.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Node] = []
    root: list[_Node] = []

    def refuse(*_: object) -> None:
        raise _Refused("DOCTYPE and entity declarations are not allowed in question banks")

    def refuse_external(_context: str, _base: str | None, _system: str | None, _public: str | None) -> int:
        refuse()
        return 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag, attrs, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        (stack[-1].children if stack else root).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].chunks.append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text.removeprefix("\ufeff"), True)
    except expat.ExpatError as exc:
        raise QuestionFormatError(expat.ErrorString(exc.code), exc.lineno, exc.offset + 1, path) from None
    except _Refused as exc:
        # Expat reports the end of "<!DOCTYPE name ["; point at its start instead.
        at = text.find("<!DOCTYPE")
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        if at >= 0:
            line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise QuestionFormatError(str(exc), line, column, path) from None
    return root[0]


@dataclass
class _Reader:
    """Turns the element tree into questions, reporting errors at element positions."""

    path: str | None

    def error(self, node: _Node, message: str) -> QuestionFormatError:
        return QuestionFormatError(message, node.line, node.column, self.path)

    def text(self, node: _Node | None, tag: str = "text") -> str:
        """The stripped content of *node*'s ``<text>`` child (empty when absent)."""
        if node is None:
            return ""
        child = node.find(tag)
        if child is None:
            return ""
        if child.children:
            raise self.error(child.children[0], f"<{tag}> must hold text only (wrap HTML in CDATA)")
        return child.text.strip()

    def number(self, node: _Node, raw: str, what: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise self.error(node, f"{what} {raw!r} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise self.error(node, f"{what} {raw!r} is not a finite number")
        return value

    def fraction(self, node: _Node) -> float:
        return round_fraction(self.number(node, node.attrs.get("fraction", "0"), "fraction") / 100.0)

    def answers(self, q: _Node) -> list[Answer]:
        return [Answer(text=self.text(a), fraction=self.fraction(a), feedback=self.text(a.find("feedback")))
                for a in q.find_all("answer")]

    def flag(self, q: _Node, tag: str, default: bool) -> bool:
        node = q.find(tag)
        if node is None or not node.text.strip():
            return default
        return node.text.strip().lower() in ("1", "true", "yes")

    def truefalse(self, q: _Node) -> list[Answer]:
        found = {a.text.lower(): a for a in self.answers(q)}
        if set(found) != {"true", "false"}:
            raise self.error(q, "a truefalse question needs the answers 'true' and 'false'")
        is_true = found["true"].fraction > found["false"].fraction
        return [Answer("true", 1.0 if is_true else 0.0, found["true"].feedback),
                Answer("false", 0.0 if is_true else 1.0, found["false"].feedback)]

    def numerical(self, q: _Node) -> list[Answer]:
        answers = []
        for node in q.find_all("answer"):
            answer = Answer(fraction=self.fraction(node), feedback=self.text(node.find("feedback")))
            raw = self.text(node)
            if raw == "*":
                answer.text = "*"
            else:
                answer.value = self.number(node, raw, "numerical answer")
                tolerance = node.find("tolerance")
                if tolerance is not None and tolerance.text.strip():
                    answer.tolerance = self.number(tolerance, tolerance.text.strip(), "tolerance")
            answers.append(answer)
        return answers

    def matching(self, q: _Node) -> list[Answer]:
        answers = []
        for sub in q.find_all("subquestion"):
            left, right = self.text(sub), self.text(sub.find("answer"))
            answers.append(Answer(text=left, fraction=1.0 if left else 0.0, match=right))
        return answers

    def ordering(self, q: _Node) -> list[Answer]:
        nodes = q.find_all("answer")
        positions = [n.attrs.get("fraction", "") for n in nodes]
        try:
            keys = [float(p) for p in positions]
        except ValueError:
            keys = []
        # qtype_ordering stores each item's position in "fraction"; use it when it is one.
        if keys and len(set(keys)) == len(keys) and min(keys) > 0:
            nodes = [n for _, n in sorted(zip(keys, nodes), key=lambda pair: pair[0])]
        return [Answer(text=self.text(n), fraction=1.0) for n in nodes]

    def question(self, q: _Node, category: str | None) -> Question:
        moodle_type = q.attrs.get("type", "")
        if moodle_type not in _TYPES:
            raise self.error(q, f"unsupported question type {moodle_type!r}")
        kind = _TYPES[moodle_type]
        text_node = q.find("questiontext")
        fmt = (text_node.attrs.get("format", "moodle_auto_format") if text_node is not None
               else "moodle_auto_format")
        if fmt not in _FORMAT_NAMES:
            raise self.error(text_node or q, f"unknown text format {fmt!r}")
        answers: list[Answer] = []
        if moodle_type == "multichoice":
            kind = "single" if self.flag(q, "single", True) else "multiple"
            answers = self.answers(q)
        elif moodle_type == "truefalse":
            answers = self.truefalse(q)
        elif moodle_type == "shortanswer":
            answers = self.answers(q)
        elif moodle_type == "numerical":
            answers = self.numerical(q)
        elif moodle_type == "matching":
            answers = self.matching(q)
        elif moodle_type == "ordering":
            answers = self.ordering(q)
        return Question(
            type=kind,
            title=self.text(q.find("name")),
            text=self.text(text_node),
            text_format=_FORMAT_NAMES[fmt],
            answers=answers,
            general_feedback=self.text(q.find("generalfeedback")),
            category=category,
            case_sensitive=moodle_type == "shortanswer" and self.flag(q, "usecase", False),
            line=q.line,
        )


def parse_moodle_xml(text: str, path: str | None = None) -> list[Question]:
    """Parse a Moodle XML question bank; raise QuestionFormatError with line and column."""
    root = _tree(text, path)
    reader = _Reader(path)
    if root.tag != "quiz":
        raise reader.error(root, f"expected <quiz> as the root element, found <{root.tag}>")
    questions: list[Question] = []
    category: str | None = None
    for node in root.children:
        if node.tag != "question":
            raise reader.error(node, f"unexpected <{node.tag}> in <quiz>")
        if node.attrs.get("type") == "category":
            category = reader.text(node.find("category")) or None
            continue
        questions.append(reader.question(node, category))
    return questions
