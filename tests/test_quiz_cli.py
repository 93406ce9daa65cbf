"""`flask quizzes import` and `export`: Moodle banks in and out, errors with file:line:column."""
from __future__ import annotations

import json
from pathlib import Path

from coach.content.gift import parse_gift
from tests.content_fixtures import app_config, content_dir  # noqa: F401


def test_import_gift_then_sync(runner, content_dir: Path, tmp_path: Path):
    source = tmp_path / "bank.gift"
    source.write_text("::neg1::BATNA means?{=Best alternative ~Best price}\n\n::neg2::Anchor first.{T}\n",
                      encoding="utf-8")
    result = runner.invoke(args=["quizzes", "import", str(source), "--format", "gift", "--quiz", "new-quiz"])
    assert result.exit_code == 0, result.output
    assert (content_dir / "quizzes/new-quiz.yml").exists()
    assert [q.title for q in parse_gift((content_dir / "quizzes/new-quiz.gift").read_text())] == ["neg1", "neg2"]
    synced = runner.invoke(args=["content", "sync"])
    assert synced.exit_code == 0, synced.output


def test_import_aiken_and_moodle_xml(runner, content_dir: Path, tmp_path: Path):
    aiken = tmp_path / "a.txt"
    aiken.write_text("Which discount needs the GM?\nA. 5%\nB. 25%\nANSWER: B\n", encoding="utf-8")
    assert runner.invoke(args=["quizzes", "import", str(aiken), "--format", "aiken", "--quiz", "policy-x"]).exit_code == 0
    exported = runner.invoke(args=["quizzes", "export", "policy-x", "--format", "moodle-xml"])
    xml = tmp_path / "b.xml"
    xml.write_text(exported.output, encoding="utf-8")
    again = runner.invoke(args=["quizzes", "import", str(xml), "--format", "moodle-xml", "--quiz", "policy-y"])
    assert again.exit_code == 0, again.output
    a = parse_gift((content_dir / "quizzes/policy-x.gift").read_text())
    b = parse_gift((content_dir / "quizzes/policy-y.gift").read_text())
    assert [(q.type, q.text, [(x.text, x.fraction) for x in q.answers]) for q in a] == \
        [(q.type, q.text, [(x.text, x.fraction) for x in q.answers]) for q in b]


def test_bad_file_imports_nothing_and_names_line_and_column(runner, content_dir: Path, tmp_path: Path):
    source = tmp_path / "bad.gift"
    source.write_text("::ok::Fine{T}\n\n::broken::Unclosed {=a ~b\n", encoding="utf-8")
    result = runner.invoke(args=["quizzes", "import", str(source), "--format", "gift", "--quiz", "bad-quiz"])
    assert result.exit_code == 1
    assert f"{source}:3:" in result.output and "nothing was imported" in result.output
    assert not (content_dir / "quizzes/bad-quiz.gift").exists()


def test_export_json_lists_types_answers_credit_and_feedback(runner, content_dir: Path):
    result = runner.invoke(args=["quizzes", "export", "basics-quiz", "--format", "json"])
    data = json.loads(result.output)
    q2 = data["questions"][1]
    assert q2["type"] == "single" and q2["answers"][0] == {"text": "The pain", "feedback": "Right.", "credit": 1.0}
    assert runner.invoke(args=["quizzes", "export", "nope", "--format", "gift"]).exit_code == 1
