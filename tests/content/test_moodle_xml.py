"""Moodle XML reader and writer: every supported type, errors with positions, refusal of DTDs."""

from __future__ import annotations

import pytest

from coach.content.gift import parse_gift
from coach.content.moodle_xml import parse_moodle_xml, write_moodle_xml
from coach.content.questions import Answer, Question, QuestionFormatError

# Shaped like a real Moodle export: CDATA, HTML, settings we ignore, category pseudo-questions.
MOODLE_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Sales/Basics</text></category>
    <info format="html"><text></text></info>
  </question>
  <question type="multichoice">
    <name><text>batna</text></name>
    <questiontext format="html"><text><![CDATA[<p>What does <b>BATNA</b> mean?</p>]]></text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Your walk-away.</p>]]></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback format="html"><text>Your answer is correct.</text></correctfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Best alternative</p>]]></text>
      <feedback format="html"><text>Right.</text></feedback>
    </answer>
    <answer fraction="0" format="html">
      <text>Best terms</text>
      <feedback format="html"><text></text></feedback>
    </answer>
  </question>
  <question type="multichoice">
    <name><text>signs</text></name>
    <questiontext format="moodle_auto_format"><text>Buying signals?</text></questiontext>
    <single>false</single>
    <answer fraction="33.33333"><text>a</text></answer>
    <answer fraction="33.33333"><text>b</text></answer>
    <answer fraction="33.33334"><text>c</text></answer>
    <answer fraction="-100"><text>d</text></answer>
  </question>
  <question type="truefalse">
    <name><text>anchor</text></name>
    <questiontext format="plain_text"><text>First offers anchor.</text></questiontext>
    <answer fraction="0" format="moodle_auto_format"><text>false</text><feedback><text>They do.</text></feedback></answer>
    <answer fraction="100" format="moodle_auto_format"><text>true</text><feedback><text>Yes.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>brand</text></name>
    <questiontext format="markdown"><text>Our brand is _____.</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>ACME</text><feedback><text></text></feedback></answer>
    <answer fraction="50"><text>Acme</text><feedback><text>Capitals.</text></feedback></answer>
  </question>
  <question type="category">
    <category><text>$course$/top/Sales/Numbers</text></category>
  </question>
  <question type="numerical">
    <name><text>margin</text></name>
    <questiontext format="html"><text>Gross profit?</text></questiontext>
    <answer fraction="100"><text>32000</text><tolerance>500</tolerance><feedback><text>Good.</text></feedback></answer>
    <answer fraction="0"><text>*</text><tolerance>0</tolerance><feedback><text>No.</text></feedback></answer>
    <units><unit><multiplier>1</multiplier><unit_name>yuan</unit_name></unit></units>
    <unitgradingtype>0</unitgradingtype>
  </question>
  <question type="matching">
    <name><text>stages</text></name>
    <questiontext format="html"><text>Match.</text></questiontext>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html"><text>Lead</text><answer><text>First contact</text></answer></subquestion>
    <subquestion format="html"><text>Close</text><answer><text>Contract</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Invoice</text></answer></subquestion>
  </question>
  <question type="essay">
    <name><text>prep</text></name>
    <questiontext format="html"><text>Describe your preparation.</text></questiontext>
    <responseformat>editor</responseformat>
    <graderinfo format="html"><text>Look for the BATNA.</text></graderinfo>
  </question>
  <question type="description">
    <name><text>intro</text></name>
    <questiontext format="html"><text>About concessions.</text></questiontext>
    <generalfeedback format="html"><text>Read module 3.</text></generalfeedback>
  </question>
  <question type="ordering">
    <name><text>order</text></name>
    <questiontext format="html"><text>Order the stages.</text></questiontext>
    <layouttype>VERTICAL</layouttype>
    <answer fraction="2.0000000" format="moodle_auto_format"><text>Negotiation</text></answer>
    <answer fraction="1.0000000" format="moodle_auto_format"><text>Lead</text></answer>
    <answer fraction="3.0000000" format="moodle_auto_format"><text>Closing</text></answer>
  </question>
</quiz>
"""

BASICS = "$course$/top/Sales/Basics"
NUMBERS = "$course$/top/Sales/Numbers"

EXPECTED = [
    Question("single", "batna", "<p>What does <b>BATNA</b> mean?</p>", "html",
             [Answer("<p>Best alternative</p>", 1.0, "Right."), Answer("Best terms", 0.0)],
             general_feedback="<p>Your walk-away.</p>", category=BASICS),
    Question("multiple", "signs", "Buying signals?", "moodle",
             [Answer("a", 0.3333333), Answer("b", 0.3333333), Answer("c", 0.3333334), Answer("d", -1.0)],
             category=BASICS),
    Question("truefalse", "anchor", "First offers anchor.", "plain",
             [Answer("true", 1.0, "Yes."), Answer("false", 0.0, "They do.")], category=BASICS),
    Question("shortanswer", "brand", "Our brand is _____.", "markdown",
             [Answer("ACME", 1.0), Answer("Acme", 0.5, "Capitals.")], category=BASICS, case_sensitive=True),
    Question("numerical", "margin", "Gross profit?", "html",
             [Answer("", 1.0, "Good.", value=32000.0, tolerance=500.0), Answer("*", 0.0, "No.")],
             category=NUMBERS),
    Question("matching", "stages", "Match.", "html",
             [Answer("Lead", 1.0, match="First contact"), Answer("Close", 1.0, match="Contract"),
              Answer("", 0.0, match="Invoice")], category=NUMBERS),
    Question("essay", "prep", "Describe your preparation.", "html", category=NUMBERS),
    Question("description", "intro", "About concessions.", "html", general_feedback="Read module 3.",
             category=NUMBERS),
    Question("ordering", "order", "Order the stages.", "html",
             [Answer("Lead", 1.0), Answer("Negotiation", 1.0), Answer("Closing", 1.0)], category=NUMBERS),
]


def test_parse_moodle_export() -> None:
    parsed = parse_moodle_xml(MOODLE_EXPORT)
    assert parsed == EXPECTED
    assert [q.line for q in parsed] == [8, 29, 38, 44, 54, 62, 70, 76, 81]


def test_write_then_parse_is_identity() -> None:
    assert parse_moodle_xml(write_moodle_xml(EXPECTED)) == EXPECTED


def test_writer_shapes() -> None:
    xml = write_moodle_xml(EXPECTED)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    assert '<question type="ordering">' in xml and "<gradingtype>ABSOLUTE_POSITION</gradingtype>" in xml
    assert '<answer fraction="3" format="html">' in xml  # ordering position of "Closing"
    assert "<usecase>1</usecase>" in xml
    assert '<answer fraction="33.33333" format="moodle_auto_format">' in xml
    assert "&lt;p&gt;What does &lt;b&gt;BATNA" in xml


def test_numerical_range_becomes_value_and_tolerance() -> None:
    q = parse_gift("::r::Between 1 and 5?{#1..5}")
    back = parse_moodle_xml(write_moodle_xml(q))
    assert back[0].answers == [Answer("", 1.0, value=3.0, tolerance=2.0)]


def test_ordering_without_positions_keeps_document_order() -> None:
    xml = ('<quiz><question type="ordering"><name><text>o</text></name><questiontext><text>Q</text>'
           '</questiontext><answer fraction="0"><text>b</text></answer><answer fraction="0"><text>a</text>'
           '</answer></question></quiz>')
    assert [a.text for a in parse_moodle_xml(xml)[0].answers] == ["b", "a"]


def test_category_reset_and_other_encoding() -> None:
    questions = [Question("essay", "a", "A", category="x"), Question("essay", "b", "B")]
    assert parse_moodle_xml(write_moodle_xml(questions)) == questions
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><quiz><question type="essay"><name><text>é</text></name></question></quiz>'
    assert parse_moodle_xml(latin)[0].title == "é"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<quiz>&lol2;</quiz>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&xxe;</text></name></question></quiz>"""


@pytest.mark.parametrize(("source", "line", "column", "message"), [
    pytest.param("<quiz>\n  <question type='essay'>\n</quiz>", 3, 3, "mismatched tag", id="malformed"),
    pytest.param("<quiz>\n<question>&nope;</question></quiz>", 2, 11, "undefined entity", id="undefined-entity"),
    pytest.param(BILLION_LAUGHS, 2, 1, "DOCTYPE", id="billion-laughs"),
    pytest.param(EXTERNAL, 2, 1, "DOCTYPE", id="external-entity"),
    pytest.param("<questions/>", 1, 1, "<quiz>", id="wrong-root"),
    pytest.param("<quiz>\n  <item/>\n</quiz>", 2, 3, "unexpected <item>", id="unexpected-element"),
    pytest.param("<quiz>\n  <question type='calculated'/>\n</quiz>", 2, 3, "unsupported question type",
                 id="unsupported-type"),
    pytest.param("<quiz><question type='multichoice'>\n<answer fraction='lots'><text>a</text></answer>"
                 "</question></quiz>", 2, 1, "not a number", id="bad-fraction"),
    pytest.param("<quiz><question type='numerical'><answer fraction='100'>\n  <text>x</text></answer>"
                 "</question></quiz>", 1, 34, "not a number", id="bad-number"),
    pytest.param("<quiz><question type='essay'><questiontext format='rtf'><text>a</text></questiontext>"
                 "</question></quiz>", 1, 30, "unknown text format", id="bad-format"),
    pytest.param("<quiz><question type='essay'><name><text>a<b>c</b></text></name></question></quiz>",
                 1, 43, "CDATA", id="html-not-escaped"),
    pytest.param("<quiz><question type='truefalse'><answer fraction='100'><text>yes</text></answer>"
                 "</question></quiz>", 1, 7, "'true' and 'false'", id="truefalse-answers"),
])
def test_errors(source: str, line: int, column: int, message: str) -> None:
    with pytest.raises(QuestionFormatError) as info:
        parse_moodle_xml(source, path="bank.xml")
    assert (info.value.line, info.value.column) == (line, column), str(info.value)
    assert message in info.value.message
    assert str(info.value).startswith(f"bank.xml:{line}:{column}: ")


def test_writer_refuses_unwritable_text() -> None:
    with pytest.raises(ValueError):
        write_moodle_xml([Question("essay", "t", "bell \x07")])
