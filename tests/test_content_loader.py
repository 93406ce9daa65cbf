"""The content loader and validator: every kind of error reported as path:line: message."""
from __future__ import annotations

from pathlib import Path

import pytest

from coach.content.loader import load_content
from tests.content_fixtures import FIXTURE_CONTENT, SHIPPED_CONTENT, content_dir  # noqa: F401


def _problems(root: Path) -> tuple[list[str], list[str]]:
    _bundle, problems = load_content(root)
    return [str(p) for p in problems.errors], [str(p) for p in problems.warnings]


def test_fixture_content_is_valid():
    bundle, problems = load_content(FIXTURE_CONTENT)
    assert problems.errors == []
    assert [c.key for c in bundle.courses] == ["basics", "advanced"]
    discovery = bundle.modules()[0]
    assert discovery.key == "basics-discovery" and discovery.title.zh == "需求挖掘提问"
    assert '<div class="admonition tip">' in discovery.html["en"]
    assert 'href="/learn/modules/basics-pricing#the-matrix"' in discovery.html["en"]
    assert 'src="/learn/files/courses/basics/images/dot.png"' in discovery.html["en"]
    assert "<table>" in discovery.html["en"] and 'class="footnote"' in discovery.html["en"]
    assert 'id="open-questions"' in discovery.html["en"] and "open-questions" in discovery.toc["en"]


def test_shipped_content_is_valid():
    """content/ as shipped passes `flask content sync --check` (no errors; translations complete)."""
    _bundle, problems = load_content(SHIPPED_CONTENT)
    assert [str(p) for p in problems.errors] == []
    assert [str(p) for p in problems.warnings] == []


def test_missing_translation_is_a_warning(content_dir):
    errors, warnings = _problems(content_dir)
    assert errors == []
    assert "courses/basics/02-pricing.md:1: warning: no Chinese translation (NN-name.zh.md); readers get the English text" \
        in warnings


def _edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = [
    ("bad yaml", "competencies.yml", "  - id: pricing\n", "  - id: pricing\n   bad: [\n",
     "competencies.yml:33: invalid YAML"),
    ("unknown competency in a module", "courses/basics/02-pricing.md", "competencies: [pricing]",
     "competencies: [haggling]", "courses/basics/02-pricing.md:5: unknown competency 'haggling'"),
    ("unknown stage", "courses/basics/02-pricing.md", "stages: [negotiation]", "stages: [closing]",
     "courses/basics/02-pricing.md:6: unknown sales stage 'closing'"),
    ("duplicate module id", "courses/advanced/01-anchoring.md", "id: adv-anchoring", "id: basics-pricing",
     "duplicate module id 'basics-pricing'"),
    ("broken link", "courses/basics/01-discovery.md", "(02-pricing.md#the-matrix)", "(03-missing.md)",
     "courses/basics/01-discovery.md:14: link '03-missing.md' does not lead to a module"),
    ("missing image", "courses/basics/01-discovery.md", "images/dot.png", "images/missing.png",
     "courses/basics/01-discovery.md:16: image 'images/missing.png' not found"),
    ("link outside content", "courses/basics/01-discovery.zh.md", "(02-pricing.md)", "(../../../etc/passwd.md)",
     "courses/basics/01-discovery.zh.md:10: '../../../etc/passwd.md' points outside content/"),
    ("unknown competency in careers", "careers.yml", "requires: {discovery: 2, pricing: 1}",
     "requires: {discovery: 2, closing: 1}", "careers.yml:10: unknown competency 'closing'"),
    ("level that does not exist", "careers.yml", "requires: {discovery: 3}", "requires: {discovery: 5}",
     "careers.yml:17: competency 'discovery' has no level 5"),
    ("bad evidence rule", "competencies.yml", "evidence: either", "evidence: sometimes",
     "competencies.yml:20: 'evidence' must be one of quiz, signoff, both, either, got 'sometimes'"),
    ("unknown module in a program", "programs/onboarding.yml", "module: basics-pricing", "module: basics-gone",
     "programs/onboarding.yml:11: unknown module 'basics-gone'"),
    ("unknown quiz in a program", "programs/onboarding.yml", "quiz: basics-quiz", "quiz: nope",
     "programs/onboarding.yml:13: unknown quiz 'nope' (no quizzes/nope.yml)"),
    ("missing front matter title", "courses/basics/02-pricing.md", "title: Pricing rules\n", "",
     "courses/basics/02-pricing.md:2: missing 'title'"),
    ("missing minutes", "courses/advanced/01-anchoring.md", "minutes: 7\n", "",
     "courses/advanced/01-anchoring.md:2: missing 'minutes'"),
    ("unknown category", "courses/advanced/course.yml", "category: negotiation", "category: golf",
     "courses/advanced/course.yml:2: unknown category 'golf'"),
    ("reason without no-decision", "reasons.yml", "  - id: no-decision", "  - id: stalled",
     "reasons.yml:1: the reason 'no-decision' must exist"),
    ("duplicate competency", "competencies.yml", "  - id: pricing", "  - id: discovery",
     "duplicate competency id 'discovery' (first defined on line 10)"),
]


@pytest.mark.parametrize(("relative", "old", "new", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_each_kind_of_error_is_reported_with_its_line(content_dir, relative, old, new, expected):
    _edit(content_dir, relative, old, new)
    errors, _warnings = _problems(content_dir)
    assert any(expected in error for error in errors), f"expected {expected!r} in:\n" + "\n".join(errors)


def test_bad_module_file_name(content_dir):
    (content_dir / "courses/basics/notes.md").write_text("---\nid: x\n---\n", encoding="utf-8")
    errors, _ = _problems(content_dir)
    assert "courses/basics/notes.md:1: module files are named NN-name.md" in errors[0]


def test_translation_without_original(content_dir):
    (content_dir / "courses/basics/07-orphan.zh.md").write_text("---\ntitle: 孤儿\n---\n文本\n", encoding="utf-8")
    errors, _ = _problems(content_dir)
    assert any("courses/basics/07-orphan.zh.md:1: a translation needs its original" in e for e in errors)


def test_user_markdown_is_sanitized_at_render():
    from coach.content.render import render_markdown  # noqa: PLC0415 — unit under test

    rendered = render_markdown('<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    assert "<script" not in rendered.html and "javascript:" not in rendered.html and "onerror" not in rendered.html
