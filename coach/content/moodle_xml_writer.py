"""Write questions as Moodle XML (mapping documented in moodle_xml.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .questions import Answer, Question, format_number, format_percent

# Our text_format names and Moodle's.
FORMATS = {"moodle": "moodle_auto_format", "html": "html", "plain": "plain_text", "markdown": "markdown"}

MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "shortanswer": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
    "essay": "essay",
    "description": "description",
    "ordering": "ordering",
}

# Characters XML 1.0 cannot carry at all; writing them would produce a file nobody can read.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = None) -> ET.Element:
    """Add ``<tag format=..><text>value</text></tag>``, Moodle's shape for every text."""
    if _NOT_XML.search(value):
        raise ValueError(f"text {value[:40]!r} contains a character XML cannot hold")
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def _value(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _answer(parent: ET.Element, a: Answer, fraction: str, fmt: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    value = a.text if text is None else text
    if _NOT_XML.search(value):
        raise ValueError(f"answer {value[:40]!r} contains a character XML cannot hold")
    ET.SubElement(el, "text").text = value
    _text(el, "feedback", a.feedback, fmt)
    return el


def _choice(el: ET.Element, q: Question, fmt: str) -> None:
    _value(el, "single", "true" if q.type == "single" else "false")
    _value(el, "shuffleanswers", "true")
    _value(el, "answernumbering", "abc")
    for a in q.answers:
        _answer(el, a, format_percent(a.fraction), fmt)


def _truefalse(el: ET.Element, q: Question, fmt: str) -> None:
    for a in q.answers:
        _answer(el, a, format_percent(a.fraction), fmt, text=a.text.lower())


def _shortanswer(el: ET.Element, q: Question, fmt: str) -> None:
    _value(el, "usecase", "1" if q.case_sensitive else "0")
    for a in q.answers:
        _answer(el, a, format_percent(a.fraction), fmt)


def _numerical(el: ET.Element, q: Question, fmt: str) -> None:
    for a in q.answers:
        value, tolerance = a.value, a.tolerance
        if a.low is not None and a.high is not None:
            # Moodle XML has no ranges: the midpoint plus half the width accepts the same numbers.
            value, tolerance = (a.low + a.high) / 2, (a.high - a.low) / 2
        if a.text == "*":
            number = "*"
        elif value is None:
            raise ValueError(f"{q.title!r}: numerical answer without a number")
        else:
            number = format_number(value)
        answer = _answer(el, a, format_percent(a.fraction), fmt, text=number)
        _value(answer, "tolerance", format_number(tolerance))
    _value(el, "unitgradingtype", "0")
    _value(el, "unitpenalty", "0.1000000")
    _value(el, "showunits", "3")
    _value(el, "unitsleft", "0")


def _matching(el: ET.Element, q: Question, fmt: str) -> None:
    _value(el, "shuffleanswers", "true")
    for a in q.answers:
        sub = _text(el, "subquestion", a.text, fmt)
        _text(sub, "answer", a.match or "")


def _ordering(el: ET.Element, q: Question, fmt: str) -> None:
    for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", "0"),
                       ("gradingtype", "ABSOLUTE_POSITION"), ("showgrading", "SHOW"),
                       ("numberingstyle", "none")):
        _value(el, tag, value)
    for position, a in enumerate(q.answers, start=1):
        # qtype_ordering keeps the correct position of each item in "fraction".
        _answer(el, a, str(position), fmt)


def _essay(el: ET.Element, q: Question, fmt: str) -> None:
    for tag, value in (("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", "15"), ("attachments", "0"),
                       ("attachmentsrequired", "0")):
        _value(el, tag, value)
    _text(el, "graderinfo", "", "html")
    _text(el, "responsetemplate", "", "html")


_WRITERS = {
    "single": _choice,
    "multiple": _choice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "essay": _essay,
}


def _question(root: ET.Element, q: Question) -> None:
    if q.type not in MOODLE_TYPES:
        raise ValueError(f"{q.title!r}: unknown question type {q.type!r}")
    fmt = FORMATS.get(q.text_format)
    if fmt is None:
        raise ValueError(f"{q.title!r}: unknown text format {q.text_format!r}")
    el = ET.SubElement(root, "question", {"type": MOODLE_TYPES[q.type]})
    _text(el, "name", q.title)
    _text(el, "questiontext", q.text, fmt)
    _text(el, "generalfeedback", q.general_feedback, fmt)
    _value(el, "defaultgrade", "0" if q.type == "description" else "1")
    _value(el, "penalty", "0.3333333")
    _value(el, "hidden", "0")
    if q.type in _WRITERS:
        _WRITERS[q.type](el, q, fmt)


def write_moodle_xml(questions: list[Question]) -> str:
    """Write questions as a Moodle XML question bank (``<quiz>``), categories included."""
    root = ET.Element("quiz")
    category: str | None = None
    for q in questions:
        if q.category != category:
            holder = ET.SubElement(root, "question", {"type": "category"})
            _text(holder, "category", q.category or "")
            category = q.category
        _question(root, q)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
