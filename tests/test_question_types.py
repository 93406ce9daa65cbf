"""Grading each question type, partial credit and its rounding, from GIFT to credit."""
from __future__ import annotations

import random

import pytest
from werkzeug.datastructures import MultiDict

from coach.content.gift import parse_gift
from coach.quizzes.bank import snapshot_question, stored_question
from coach.quizzes.types import REGISTRY, ForgedAnswer, parse_number


def _question(gift: str) -> dict:
    stored = stored_question(parse_gift(gift)[0])
    return snapshot_question({"en": stored}, "en", shuffle=False, rng=random.Random(1))


def _grade(gift: str, form: dict) -> float | None:
    question = _question(gift)
    kind = REGISTRY[question["type"]]
    return kind.grade(question, kind.read(question, MultiDict(form)))[0]


CASES = [
    ("single right", "::s::Pick{=a ~b ~c}", {"q-s": "0"}, 1.0),
    ("single wrong", "::s::Pick{=a ~b ~c}", {"q-s": "1"}, 0.0),
    ("single partial", "::s::Pick{=a ~%50%b ~c}", {"q-s": "1"}, 0.5),
    ("unanswered", "::s::Pick{=a ~b}", {}, 0.0),
    ("true false", "::t::Sky is blue{T}", {"q-t": "0"}, 1.0),
    ("true false wrong", "::t::Sky is blue{T}", {"q-t": "1"}, 0.0),
    ("multiple all right", "::m::Pick{~%50%a ~%50%b ~%-100%c}", {"q-m": ["0", "1"]}, 1.0),
    ("multiple one of two", "::m::Pick{~%50%a ~%50%b ~%-100%c}", {"q-m": ["0"]}, 0.5),
    ("multiple penalty clamps at zero", "::m::Pick{~%50%a ~%50%b ~%-100%c}", {"q-m": ["0", "2"]}, 0.0),
    ("multiple thirds round", "::m::Pick{~%33.33333%a ~%33.33333%b ~%33.33334%c ~%-100%d}", {"q-m": ["0"]}, 0.3333333),
    ("short answer", "::a::Capital of France?{=Paris =paris city}", {"q-a": "  PARIS "}, 1.0),
    ("short answer full width", "::a::Capital?{=Paris}", {"q-a": "ＰＡＲＩＳ"}, 1.0),
    ("short answer partial", "::a::Capital?{=Paris =%50%Lutetia}", {"q-a": "lutetia"}, 0.5),
    ("short answer case sensitive", "// case-sensitive\n::a::Code?{=QY-S100}", {"q-a": "qy-s100"}, 0.0),
    ("numerical tolerance", "::n::Margin?{#32000:500}", {"q-n": "32,400"}, 1.0),
    ("numerical outside", "::n::Margin?{#32000:500}", {"q-n": "33000"}, 0.0),
    ("numerical range", "::n::Between?{#1..5}", {"q-n": "4.5"}, 1.0),
    ("numerical partial", "::n::Pi?{#=3.14:0.005 =%50%3:0.5}", {"q-n": "3,2"}, 0.5),
    ("numerical junk", "::n::Pi?{#3.14}", {"q-n": "pi"}, 0.0),
    ("matching all", "::x::Match{=a -> 1 =b -> 2 =c -> 3}", {"q-x-0": "1", "q-x-1": "2", "q-x-2": "3"}, 1.0),
    ("matching two of three", "::x::Match{=a -> 1 =b -> 2 =c -> 3}", {"q-x-0": "1", "q-x-1": "3", "q-x-2": "2"},
     0.3333333),
    ("ordering right", "::o::Order{\n> one\n> two\n> three\n}", {"q-o-0": "1", "q-o-1": "2", "q-o-2": "3"}, 1.0),
    ("ordering swapped", "::o::Order{\n> one\n> two\n> three\n}", {"q-o-0": "2", "q-o-1": "1", "q-o-2": "3"},
     0.3333333),
    ("essay waits", "::e::Explain{}", {"q-e": "Because value."}, None),
    ("empty essay is zero", "::e::Explain{}", {}, 0.0),
]


@pytest.mark.parametrize(("gift", "form", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_grading(gift, form, expected):
    assert _grade(gift, form) == expected


@pytest.mark.parametrize(("gift", "form"), [
    ("::s::Pick{=a ~b}", {"q-s": "7"}),
    ("::m::Pick{~%50%a ~%50%b}", {"q-m": ["0", "9"]}),
    ("::x::Match{=a -> 1 =b -> 2}", {"q-x-0": "nope"}),
    ("::o::Order{\n> a\n> b\n}", {"q-o-0": "3"}),
])
def test_forged_responses(gift, form):
    question = _question(gift)
    with pytest.raises(ForgedAnswer):
        REGISTRY[question["type"]].read(question, MultiDict(form))


@pytest.mark.parametrize(("raw", "value"), [("32,000", 32000.0), ("3,5", 3.5), ("１２", 12.0), (" 7 ", 7.0),
                                            ("1,234.5", 1234.5), ("abc", None)])
def test_parse_number(raw, value):
    assert parse_number(raw) == value


def test_every_type_is_registered():
    from coach.content.questions import QUESTION_TYPES  # noqa: PLC0415

    assert set(REGISTRY) == set(QUESTION_TYPES)
