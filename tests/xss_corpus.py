"""The XSS corpus and the helpers its tests share: loading the payloads, packing them into fields,
and sending and fetching pages as a signed-in person (see tests/test_xss_corpus.py)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from wtforms.validators import Length

from coach.content.render import render_user_markdown
from coach.extensions import db
from coach.models import (
    CaseReview, CoachingNote, Competency, Deal, Mentorship, Module, Observation, QuizAnswer, QuizQuestion,
    ReviewComment, ReviewMeeting, SignoffRequest,
)
from tests.factories import PASSWORD
from tests.html_safety import assert_safe_html, shown_as_text

PAYLOAD_FILE = Path(__file__).resolve().parent / "data" / "xss" / "payloads.txt"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\"}
# The categories the issue names; the file may have more.
REQUIRED_CATEGORIES = {
    "script-tags", "event-handlers", "javascript-urls-in-links", "javascript-and-data-urls-in-images", "data-urls",
    "encoded", "malformed-tags", "svg", "mathml", "css", "markdown-links-and-images",
    "markdown-references-and-autolinks", "markdown-raw-html-blocks", "template-injection",
    "unicode-and-control-characters",
}


@dataclass(frozen=True)
class Payload:
    """One corpus entry, decoded, with its category."""

    category: str
    text: str


def load_payloads(path: Path = PAYLOAD_FILE) -> list[Payload]:
    """Read the corpus: `# category: NAME` groups, other `#` lines are comments, escapes as the header says."""
    payloads, category = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# category:"):
            category = line.split(":", 1)[1].strip()
        elif line and not line.startswith("#"):
            line = "#" + line[2:] if line.startswith("\\#") else line
            payloads.append(Payload(category, re.sub(r"\\([ntr0\\])", lambda m: _ESCAPES[m.group(1)], line)))
    return payloads


PAYLOADS = load_payloads()
TEXTS = [p.text for p in PAYLOADS]
# The app answers 400 to a form or query holding a NUL (PostgreSQL cannot store one): those payloads go on their
# own through test_nul_characters_are_refused_whole, the rest through every field.
SENDABLE = [t for t in TEXTS if "\0" not in t]
# Files in content/ are written by authors in an editor: no NUL bytes or lone carriage returns there.
FILE_TEXTS = [t for t in SENDABLE if "\r" not in t]
# Markdown fields take a few payloads a save, each its own block, so that one unclosed tag hides few others.
MARKDOWN_BATCH = 2000


def limit(form: type, name: str) -> int:
    """The Length(max=...) of a form field, read from the form class, so this test follows the forms."""
    unbound = getattr(form, name)
    validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else [])
    return next(v.max for v in validators if isinstance(v, Length) and v.max and v.max > 0)


def chunks(size: int, sep: str = " ", texts: Sequence[str] = SENDABLE) -> list[list[str]]:
    """The payloads packed into groups whose joined text fits `size` (a payload longer than `size` is left out)."""
    groups: list[list[str]] = [[]]
    for text in texts:
        if len(text) > size:
            continue
        if groups[-1] and len(sep.join([*groups[-1], text])) > size:
            groups.append([])
        groups[-1].append(text)
    return [g for g in groups if g]


def swallows(text: str) -> bool:
    """True when Markdown written after `text` is no longer read as Markdown (an unclosed tag eats it)."""
    return "<strong>after</strong>" not in render_user_markdown(f"{text}\n\n**after**")


@cache
def batches_of_blocks(texts: tuple[str, ...] = tuple(SENDABLE)) -> list[list[str]]:
    """Payloads as Markdown blocks, about MARKDOWN_BATCH characters a batch, none hidden by the blocks before it:
    a payload (or pair) that swallows what follows ends its batch, and each swallower on its own ends one."""
    tails = [t for t in texts if swallows(t)]
    room = MARKDOWN_BATCH - max(map(len, tails), default=0) - 2  # for the tail each batch may get
    done: list[list[str]] = []  # batches that already end in a swallower
    filling: list[list[str]] = [[]]
    for text in (t for t in texts if t not in tails):
        if filling[-1] and len("\n\n".join([*filling[-1], text])) > room:
            filling.append([])
        filling[-1].append(text)
        if swallows("\n\n".join(filling[-1])):
            done.append(filling.pop())
            filling.append([])
    filling = [batch for batch in filling if batch]
    filling += [[] for _ in range(len(tails) - len(filling))]
    return done + [batch + tails[i:i + 1] for i, batch in enumerate(filling)]


def markdown_batches(form: type, name: str) -> list[list[str]]:
    """Batches for a Markdown field of `form` (whose limit must hold one)."""
    assert limit(form, name) >= MARKDOWN_BATCH
    return batches_of_blocks()


def flat(groups: list[list[str]]) -> list[str]:
    """The payloads of all groups."""
    return [text for group in groups for text in group]


def nth(groups: list[list[str]], i: int, sep: str) -> str:
    """Group i joined, or '' once the groups are used up."""
    return sep.join(groups[i]) if i < len(groups) else ""


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A client of its own, signed in as `email` (several people act side by side)."""
    client = app.test_client()
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def fetch(client: FlaskClient, url: str) -> str:
    """GET a page that must exist and be safe."""
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    assert_safe_html(page, where=f"GET {url}")
    return page


def send(client: FlaskClient, url: str, data: dict[str, Any], status: int = 302, check: bool = True,
         **kwargs: Any) -> str:
    """POST a form; its answer must have `status` (a redirect after a save) and, when a page, be safe."""
    response = client.post(url, data=data, **kwargs)
    page = response.get_data(as_text=True)
    errors = re.findall(r'class="(?:error|flash flash-error)"[^>]*>([^<]*)', page)
    assert response.status_code == status, f"POST {url}: {response.status_code} {errors}"
    if check:
        assert_safe_html(page, where=f"POST {url}")
    return urlsplit(response.headers.get("Location", "")).path if status == 302 else page


def assert_shown(page: str, texts: Sequence[str], where: str) -> None:
    """Every text appears escaped, as the characters the person typed."""
    missing = [t for t in texts if not shown_as_text(page, t)]
    assert not missing, f"{where}: {len(missing)} payloads not shown as text, e.g. {missing[:3]}"


STORED_HTML = (CaseReview.lessons_html, ReviewComment.body_html, ReviewMeeting.notes_html, ReviewMeeting.decisions_html,
               Mentorship.goals_html, CoachingNote.notes_html, Observation.notes_html, SignoffRequest.evidence_html,
               Module.html_en, Module.toc_en, Module.html_zh, Module.toc_zh)


def assert_stored_html_safe() -> None:
    """The HTML kept in the database (rendered on save or sync, shown with |safe) passes the checker too."""
    db.session.commit()
    for column in STORED_HTML:
        for value in db.session.scalars(select(column)):
            assert_safe_html(value or "", where=str(column))
    # Per-answer feedback from the question bank is HTML; a mentor's grading feedback is text, shown escaped.
    for value in db.session.scalars(select(QuizAnswer.feedback).where(QuizAnswer.graded_by_id.is_(None))):
        assert_safe_html(value or "", where="QuizAnswer.feedback")
    for data in db.session.scalars(select(QuizQuestion.data)):
        for language in data.values():
            assert_safe_html(_strings(language), where="QuizQuestion.data")


def _strings(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(_strings(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_strings(v) for v in value)
    return value if isinstance(value, str) else ""


def competency(key: str) -> Competency:
    return db.session.scalar(select(Competency).where(Competency.key == key))


def lost_deal(owner, n: int | str) -> Deal:  # noqa: ANN001
    deal = Deal(source="test", external_id=f"xss-{n}", name=f"Deal {n}", outcome="lost", owner_id=owner.id)
    db.session.add(deal)
    db.session.flush()
    return deal
