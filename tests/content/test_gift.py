"""GIFT reader and writer: a table of GIFT sources and the questions they must become."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path

import pytest

from coach.content.gift import parse_gift, write_gift
from coach.content.moodle_xml import parse_moodle_xml, write_moodle_xml
from coach.content.questions import BLANK, Answer, Question, QuestionFormatError, validate

CONTENT = Path(__file__).resolve().parents[2] / "content"
QUIZZES = CONTENT / "quizzes"


def Q(type_: str, title: str, text: str, *answers: Answer, line: int = 1, **kw: object) -> Question:
    """Shorthand for an expected question (``line`` is checked separately: it is not compared)."""
    return Question(type=type_, title=title, text=text, answers=list(answers), line=line, **kw)  # type: ignore[arg-type]


def A(text: str = "", fraction: float = 0.0, feedback: str = "", **kw: object) -> Answer:
    """Shorthand for an expected answer."""
    return Answer(text=text, fraction=fraction, feedback=feedback, **kw)  # type: ignore[arg-type]


def TF(correct: bool, true_fb: str = "", false_fb: str = "") -> list[Answer]:
    """The two answers of a true/false question."""
    return [A("true", 1.0 if correct else 0.0, true_fb), A("false", 0.0 if correct else 1.0, false_fb)]


def N(value: float | None = None, tolerance: float = 0.0, fraction: float = 1.0, feedback: str = "",
      low: float | None = None, high: float | None = None, text: str = "") -> Answer:
    """A numerical answer."""
    return Answer(text=text, fraction=fraction, feedback=feedback, value=value, tolerance=tolerance,
                  low=low, high=high)


def M(left: str, right: str) -> Answer:
    """A matching pair (an empty left side is a distractor worth nothing)."""
    return Answer(text=left, fraction=1.0 if left else 0.0, match=right)


def O(*items: str) -> list[Answer]:
    """Ordering items in the right order."""
    return [Answer(text=item, fraction=1.0) for item in items]


CASES: list[tuple[str, str, list[Question]]] = [
    # --- comments, separation, titles, categories -------------------------------------------
    ("comments", "// a comment\n  // indented comment\n::t::See http://example.com{}\n",
     [Q("essay", "t", "See http://example.com", line=3)]),
    ("comment-inside-block", "::t::Q{\n// why b is right\n=b\n~c\n}",
     [Q("single", "t", "Q", A("b", 1.0), A("c"))]),
    ("blank-line-separates", "::a::One{}\n\n   \n::b::Two{}",
     [Q("essay", "a", "One"), Q("essay", "b", "Two", line=4)]),
    ("no-title", "What is 2+2?{=4 ~5}", [Q("single", "", "What is 2+2?", A("4", 1.0), A("5"))]),
    ("title-with-colon", r"::Time\: 10\:30::When?{}", [Q("essay", "Time: 10:30", "When?")]),
    ("categories", "$CATEGORY: sales/basics\n\n::a::A\n\n::b::B\n\n$CATEGORY: sales/advanced\n"
                   "::c::C\n\n$CATEGORY:\n\n::d::D",
     [Q("description", "a", "A", category="sales/basics", line=3),
      Q("description", "b", "B", category="sales/basics", line=5),
      Q("description", "c", "C", category="sales/advanced", line=8),
      Q("description", "d", "D", line=12)]),
    # --- escapes, newlines, formats ---------------------------------------------------------
    ("escapes", r"::t::Use \{braces\} \~ \= \# \: here{=a\=b\~c#fb \#1 ~\{x\}}",
     [Q("single", "t", "Use {braces} ~ = # : here", A("a=b~c", 1.0, "fb #1"), A("{x}"))]),
    ("newline-and-backslash", r"::t::Line one\nLine two \\ C:\\new and a\b{}",
     [Q("essay", "t", "Line one\nLine two \\ C:\\new and a\\b")]),
    ("format-markdown", "::t::[markdown]**Bold** question{}", [Q("essay", "t", "**Bold** question",
                                                                  text_format="markdown")]),
    ("format-html", "::t::[html]<p>Hi</p>{T}", [Q("truefalse", "t", "<p>Hi</p>", *TF(True), text_format="html")]),
    ("format-plain", "::t:: [plain] a < b{}", [Q("essay", "t", "a < b", text_format="plain")]),
    ("format-moodle", "::t::[moodle]Hi{}", [Q("essay", "t", "Hi")]),
    ("unknown-tag-is-text", "::t::[note] Hi", [Q("description", "t", "[note] Hi")]),
    # --- single choice ----------------------------------------------------------------------
    ("single", "::t::Pick{=right ~wrong ~also wrong}",
     [Q("single", "t", "Pick", A("right", 1.0), A("wrong"), A("also wrong"))]),
    ("single-partial", "::t::Pick{=best ~%50%half ~%-25%bad ~none}",
     [Q("single", "t", "Pick", A("best", 1.0), A("half", 0.5), A("bad", -0.25), A("none"))]),
    ("single-eq-weight", "::t::Pick{=%50%half =full ~no}",
     [Q("single", "t", "Pick", A("half", 0.5), A("full", 1.0), A("no"))]),
    ("single-feedback", "::t::Pick{\n=yes#Right: good.\n~no#Wrong.\n####Because.\n}",
     [Q("single", "t", "Pick", A("yes", 1.0, "Right: good."), A("no", 0.0, "Wrong."),
        general_feedback="Because.")]),
    ("percent-in-text", "::t::Discount?{=10% ~%0%%20 off =%100%%x%}",
     [Q("single", "t", "Discount?", A("10%", 1.0), A("%20 off"), A("%x%", 1.0))]),
    # --- multiple response ------------------------------------------------------------------
    ("multiple", "::t::Which?{\n~%50%a\n~%50%b\n~%-100%c\n~d\n}",
     [Q("multiple", "t", "Which?", A("a", 0.5), A("b", 0.5), A("c", -1.0), A("d"))]),
    ("multiple-decimals", "::t::Which?{~%33.33333%a ~%33.33333%b ~%33.33334%c ~%-100%d}",
     [Q("multiple", "t", "Which?", A("a", 0.3333333), A("b", 0.3333333), A("c", 0.3333334), A("d", -1.0))]),
    # --- true/false ---------------------------------------------------------------------------
    ("tf-T", "::t::Sky is blue.{T}", [Q("truefalse", "t", "Sky is blue.", *TF(True))]),
    ("tf-TRUE", "::t::Sky is blue.{TRUE}", [Q("truefalse", "t", "Sky is blue.", *TF(True))]),
    ("tf-F", "::t::Sky is green.{F}", [Q("truefalse", "t", "Sky is green.", *TF(False))]),
    ("tf-FALSE", "::t::Sky is green.{FALSE}", [Q("truefalse", "t", "Sky is green.", *TF(False))]),
    ("tf-feedback-true", "::t::Sky is blue.{TRUE#No, look up.#Yes.}",
     [Q("truefalse", "t", "Sky is blue.", *TF(True, true_fb="Yes.", false_fb="No, look up."))]),
    ("tf-feedback-false", "::t::Sky is green.{F#It is blue.#Right.####Physics.}",
     [Q("truefalse", "t", "Sky is green.", *TF(False, true_fb="It is blue.", false_fb="Right."),
        general_feedback="Physics.")]),
    # --- short answer -------------------------------------------------------------------------
    ("shortanswer", "::t::Capital of France?{=Paris =paris#ok =%50%Lyon#close}",
     [Q("shortanswer", "t", "Capital of France?", A("Paris", 1.0), A("paris", 1.0, "ok"), A("Lyon", 0.5, "close"))]),
    ("case-sensitive", "// case-sensitive\n::t::Our brand?{=ACME}",
     [Q("shortanswer", "t", "Our brand?", A("ACME", 1.0), case_sensitive=True, line=2)]),
    ("case-sensitive-after-comment", "// case-sensitive\n// spelled in capitals\n::t::Brand?{=ACME}",
     [Q("shortanswer", "t", "Brand?", A("ACME", 1.0), case_sensitive=True, line=3)]),
    # --- numerical ----------------------------------------------------------------------------
    ("numerical-tolerance", "::t::Pi?{#3.14:0.01}", [Q("numerical", "t", "Pi?", N(3.14, 0.01))]),
    ("numerical-exact", "::t::Ten?{#10}", [Q("numerical", "t", "Ten?", N(10.0))]),
    ("numerical-range", "::t::1 to 5?{#1..5}", [Q("numerical", "t", "1 to 5?", N(low=1.0, high=5.0))]),
    ("numerical-negative", "::t::Loss?{#-2.5e3:-0}", [Q("numerical", "t", "Loss?", N(-2500.0, 0.0))]),
    ("numerical-feedback", "::t::Pi?{#3.14:0.01#Good.}", [Q("numerical", "t", "Pi?", N(3.14, 0.01, feedback="Good."))]),
    ("numerical-several", "::t::Three?{#\n=%100%3:0\n=%50%3:1#Close.\n~#Not even close.\n####Count.\n}",
     [Q("numerical", "t", "Three?", N(3.0), N(3.0, 1.0, 0.5, "Close."), N(fraction=0.0, feedback="Not even close.",
                                                                        text="*"), general_feedback="Count.")]),
    ("numerical-one-line", "::t::Three?{# =3 =%50%2..4 =%0%*#Any}",
     [Q("numerical", "t", "Three?", N(3.0), N(fraction=0.5, low=2.0, high=4.0), N(fraction=0.0, feedback="Any",
                                                                                 text="*"))]),
    # --- matching, essay, description, ordering --------------------------------------------
    ("matching", "::t::Match.{\n=Lead -> First contact\n=Close -> Contract\n= -> Invoice\n}",
     [Q("matching", "t", "Match.", M("Lead", "First contact"), M("Close", "Contract"), M("", "Invoice"))]),
    ("matching-arrow-on-right", "::t::Match.{=a -> b -> c =d->e}", [Q("matching", "t", "Match.", M("a", "b -> c"), M("d", "e"))]),
    ("essay", "::t::Describe your last deal.{}", [Q("essay", "t", "Describe your last deal.")]),
    ("essay-general-feedback", "::t::Describe.{####Mention the budget.}",
     [Q("essay", "t", "Describe.", general_feedback="Mention the budget.")]),
    ("description", "::intro::This section is about concessions.", [Q("description", "intro", "This section is about concessions.")]),
    ("ordering", "::t::Order the stages.{\n  > Lead\n  > Needs discovery\n  > Closing\n}",
     [Q("ordering", "t", "Order the stages.", *O("Lead", "Needs discovery", "Closing"))]),
    ("ordering-multiline-item", "::t::Order.{\n> First\n  still first\n> Second \\> not an item\n####Why.\n}",
     [Q("ordering", "t", "Order.", *O("First\n  still first", "Second \\> not an item"), general_feedback="Why.")]),
    # --- missing word, layout -------------------------------------------------------------------
    ("missing-word-single", "::t::The customer {=signs ~leaves} the contract.",
     [Q("single", "t", f"The customer {BLANK} the contract.", A("signs", 1.0), A("leaves"))]),
    ("missing-word-short", "::t::Max discount is {=10% =10 =ten percent} percent.",
     [Q("shortanswer", "t", f"Max discount is {BLANK} percent.", A("10%", 1.0), A("10", 1.0), A("ten percent", 1.0))]),
    ("missing-word-at-start", "::t::{~no =yes} is the answer.", [Q("single", "t", f"{BLANK} is the answer.", A("no"), A("yes", 1.0))]),
    ("multiline-question", "::t::First line\nsecond line\n  indented line\n{\n=a\n  continued\n~b}",
     [Q("single", "t", "First line\nsecond line\n  indented line", A("a\n  continued", 1.0), A("b"))]),
    ("multiline-after-block", "::t::Fill {=in ~out}\nthe blank.",
     [Q("single", "t", f"Fill {BLANK}\nthe blank.", A("in", 1.0), A("out"))]),
    ("crlf-and-bom", "\ufeff::a::A{T}\r\n\r\n::b::B{F}\r\n", [Q("truefalse", "a", "A", *TF(True)), Q("truefalse", "b", "B", *TF(False), line=3)]),
]

ERRORS: list[tuple[str, str, int, int, str]] = [
    ("unclosed-brace", "::t::Q{=a ~b", 1, 7, "not closed"),
    ("unclosed-brace-multiline", "::a::A{}\n\n::t::Q\n  {\n=a\n~b", 4, 3, "not closed"),
    ("brace-inside-block", "::t::Q{=a {=b}", 1, 11, "'{' inside"),
    ("stray-close-brace", "::t::Q} x", 1, 7, "unexpected '}'"),
    ("second-block", "::t::Q{=a ~b}\n::u::R{=c ~d}", 2, 7, "blank line"),
    ("unknown-weight", "::t::Q{=a\n ~%x%b}", 2, 3, "unknown weight %x%"),
    ("weight-out-of-range", "::t::Q{=a ~%150%b}", 1, 12, "outside"),
    ("matching-without-arrow", "::t::Q{=a -> b =c}", 1, 16, "'->'"),
    ("matching-empty-right", "::t::Q{=a -> b =c ->}", 1, 19, "right of '->'"),
    ("numerical-not-a-number", "::t::Q{#abc}", 1, 9, "not a number"),
    ("numerical-bad-tolerance", "::t::Q{#3:x}", 1, 11, "not a number"),
    ("numerical-nan", "::t::Q{#nan}", 1, 9, "not a number"),
    ("numerical-empty", "::t::Q{#}", 1, 8, "no number"),
    ("numerical-bad-range", "::t::Q{#5..1}", 1, 9, "minimum"),
    ("numerical-negative-tolerance", "::t::Q{#5:-1}", 1, 11, "negative"),
    ("empty-title", "::::Q{}", 1, 1, "empty title"),
    ("blank-title", ":: ::Q{}", 1, 1, "empty title"),
    ("unclosed-title", "::t Q{}", 1, 1, "title not closed"),
    ("nothing-right-choice", "::t::Q{~a ~b}", 1, 7, "nothing right"),
    ("nothing-right-short", "// x\n::t::Q{=%0%a}", 2, 7, "nothing right"),
    ("nothing-right-numerical", "::t::Q{#=%0%3}", 1, 7, "nothing right"),
    ("text-before-answers", "::t::Q{foo =a}", 1, 8, "before the first answer"),
    ("no-type", "::t::Q{foo}", 1, 8, "question type"),
    ("empty-answer", "::t::Q{=a ~}", 1, 11, "empty answer"),
    ("empty-ordering-item", "::t::Q{\n> a\n>\n}", 3, 1, "empty ordering item"),
    ("case-sensitive-not-short", "  // case-sensitive\n::t::Q{=a ~b}", 1, 3, "only to short-answer"),
    ("case-sensitive-alone", "// case-sensitive\n\n::t::Q{=a}", 1, 1, "not followed"),
]


def _check(parsed: list[Question], expected: list[Question]) -> None:
    assert parsed == expected
    assert [q.line for q in parsed] == [q.line for q in expected]


@pytest.mark.parametrize(("source", "expected"), [pytest.param(s, e, id=i) for i, s, e in CASES])
def test_parse(source: str, expected: list[Question]) -> None:
    _check(parse_gift(source), expected)


@pytest.mark.parametrize(("source", "line", "column", "message"),
                         [pytest.param(s, ln, c, m, id=i) for i, s, ln, c, m in ERRORS])
def test_errors(source: str, line: int, column: int, message: str) -> None:
    with pytest.raises(QuestionFormatError) as info:
        parse_gift(source, path="quiz.gift")
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert message in err.message
    assert str(err).startswith(f"quiz.gift:{line}:{column}: ")


def test_error_without_path() -> None:
    with pytest.raises(QuestionFormatError, match=r"^1:7: answer block not closed"):
        parse_gift("::t::Q{")


def _without_ranges(questions: list[Question]) -> list[Question]:
    """What Moodle XML keeps of a numerical range (documented in moodle_xml.py)."""
    out = []
    for q in questions:
        answers = []
        for a in q.answers:
            if a.low is not None and a.high is not None:
                a = dataclasses.replace(a, value=(a.low + a.high) / 2, tolerance=(a.high - a.low) / 2,
                                        low=None, high=None)
            answers.append(a)
        out.append(dataclasses.replace(q, answers=answers))
    return out


def _round_trips(questions: list[Question]) -> None:
    gift = write_gift(questions)
    assert parse_gift(gift) == questions, gift
    xml = write_moodle_xml(questions)
    assert parse_moodle_xml(xml) == _without_ranges(questions), xml


@pytest.mark.parametrize("source", [pytest.param(s, id=i) for i, s, _ in CASES])
def test_round_trip_each_case(source: str) -> None:
    _round_trips(parse_gift(source))


def test_round_trip_whole_corpus() -> None:
    corpus = "\n\n".join(source.removeprefix("\ufeff") for _, source, _ in CASES)
    questions = parse_gift(corpus)
    assert len(questions) == sum(len(expected) for _, _, expected in CASES)
    _round_trips(questions)


# Characters that stress escaping: every GIFT metacharacter, backslashes, percent signs,
# comment starts, arrows, brackets, blanks and line breaks.
_ALPHABET = ["a", "b", " ", "  ", "\n", "\\", "~", "=", "#", "{", "}", ":", "%", "->", "//", ">", "-",
             "[html]", "n", "_____", "$CATEGORY:", "::", "####", "T", "中文"]


def _random_text(rng: random.Random, allow_empty: bool = False) -> str:
    while True:
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 8))).strip()
        if text or allow_empty:
            return text


def _no_arrow(text: str) -> str:
    """GIFT cannot say '->' in a short answer or a matching left side (see gift_writer.py)."""
    while "->" in text:
        text = text.replace("->", "-")
    return text


def _random_question(rng: random.Random) -> Question:
    kind = rng.choice(["single", "multiple", "truefalse", "shortanswer", "numerical", "matching",
                       "ordering", "essay", "description"])
    fractions = [1.0, 0.0, 0.5, -1.0, 0.3333333, -0.25]
    answers: list[Answer] = []
    if kind in ("single", "multiple"):
        answers = [A(_random_text(rng), rng.choice(fractions), _random_text(rng, True)) for _ in range(rng.randint(2, 4))]
        answers[0].fraction = 1.0 if kind == "single" else 0.5
    elif kind == "truefalse":
        answers = TF(rng.random() < 0.5, _random_text(rng, True), _random_text(rng, True))
    elif kind == "shortanswer":
        answers = [A(_no_arrow(_random_text(rng)), rng.choice([1.0, 0.5]), _no_arrow(_random_text(rng, True)))
                   for _ in range(rng.randint(1, 3))]
        answers[0].fraction = 1.0
    elif kind == "numerical":
        answers = [rng.choice([N(rng.uniform(-1e6, 1e6), rng.choice([0.0, 0.5, 1e-9])), N(low=-1.5, high=2.25),
                               N(fraction=0.0, text="*", feedback=_random_text(rng, True))]) for _ in range(rng.randint(1, 3))]
        answers[0] = N(float(rng.randint(-99, 99)), 0.1, feedback=_random_text(rng, True))
    elif kind == "matching":
        answers = [M(_no_arrow(_random_text(rng, True)), _random_text(rng)) for _ in range(rng.randint(2, 4))]
    elif kind == "ordering":
        answers = O(*[_random_text(rng) for _ in range(rng.randint(2, 4))])
    text = _random_text(rng, allow_empty=True)
    return Question(type=kind, title=rng.choice(["", _random_text(rng)]), text=text,
                    text_format=rng.choice(["moodle", "markdown", "html", "plain"]), answers=answers,
                    general_feedback="" if kind == "description" else _random_text(rng, True),
                    category=rng.choice([None, "sales/basics"]), case_sensitive=kind == "shortanswer" and rng.random() < 0.5)


def test_round_trip_random_questions() -> None:
    rng = random.Random(20240517)
    questions = [_random_question(rng) for _ in range(400)]
    for q in questions:
        _round_trips([q])
    _round_trips(questions)


def test_writer_output_is_readable_gift() -> None:
    source = ("$CATEGORY: sales\n\n::t::Pick{=best ~%50%half ~%-25%bad ~none#No.}\n\n"
              "// case-sensitive\n::s::[markdown]Brand?{=ACME}\n\n::m::The {=a ~b} blank.\n\n"
              "::n::Two lines\nhere.{#1..5 ####Why.}")
    assert write_gift(parse_gift(source)) == (
        "$CATEGORY: sales\n\n"
        "::t::Pick{\n  =best\n  ~%50%half\n  ~%-25%bad\n  ~none#No.\n}\n\n"
        "// case-sensitive\n::s::[markdown]Brand?{=ACME}\n\n"
        "::m::The {=a ~b} blank.\n\n"
        "::n::Two lines\nhere.{\n  #1..5\n  ####Why.\n}\n"
    )


def test_writer_refuses_what_gift_cannot_say() -> None:
    short = Question("shortanswer", "t", "Q", answers=[A("a->b", 1.0)])
    with pytest.raises(ValueError, match="->"):
        write_gift([short])
    with pytest.raises(ValueError, match="two answers"):
        write_gift([Question("single", "t", "Q", answers=[A("a", 1.0)])])
    with pytest.raises(ValueError):
        write_gift([Question("numerical", "t", "Q", answers=[N(math.inf)])])


@pytest.mark.parametrize(("question", "problem"), [
    (Q("single", "t", "Q", A("a", 0.5), A("b")), "no answer worth 100%"),
    (Q("multiple", "t", "Q", A("a", 0.5), A("b", 0.25)), "add up to 75%"),
    (Q("multiple", "t", "Q", A("a"), A("b", -1.0)), "no right answer"),
    (Q("truefalse", "t", "Q", A("true", 1.0), A("false", 1.0)), "exactly one right"),
    (Q("shortanswer", "t", "Q"), "no accepted answer"),
    (Q("numerical", "t", "Q"), "no answer"),
    (Q("numerical", "t", "Q", A("", 1.0)), "no number"),
    (Q("matching", "t", "Q", M("a", "b"), M("", "c")), "at least two pairs"),
    (Q("ordering", "t", "Q", *O("only")), "at least two items"),
    (Q("essay", "t", ""), "text is empty"),
    (Q("essay", "t", "Q", case_sensitive=True), "case-sensitive"),
    (Q("quiz", "t", "Q"), "unknown question type"),
])
def test_validate_finds_problems(question: Question, problem: str) -> None:
    assert any(problem in p for p in validate(question)), validate(question)


def test_validate_accepts_every_table_case() -> None:
    for _, source, _ in CASES:
        for q in parse_gift(source):
            if q.type != "description" or q.text:
                assert validate(q) == [], (q, validate(q))


def test_quiz_files_parse_and_round_trip() -> None:
    files = sorted(QUIZZES.glob("*.gift")) if QUIZZES.is_dir() else []
    if not files:
        pytest.skip("no content/quizzes/*.gift yet")
    for path in files:
        questions = parse_gift(path.read_text(encoding="utf-8"), path=str(path))
        assert questions, path
        _round_trips(questions)


def test_readme_gift_examples_parse() -> None:
    readme = (CONTENT / "README.md").read_text(encoding="utf-8")
    quizzes = readme[readme.index("## Quizzes"):]
    blocks = [b for b in quizzes.split("```")[1::2] if not b.startswith("yaml")]
    assert blocks
    for block in blocks:
        questions = parse_gift(block)
        assert questions, block
        _round_trips(questions)
