"""Aiken reader: single-choice questions, options A. / A), ANSWER: X."""

from __future__ import annotations

import pytest

from coach.content.aiken import parse_aiken
from coach.content.gift import parse_gift, write_gift
from coach.content.questions import Answer, Question, QuestionFormatError, validate


def _single(text: str, options: list[str], right: int, line: int = 1, title: str | None = None) -> Question:
    return Question(type="single", title=text if title is None else title, text=text,
                    answers=[Answer(o, 1.0 if i == right else 0.0) for i, o in enumerate(options)], line=line)


CASES: list[tuple[str, str, list[Question]]] = [
    ("basic", "What is BATNA?\nA. Best alternative\nB. Best available terms\nANSWER: A\n",
     [_single("What is BATNA?", ["Best alternative", "Best available terms"], 0)]),
    ("parenthesis-options", "Pick one\nA) one\nB) two\nC) three\nANSWER: C",
     [_single("Pick one", ["one", "two", "three"], 2)]),
    ("several-questions", "Q1\nA. a\nB. b\nANSWER: B\n\n\nQ2\nA. c\nB. d\nANSWER:A\n",
     [_single("Q1", ["a", "b"], 1), _single("Q2", ["c", "d"], 0, line=7)]),
    ("no-blank-between", "Q1\nA. a\nB. b\nANSWER: A\nQ2\nA. c\nB. d\nANSWER: B",
     [_single("Q1", ["a", "b"], 0), _single("Q2", ["c", "d"], 1, line=5)]),
    ("multi-line-question", "A customer says the price is too high.\nWhat do you ask first?\n"
                            "A. What they compare it with\nB. Whether they want a discount\nANSWER: A",
     [_single("A customer says the price is too high.\nWhat do you ask first?",
              ["What they compare it with", "Whether they want a discount"], 0,
              title="A customer says the price is too high. What do you ask first?")]),
    ("long-title-is-cut", "x " * 60 + "\nA. a\nB. b\nANSWER: A",
     [_single(("x " * 60).strip(), ["a", "b"], 0, title=("x " * 40).strip())]),
    ("crlf-bom-indent", "\ufeff  Q\r\n  A. a\r\n  B. b\r\n  ANSWER: B\r\n", [_single("Q", ["a", "b"], 1)]),
    ("gift-metacharacters", "Is {x} = 1?\nA. ~yes~\nB. #no#\nANSWER: B", [_single("Is {x} = 1?", ["~yes~", "#no#"], 1)]),
]

ERRORS: list[tuple[str, str, int, int, str]] = [
    ("missing-answer", "Q\nA. a\nB. b\n", 1, 1, "no 'ANSWER: X'"),
    ("answer-letter-unknown", "Q\nA. a\nB. b\nANSWER: D", 4, 9, "names no option"),
    ("answer-not-a-letter", "Q\nA. a\nB. b\nANSWER: yes", 4, 9, "one capital letter"),
    ("answer-empty", "Q\nA. a\nB. b\nANSWER:", 4, 8, "one capital letter"),
    ("answer-without-question", "ANSWER: A", 1, 1, "without a question"),
    ("one-option", "Q\nA. a\nANSWER: A", 3, 1, "at least two options"),
    ("option-first", "A. a\nB. b\nANSWER: A", 1, 1, "question text before it"),
    ("duplicate-option", "Q\nA. a\n  A. b\nANSWER: A", 3, 3, "appears twice"),
    ("empty-option", "Q\nA. a\nB.\nANSWER: A", 3, 1, "has no text"),
    ("text-after-options", "Q\nA. a\nB. b\nmore text\nANSWER: A", 4, 1, "text after the options"),
]


@pytest.mark.parametrize(("source", "expected"), [pytest.param(s, e, id=i) for i, s, e in CASES])
def test_parse(source: str, expected: list[Question]) -> None:
    parsed = parse_aiken(source)
    assert parsed == expected
    assert [q.line for q in parsed] == [q.line for q in expected]
    assert all(validate(q) == [] for q in parsed)
    # Aiken questions move on to GIFT without loss.
    assert parse_gift(write_gift(parsed)) == parsed


@pytest.mark.parametrize(("source", "line", "column", "message"),
                         [pytest.param(s, ln, c, m, id=i) for i, s, ln, c, m in ERRORS])
def test_errors(source: str, line: int, column: int, message: str) -> None:
    with pytest.raises(QuestionFormatError) as info:
        parse_aiken(source, path="bank.txt")
    assert (info.value.line, info.value.column) == (line, column), str(info.value)
    assert message in info.value.message
    assert str(info.value).startswith(f"bank.txt:{line}:{column}: ")


def test_empty_file() -> None:
    assert parse_aiken("\n\n") == []
