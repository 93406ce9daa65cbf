"""Question types: a registry from type name to the class that reads a response and grades it.

A question here is the language-resolved snapshot dict that an attempt stores (see bank.py):
`options` for choice types, `accepted` for short answer, `numbers` for numerical, `pairs` and
`choices` for matching, `items` and `display` for ordering. Adding a type is one class.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

Snapshot = dict[str, Any]
MAX_TEXT = 500
MAX_ESSAY = 20_000


class ForgedAnswer(ValueError):
    """A response that the page could not have produced (unknown option, wrong shape)."""


class QuestionType:
    """Base class: a type that takes no answer (description)."""

    name: ClassVar[str] = ""
    gradable: ClassVar[bool] = True
    needs_review: ClassVar[bool] = False

    def read(self, question: Snapshot, form: MultiDict[str, str]) -> Any:
        """The response to store, read from the attempt form (None when unanswered)."""
        return None

    def grade(self, question: Snapshot, response: Any) -> tuple[float | None, str]:
        """(credit from 0 to 1, feedback HTML); credit None means a person must grade it."""
        return 0.0, ""

    @staticmethod
    def field(question: Snapshot) -> str:
        """The form field name for this question."""
        return f"q-{question['key']}"


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 7)


class SingleChoice(QuestionType):
    """One option; the option's credit (partial credit allowed)."""

    name = "single"

    def read(self, question: Snapshot, form: MultiDict[str, str]) -> Any:
        value = form.get(self.field(question))
        if not value:
            return None
        if value not in {o["id"] for o in question["options"]}:
            raise ForgedAnswer(f"option {value!r} is not part of question {question['key']!r}")
        return value

    def grade(self, question: Snapshot, response: Any) -> tuple[float | None, str]:
        option = next((o for o in question["options"] if o["id"] == response), None)
        return (_clamp(option["fraction"]), option.get("feedback", "")) if option else (0.0, "")


class TrueFalse(SingleChoice):
    """True or false: two options."""

    name = "truefalse"


class MultipleResponse(QuestionType):
    """Several options; credits add up (negative ones too), clamped to 0–1."""

    name = "multiple"

    def read(self, question: Snapshot, form: MultiDict[str, str]) -> Any:
        values = sorted(set(form.getlist(self.field(question))))
        known = {o["id"] for o in question["options"]}
        if any(v not in known for v in values):
            raise ForgedAnswer(f"unknown option in question {question['key']!r}")
        return values or None

    def grade(self, question: Snapshot, response: Any) -> tuple[float | None, str]:
        chosen = [o for o in question["options"] if o["id"] in (response or [])]
        feedback = "".join(f"<p>{o['feedback']}</p>" for o in chosen if o.get("feedback"))
        return _clamp(sum(o["fraction"] for o in chosen)), feedback


def normalise_text(value: str, *, case_sensitive: bool) -> str:
    """Compare typed answers ignoring surrounding space, repeated spaces and width (全角/半角)."""
    value = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip()
    return value if case_sensitive else value.casefold()


class ShortAnswer(QuestionType):
    """A typed answer matched against the accepted ones (case-insensitive unless the question says so)."""

    name = "shortanswer"

    def read(self, question: Snapshot, form: MultiDict[str, str]) -> Any:
        value = (form.get(self.field(question)) or "").strip()
        if len(value) > MAX_TEXT:
            raise ForgedAnswer("answer too long")
        return value or None

    def grade(self, question: Snapshot, response: Any) -> tuple[float | None, str]:
        if not response:
            return 0.0, ""
        sensitive = bool(question.get("case_sensitive"))
        typed = normalise_text(response, case_sensitive=sensitive)
        best = max((a for a in question["accepted"]
                    if normalise_text(a["text"], case_sensitive=sensitive) == typed),
                   key=lambda a: a["fraction"], default=None)
        return (_clamp(best["fraction"]), best.get("feedback", "")) if best else (0.0, "")


def parse_number(raw: str) -> float | None:
    """A number as a person types it: full-width digits, spaces and a decimal comma are accepted."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")  # 32,000 or 1,234.5: thousands separators
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # 3,5: a decimal comma
    try:
        return float(text)
    except ValueError:
        return None


class Numerical(QuestionType):
    """A number within a tolerance or a range; several answers may give partial credit."""

    name = "numerical"

    def read(self, question: Snapshot, form: MultiDict[str, str]) -> Any:
        value = (form.get(self.field(question)) or "").strip()
        if len(value) > 50:
            raise ForgedAnswer("number too long")
        return value or None

    def grade(self, question: Snapshot, response: Any) -> tuple[float | None, str]:
        number = parse_number(response) if response else None
        if number is None:
            return 0.0, ""
        matches = [n for n in question["numbers"] if n.get("any") or (
            n["low"] - 1e-9 <= number <= n["high"] + 1e-9)]
        best = max(matches, key=lambda n: (not n.get("any"), n["fraction"]), default=None)
        return (_clamp(best["fraction"]), best.get("feedback", "")) if best else (0.0, "")


class Matching(QuestionType):
    """Each left-hand item matched to one of the right-hand choices; credit is the share right."""

    name = "matching"

    def read(self, question: Snapshot, form: MultiDict[str, str]) -> Any:
        choices = set(question["choices"])
        response = {}
        for pair in question["pairs"]:
            value = form.get(f"{self.field(question)}-{pair['id']}")
            if value:
                if value not in choices:
                    raise ForgedAnswer(f"unknown choice in question {question['key']!r}")
                response[pair["id"]] = value
        return response or None

    def grade(self, question: Snapshot, response: Any) -> tuple[float | None, str]:
        pairs = question["pairs"]
        right = sum(1 for p in pairs if (response or {}).get(p["id"]) == p["right"])
        return _clamp(right / len(pairs)) if pairs else 0.0, ""


class Ordering(QuestionType):
    """Items put in order by choosing each one's position; credit is the share in the right place."""

    name = "ordering"

    def read(self, question: Snapshot, form: MultiDict[str, str]) -> Any:
        count = len(question["items"])
        response = {}
        for item in question["items"]:
            value = form.get(f"{self.field(question)}-{item['id']}")
            if value:
                if not value.isdigit() or not 1 <= int(value) <= count:
                    raise ForgedAnswer(f"position out of range in question {question['key']!r}")
                response[item["id"]] = int(value)
        return response or None

    def grade(self, question: Snapshot, response: Any) -> tuple[float | None, str]:
        items = question["items"]
        right = sum(1 for index, item in enumerate(items, start=1) if (response or {}).get(item["id"]) == index)
        return _clamp(right / len(items)) if items else 0.0, ""


class Essay(QuestionType):
    """Free text, graded later by the learner's mentor or manager."""

    name = "essay"
    needs_review = True

    def read(self, question: Snapshot, form: MultiDict[str, str]) -> Any:
        value = (form.get(self.field(question)) or "").strip()
        if len(value) > MAX_ESSAY:
            raise ForgedAnswer("essay too long")
        return value or None

    def grade(self, question: Snapshot, response: Any) -> tuple[float | None, str]:
        return (None, "") if response else (0.0, "")


class Description(QuestionType):
    """Text between questions; nothing to answer, not counted."""

    name = "description"
    gradable = False


REGISTRY: dict[str, QuestionType] = {
    cls.name: cls() for cls in (SingleChoice, TrueFalse, MultipleResponse, ShortAnswer, Numerical, Matching,
                                Ordering, Essay, Description)
}
