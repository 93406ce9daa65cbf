"""The XSS corpus (tests/data/xss/payloads.txt) through every field that takes user text, and every page that shows it.

Each test writes the whole corpus into one area's fields by HTTP, as a person allowed to, packing several
payloads into one value where the field's length allows (a fresh database per payload would take hours), then
fetches the pages that show the text. Served HTML and stored HTML must pass `tests/html_safety.py`; plain-text
fields must show each payload escaped. The sanitizer also gets every payload on its own, without HTTP.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from markupsafe import escape
from sqlalchemy import func, select

from coach.admin.forms import TeamForm, TokenForm, UserEditForm
from coach.content.gift_writer import write_gift
from coach.content.questions import Answer, Question
from coach.content.render import render_markdown, render_user_markdown
from coach.content.sync import sync_folder
from coach.extensions import db
from coach.learning.forms import SearchForm
from coach.mentoring.forms import ActionItemForm, AssignMentorForm, DecisionForm, NoteForm, ObservationForm, RevokeForm
from coach.mentoring.forms import SignoffRequestForm
from coach.models import (
    Deal, Mentorship, QuizAnswer, ReviewComment, User,
)
from coach.quizzes.forms import GradeForm
from coach.reviews.forms import ActionForm, CommentForm, DealForm, MeetingForm, MeetingRecordForm, ReviewForm
from coach.skills.forms import TargetForm
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401 — pages need content
from tests.factories import make_user
from tests.html_safety import assert_safe_html, shown_as_text, unsafe_html
from tests.xss_corpus import (
    FILE_TEXTS,
    MARKDOWN_BATCH,
    PAYLOADS,
    PAYLOAD_FILE,
    REQUIRED_CATEGORIES,
    SENDABLE,
    TEXTS,
    assert_shown,
    assert_stored_html_safe,
    batches_of_blocks,
    chunks,
    competency,
    fetch,
    flat,
    limit,
    lost_deal,
    markdown_batches,
    nth,
    send,
    signed_in,
    swallows,
)


# --- the corpus and the checker ---------------------------------------------------------------------------------

def test_corpus_has_every_category_and_150_distinct_payloads():
    categories = {p.category for p in PAYLOADS}
    assert REQUIRED_CATEGORIES <= categories
    assert len(set(TEXTS)) == len(TEXTS) >= 150
    assert all(t == t.strip() for t in TEXTS), "forms trim values: a payload with outer whitespace would not round-trip"
    assert {"[x](javascript:alert(1))", "![x](javascript:alert(1))", "<javascript:alert(1)>", "{{7*7}}"} <= set(TEXTS)
    assert any("\0" in t for t in TEXTS) and any("\n" in t for t in TEXTS) and any("\t" in t for t in TEXTS)
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").splitlines()
    assert all(line in ("", "#") or line.startswith("# ") or line[0] != "#" for line in lines), \
        "a payload starting with '#' is written '\\#...', or it would be read as a comment"
    assert "#{7*7}" in TEXTS and "## <script>alert(1)</script>" in TEXTS


def test_markdown_batches_hold_every_payload_as_a_block_of_its_own():
    batches = batches_of_blocks()
    assert sorted(flat(batches)) == sorted(SENDABLE)
    assert all(len("\n\n".join(batch)) <= MARKDOWN_BATCH for batch in batches)
    assert not any(swallows("\n\n".join(batch[:-1])) for batch in batches), "only a batch's last block may swallow"


def test_checker_flags_the_raw_corpus_and_passes_escaped_text():
    """Served raw, the HTML payloads are caught; escaped, none is, and each reads as the text typed."""
    flagged = {p.category for p in PAYLOADS if unsafe_html(p.text)}
    assert sum(1 for t in TEXTS if unsafe_html(t)) >= len(TEXTS) * 2 // 3
    assert {"script-tags", "event-handlers", "javascript-urls-in-links", "javascript-and-data-urls-in-images",
            "svg", "mathml", "css", "document-changing-elements", "malformed-tags"} <= flagged
    for text in TEXTS:
        page = f"<p>{escape(text)}</p><input value=\"{escape(text)}\"><textarea>{escape(text)}</textarea>"
        assert not unsafe_html(page) and shown_as_text(page, text)
    assert unsafe_html('<a href="&#x6A;ava&#x09;script:x">') and unsafe_html('<img src="data:image/svg+xml,x">')
    assert unsafe_html("<!--><img src=x onerror=alert(1)>-->") and unsafe_html("<title><b>x</b></title>")
    assert not unsafe_html('<img src="data:image/png;base64,AA=="><script src="/static/coach.js" defer></script>')


def _module_html(source: str) -> str:
    rendered = render_markdown(source)
    return rendered.html + rendered.toc


@pytest.mark.parametrize("render", [render_user_markdown, _module_html], ids=["user-markdown", "module-markdown"])
def test_sanitizer_neutralises_each_payload_on_its_own(render):
    for text in TEXTS:
        assert_safe_html(render(text), where=repr(text))


# --- case reviews, comments, meetings -----------------------------------------------------------------------------

def test_case_review_fields(app, world, synced):
    """Every text field of a review: written by its author, read on the review, its form, lists and dashboards."""
    member, manager = signed_in(app, "member.a@example.com"), signed_in(app, "manager.a@example.com")
    owner = str(world["member_a"].id)
    plain = {name: chunks(limit(ReviewForm, name))
             for name in ("competitors", "decision_criteria", "went_well", "to_change")}
    actions = chunks(limit(ActionForm, "text"))
    plain["actions-0-text"], plain["actions-1-text"] = actions[0::2], actions[1::2]
    lessons = markdown_batches(ReviewForm, "lessons")
    rounds = max(len(lessons), *map(len, plain.values()))
    deals = [lost_deal(world["member_a"], n) for n in range(rounds)]
    for i, deal in enumerate(deals):
        data = {"deal": deal.id, "stage": "", "reasons": "price", "primary_reason": "price", "version": "",
                "actions-0-owner": owner, "actions-1-owner": owner, "lessons": nth(lessons, i, "\n\n"),
                **{name: nth(groups, i, " ") for name, groups in plain.items()}}
        review = send(member, "/reviews/new", data)
        send(member, f"{review}/submit", {})
        page = fetch(member, review)
        assert_shown(page, [t for groups in plain.values() if i < len(groups) for t in groups[i]], review)
        fetch(member, f"{review}/edit")
    for url in ("/reviews/", "/deals/", f"/deals/{deals[0].id}", "/"):
        fetch(member, url)
    for url in ("/reviews/", f"/team/people/{owner}", "/reviews/analysis", f"/team/{world['team_a'].id}",
                "/reviews/patterns", "/"):
        fetch(manager, url)
    assert_stored_html_safe()


def test_review_comments(app, world, synced):
    deal = lost_deal(world["member_a"], "c")
    member, mentor = signed_in(app, "member.a@example.com"), signed_in(app, "mentor.a@example.com")
    review = send(member, "/reviews/new", {"deal": deal.id, "reasons": "price", "primary_reason": "price"})
    send(member, f"{review}/submit", {})
    batches = markdown_batches(CommentForm, "body")
    for group in batches:
        send(mentor, f"{review}/comments", {"body": "\n\n".join(group)})
    db.session.commit()
    assert db.session.scalar(select(func.count(ReviewComment.id))) == len(batches)  # each one stored, not refused
    fetch(member, review)
    fetch(mentor, review)
    assert_stored_html_safe()


def test_nul_characters_are_refused_whole(app, world, synced):
    """A NUL in a form or query is refused (400) and nothing is saved, on SQLite as on PostgreSQL."""
    member, admin = signed_in(app, "member.a@example.com"), signed_in(app, "admin@example.com")
    review = send(member, "/reviews/new", {"deal": lost_deal(world["member_a"], "z").id})
    nul, name = [t for t in TEXTS if "\0" in t], world["member_a"].name
    assert len(nul) >= 5
    for text in nul:
        assert member.post(f"{review}/comments", data={"body": text}).status_code == 400
        assert admin.post(f"/admin/users/{world['member_a'].id}", data={
            "name": text, "role": "member", "team": world["team_a"].id, "language": "en"}).status_code == 400
        assert member.get(f"/learn/search?q={quote(text)}").status_code == 400
    db.session.commit()
    assert db.session.scalar(select(ReviewComment.id)) is None
    assert db.session.scalar(select(User.name).where(User.id == world["member_a"].id)) == name
    fetch(member, review)


def test_meeting_titles_notes_decisions_and_action_items(app, world, synced):
    manager, member = signed_in(app, "manager.a@example.com"), signed_in(app, "member.a@example.com")
    team, owner = str(world["team_a"].id), str(world["member_a"].id)
    meetings = [send(manager, "/reviews/meetings", {"team": team, "held_on": "2026-12-01", "title": " ".join(g)})
                for g in chunks(limit(MeetingForm, "title"))]
    index = fetch(manager, "/reviews/meetings")
    assert_shown(index, flat(chunks(limit(MeetingForm, "title"))), "meetings index")
    actions = chunks(limit(ActionForm, "text"))
    notes = markdown_batches(MeetingRecordForm, "notes")
    meeting = meetings[0]
    for i in range(max(len(notes), -(-len(actions) // 3))):
        data = {"attendees": [owner], "notes": nth(notes, i, "\n\n"), "decisions": nth(notes[::-1], i, "\n\n")}
        for slot in range(3):
            data |= {f"actions-{slot}-text": nth(actions, 3 * i + slot, " "), f"actions-{slot}-owner": owner}
        send(manager, f"{meeting}/record", data)
        fetch(manager, meeting)
    page = fetch(member, meeting)
    assert_shown(page, flat(actions), "meeting action items")
    for url in meetings[1:]:
        fetch(member, url)
    fetch(member, "/")
    fetch(manager, f"/team/people/{owner}")
    assert_stored_html_safe()


# --- mentoring: goals, 1:1 notes, observations, sign-offs ---------------------------------------------------------

def test_mentorship_goals_coaching_notes_and_observations(app, world, synced):
    manager, mentor = signed_in(app, "manager.a@example.com"), signed_in(app, "mentor.a@example.com")
    member = signed_in(app, "member.a@example.com")
    mentee, mentor_id = str(world["member_a"].id), str(world["mentor_a"].id)
    goals = markdown_batches(AssignMentorForm, "goals")
    for i, group in enumerate(goals):  # alternate mentors: each assignment starts a new mentorship
        who = mentor_id if (len(goals) - i) % 2 else str(world["manager_a"].id)
        send(manager, "/mentoring/mentorships", {"mentee": mentee, "mentor": who, "start_date": "2026-11-01",
                                                 "goals": "\n\n".join(group)})
    current = db.session.scalar(select(Mentorship).where(Mentorship.active.is_(True)))
    assert current.mentor_id == world["mentor_a"].id
    url = f"/mentoring/mentorships/{current.id}"
    actions = chunks(limit(ActionItemForm, "text"))
    notes = markdown_batches(NoteForm, "notes")
    for i in range(max(len(notes), -(-len(actions) // 3))):
        data = {"held_on": "2026-11-02", "notes": nth(notes, i, "\n\n")}
        for slot in range(3):
            data |= {f"actions-{slot}-text": nth(actions, 3 * i + slot, " "), f"actions-{slot}-owner": mentee}
        send(mentor, f"{url}/notes", data)
    scenarios = chunks(limit(ObservationForm, "scenario"))
    for i in range(max(len(scenarios), len(notes))):
        send(mentor, f"{url}/observations", {
            "competency": competency("discovery").id, "level": "2", "kind": "role-play", "observed_on": "2026-11-03",
            "scenario": nth(scenarios, i, " "), "scores": "3", "notes": nth(notes, i, "\n\n")})
    page = fetch(mentor, url)
    assert_shown(page, flat(actions + scenarios), "mentorship page")
    fetch(member, url)
    fetch(manager, url)
    for m in db.session.scalars(select(Mentorship.id)):
        fetch(manager, f"/mentoring/mentorships/{m}")
    for client, page_url in ((mentor, "/mentoring/"), (member, "/"), (manager, "/mentoring/mentorships"),
                             (manager, f"/team/people/{mentee}"), (member, "/notifications/")):
        fetch(client, page_url)
    assert_stored_html_safe()


def test_signoff_evidence_decision_notes_and_revoke_reasons(app, world, synced):
    manager, mentor = signed_in(app, "manager.a@example.com"), signed_in(app, "mentor.a@example.com")
    member = signed_in(app, "member.a@example.com")
    send(manager, "/mentoring/mentorships", {"mentee": world["member_a"].id, "mentor": world["mentor_a"].id,
                                             "start_date": "2026-11-01"})
    discovery = competency("discovery").id

    def ask(evidence: str) -> str:
        return send(member, "/mentoring/requests/new", {"competency": discovery, "level": "3", "evidence": evidence})

    requests = []
    for group in markdown_batches(SignoffRequestForm, "evidence"):
        requests.append(ask("\n\n".join(group)))
        send(member, f"{requests[-1]}/withdraw", {})
    decisions, reasons = chunks(limit(DecisionForm, "notes")), chunks(limit(RevokeForm, "reason"))
    i = 0
    while i < len(decisions) or reasons:  # approvals and rejections with notes; approvals revoked with reasons
        request = ask("x")
        requests.append(request)
        approve = i >= len(decisions) or i % 2 == 0
        send(mentor, f"{request}/decide", {"decision": "approve" if approve else "reject", "scores-0": "3",
                                           "scores-1": "3", "notes": nth(decisions, i, " ") or "ok"})
        shown = decisions[i] if i < len(decisions) else []
        if approve and reasons:
            reason = reasons.pop(0)
            send(manager, f"{request}/revoke", {"reason": " ".join(reason)})
            shown = [*shown, *reason]
        assert_shown(fetch(member, request), shown, request)
        i += 1
    for request in requests:
        fetch(mentor, request)
    for client, url in ((member, "/mentoring/requests"), (member, "/notifications/"), (member, "/skills/mine"),
                        (member, "/"), (mentor, "/mentoring/"), (mentor, "/notifications/"),
                        (manager, f"/team/people/{world['member_a'].id}")):
        fetch(client, url)
    assert_stored_html_safe()


# --- people, teams, tokens, targets ------------------------------------------------------------------------------

def test_user_names_and_career_levels(app, world, synced):
    """Names through the admin's user form: on every list that names people, and on the pages of the cast."""
    admin, team = signed_in(app, "admin@example.com"), world["team_a"]
    names, levels = chunks(limit(UserEditForm, "name")), chunks(limit(UserEditForm, "career_level"))
    cast = [world["member_a"], world["mentor_a"], world["manager_a"]]
    people = cast + [make_user("member", team=team) for _ in range(len(names) - len(cast))]
    db.session.commit()
    for i, person in enumerate(people):
        saved = send(admin, f"/admin/users/{person.id}", {"name": " ".join(names[i]), "role": person.role,
                                                          "team": team.id, "language": "en",
                                                          "career_level": nth(levels, i, " ")})
        if i % 10 == 9:  # the flashed "Changes to <name> saved." messages, shown on the list
            assert_shown(fetch(admin, saved), flat(names[i - 9:i + 1]), "flashed names")
    listed = "".join(fetch(admin, f"/admin/users?page={n}") for n in range(1, len(people) // 50 + 3))
    assert_shown(listed, flat(names), "admin user list")
    manager, mentor = signed_in(app, "manager.a@example.com"), signed_in(app, "mentor.a@example.com")
    member = signed_in(app, "member.a@example.com")
    # Relations made after the renames, so that notifications and sources carry the new names.
    send(manager, "/mentoring/mentorships", {"mentee": world["member_a"].id, "mentor": world["mentor_a"].id,
                                             "start_date": "2026-11-01"})
    request = send(member, "/mentoring/requests/new", {"competency": competency("discovery").id, "level": "3",
                                                       "evidence": "x"})
    send(manager, "/learn/programs/onboarding/assign", {"person": world["member_a"].id, "start_date": "2026-11-01"})
    review = send(member, "/reviews/new", {"deal": lost_deal(world["member_a"], "n").id, "reasons": "price",
                                           "primary_reason": "price"})
    send(member, f"{review}/submit", {})
    meeting = send(manager, "/reviews/meetings", {"team": team.id, "held_on": "2026-12-01", "title": "December"})
    send(manager, f"{meeting}/record", {"attendees": [p.id for p in cast], "actions-0-text": "Call",
                                        "actions-0-owner": world["member_a"].id})
    assert_shown(fetch(member, "/learn/my"), names[2], "program source")
    assert_shown(fetch(mentor, "/notifications/"), names[0], "notifications")
    assert_shown(fetch(manager, f"/team/{team.id}"), flat(names), "team dashboard")
    for client, urls in ((member, ["/", review, f"/team/people/{world['member_a'].id}", "/mentoring/requests"]),
                         (mentor, ["/mentoring/", request, "/quizzes/grading"]),
                         (manager, [meeting, "/mentoring/mentorships", "/skills/targets/team", "/learn/programs",
                                    "/deals/new", "/deals/", f"/team/{team.id}/heatmap", "/reviews/analysis"]),
                         (admin, ["/admin/tokens", "/admin/audit", "/team/", f"/admin/teams/{team.id}"])):
        for url in urls:
            fetch(client, url)


def test_team_names(app, world, synced):
    admin, manager = signed_in(app, "admin@example.com"), signed_in(app, "manager.a@example.com")
    names = chunks(limit(TeamForm, "name"))
    send(admin, f"/admin/teams/{world['team_a'].id}", {"name": " ".join(names[0]), "managers": world["manager_a"].id})
    for i, group in enumerate(names[1:]):
        send(admin, "/admin/teams/new", {"name": " ".join(group), "managers": world["manager_a"].id})
        if i % 10 == 9:  # the flashed "Team <name> saved." messages
            fetch(admin, "/admin/teams")
    assert_shown(fetch(admin, "/admin/teams"), flat(names), "admin teams")
    for n in range(1, len(names) // 50 + 2):
        fetch(admin, f"/team/?page={n}")
    for url in ("/admin/users", f"/admin/users/{world['member_a'].id}", "/admin/audit"):
        fetch(admin, url)
    for url in ("/team/", f"/team/{world['team_a'].id}", f"/team/people/{world['member_a'].id}", "/reviews/meetings",
                "/skills/targets/team", "/learn/programs", "/mentoring/"):
        fetch(manager, url)
    fetch(signed_in(app, "member.a@example.com"), f"/team/people/{world['member_a'].id}")


def test_token_names(app, world, synced):
    admin = signed_in(app, "admin@example.com")
    names = chunks(limit(TokenForm, "name"))
    for i, group in enumerate(names):  # each answer lists every token so far: the last one is checked
        page = send(admin, "/admin/tokens", {"user": world["manager_a"].id, "name": " ".join(group),
                                             "scopes": "deals:read"}, status=200, check=i == len(names) - 1)
    assert_shown(page, flat(names), "token list")


def test_target_notes(app, world, synced):
    manager, member = signed_in(app, "manager.a@example.com"), signed_in(app, "member.a@example.com")
    notes = chunks(limit(TargetForm, "note"))
    for group in notes:
        send(manager, "/skills/targets/team", {"competency": competency("pricing").id, "level": "2",
                                               "due_date": "2027-03-31", "person": world["member_a"].id,
                                               "note": " ".join(group)})
    assert_shown(fetch(member, "/skills/targets"), flat(notes), "my targets")
    fetch(manager, "/skills/targets/team")
    fetch(member, "/")
    fetch(manager, f"/team/people/{world['member_a'].id}")


# --- deals: the form and a CRM export ----------------------------------------------------------------------------

def test_deal_form_fields(app, world, synced):
    manager, member = signed_in(app, "manager.a@example.com"), signed_in(app, "member.a@example.com")
    fields = {name: chunks(limit(DealForm, name)) for name in ("name", "account", "competitor")}
    for i in range(max(map(len, fields.values()))):
        values = {name: nth(groups, i, " ") for name, groups in fields.items()}
        deal = send(manager, "/deals/new", {**values, "name": values["name"] or f"Deal {i}", "currency": "CNY",
                                            "outcome": "lost", "owner": world["member_a"].id})
        shown = [t for groups in fields.values() if i < len(groups) for t in groups[i]]
        assert_shown(fetch(member, deal), shown, deal)
    for url in ("/deals/", "/reviews/new", "/"):
        fetch(member, url)
    for url in ("/deals/", "/reviews/analysis", f"/team/{world['team_a'].id}", f"/team/people/{world['member_a'].id}"):
        fetch(manager, url)


def _export(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["external_id", "name", "account", "amount", "currency", "stage",
                                             "close_date", "owner_email", "competitor"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_deal_import_cells(app, world, synced):
    """Every payload as a deal's name, customer and competitor; then as the cells an import refuses and quotes."""
    admin, member = signed_in(app, "admin@example.com"), signed_in(app, "member.a@example.com")
    cells = [t for t in FILE_TEXTS if not re.search(r"[\x00-\x08\x0e-\x1f]", t)]  # binary data is refused whole
    rows = [{"external_id": f"x{n}", "name": t, "account": t, "competitor": t, "stage": "lost",
             "owner_email": "member.a@example.com"} for n, t in enumerate(cells)]
    upload = {"preset": "generic", "dry_run": "0", "skip_invalid": "0"}
    page = send(admin, "/deals/upload", {**upload, "file": (io.BytesIO(_export(rows)), "deals.csv")}, status=200,
                content_type="multipart/form-data")
    assert_shown(page, [t for t in cells if len(t) <= 120], "import report")
    bad = [{"external_id": t[:128], "name": "x", "amount": t, "close_date": t, "stage": t, "owner_email": t}
           for t in cells]
    page = send(admin, "/deals/upload", {**upload, "file": (io.BytesIO(_export(bad)), "bad.csv")}, status=200,
                content_type="multipart/form-data")
    assert "Nothing was imported" in page
    assert_shown(fetch(member, "/deals/"), cells, "imported deals")
    for url in ("/deals/", "/reviews/analysis", f"/team/people/{world['member_a'].id}"):
        fetch(admin, url)
    # The form test reads every deal's page; here every tenth imported one (the list above shows them all).
    for deal in db.session.scalars(select(Deal.id).where(Deal.source == "generic").order_by(Deal.id)).all()[::10]:
        fetch(member, f"/deals/{deal}")


# --- quizzes: essay answers, grading feedback; search ------------------------------------------------------------

QUIZ_YML = """id: {key}
title: {{en: XSS corpus, zh: 测试}}
course: basics
pass_mark: 50
attempts: 0
time_limit_minutes: 0
draw: 0
shuffle_answers: false
show_answers: always
"""


def _sync(content: Path) -> None:
    problems, _result = sync_folder(db.session, content)
    assert not problems.errors, problems.errors
    db.session.commit()


def test_quiz_essay_answers_and_grading_feedback(app, world, synced):
    feedback = chunks(limit(GradeForm, "feedback"))
    (synced / "quizzes/xss-essays.yml").write_text(QUIZ_YML.format(key="xss-essays"), encoding="utf-8")
    (synced / "quizzes/xss-essays.gift").write_text(
        "\n\n".join(f"::e{n}::Essay {n}{{}}" for n in range(len(feedback))) + "\n", encoding="utf-8")
    _sync(synced)
    member, mentor = signed_in(app, "member.a@example.com"), signed_in(app, "mentor.a@example.com")
    attempt = send(member, "/quizzes/xss-essays/start", {})
    essays = {f"q-e{n}": "\n".join(group) for n, group in enumerate(feedback)}
    send(member, f"{attempt}/save", essays)
    assert_shown(fetch(member, attempt), SENDABLE, "saved essays")
    send(member, f"{attempt}/submit", essays)  # the page sends its answers with the submit button
    assert_shown(fetch(member, f"{attempt}/result"), SENDABLE, "essays waiting for a grade")
    assert_shown(fetch(mentor, "/quizzes/grading"), SENDABLE, "grading queue")
    answers = db.session.scalars(select(QuizAnswer).order_by(QuizAnswer.question_key)).all()
    for answer in answers:
        group = feedback[int(answer.question_key[1:])]
        send(mentor, f"/quizzes/answers/{answer.id}/grade", {"score": "60", "feedback": "\n".join(group)})
    db.session.expire_all()
    graded = db.session.scalars(select(QuizAnswer).order_by(QuizAnswer.question_key)).all()
    assert [(a.fraction, a.feedback) for a in graded] == [  # every grade and its feedback stored, none refused
        (0.6, "\n".join(feedback[int(a.question_key[1:])]).strip()) for a in graded]
    assert_shown(fetch(member, f"{attempt}/result"), SENDABLE, "grading feedback")
    fetch(mentor, "/mentoring/")
    fetch(signed_in(app, "manager.a@example.com"), f"/team/people/{world['member_a'].id}")
    assert_stored_html_safe()


def test_search_queries_and_other_echoed_parameters(app, world, synced):
    """Queries echo into the search boxes: every payload in long queries (which the length check refuses but the
    box still shows), and the first payload of each category in a query short enough to run. The audit filter
    and the login page's `next` echo their parameter too (cut to length, so only checked for safety)."""
    member, admin = signed_in(app, "member.a@example.com"), signed_in(app, "admin@example.com")
    anonymous = app.test_client()
    runnable: dict[str, str] = {}
    for payload in PAYLOADS:
        if payload.text in SENDABLE and len(payload.text) <= limit(SearchForm, "q"):
            runnable.setdefault(payload.category, payload.text)
    for group in [*chunks(1000), *([t] for t in runnable.values())]:
        query = quote(" ".join(group))
        assert_shown(fetch(member, f"/learn/search?q={query}"), group, "training search")
        assert_shown(fetch(admin, f"/admin/users?q={query}&status=all"), group, "user search")
        fetch(admin, f"/admin/audit?action={query}")
        fetch(anonymous, f"/auth/login?next={query}")


# --- content: a Markdown module and a quiz in every text format ---------------------------------------------------

def _module(key: str, texts: Sequence[str]) -> tuple[str, dict[int, str]]:
    """A module with each payload as a paragraph (and a heading when it fits on one line); line → payload."""
    front = yaml.safe_dump({"id": key, "title": texts[0], "minutes": 1, "competencies": ["discovery"]},
                           allow_unicode=True)
    lines, owner = ["---", *front.splitlines(), "---", "# Corpus", ""], {}
    for text in texts:
        block = ([f"## {text}", ""] if "\n" not in text else []) + [*text.split("\n"), ""]
        owner.update({len(lines) + n + 1: text for n in range(len(block))})
        lines += block
    return "\n".join(lines) + "\n", owner


def _write_modules(course: Path, texts: Sequence[str]) -> dict[str, dict[int, str]]:
    """The payloads as modules of `course`: one with all that leave what follows alone, one per other payload."""
    for old in course.glob("*-xss*.md"):
        old.unlink()
    tails = [t for t in texts if swallows(t)]
    modules = {"03-xss.md": _module("xss-module", [t for t in texts if t not in tails]),
               **{f"{4 + n:02d}-xss-tail.md": _module(f"xss-tail-{n}", [t]) for n, t in enumerate(tails)}}
    for name, (source, _owner) in modules.items():
        (course / name).write_text(source, encoding="utf-8")
    return {name: owner for name, (_source, owner) in modules.items()}


def _questions(texts: Sequence[str]) -> list[Question]:
    """Single-choice questions whose text, options and feedback are payloads, in each GIFT text format."""
    questions = []
    for fmt in ("markdown", "html", "moodle", "plain"):
        for n, group in enumerate(batches_of_blocks(tuple(texts))):
            answers = [*(Answer(t, 1.0 if i == 0 else 0.0, feedback=t) for i, t in enumerate(group)),
                       Answer("None of these")]
            questions.append(Question("single", f"{fmt}{n}", "\n\n".join(group), fmt, answers,
                                      general_feedback="\n\n".join(group)))
    return questions


def test_content_module_and_quiz_texts(app, world, synced):
    """Payloads in modules' Markdown (title, headings, body) and in a quiz's texts; sync refuses or sanitizes."""
    texts, refused = list(FILE_TEXTS), set()
    for _attempt in range(3):  # the link check refuses links to missing files: leave those payloads out
        lines = _write_modules(synced / "courses/basics", texts)
        problems, _result = sync_folder(db.session, synced, check_only=True)
        assert all(re.search(r"link|image|outside", p.message) for p in problems.errors), problems.errors
        refused |= {lines[Path(p.path).name][p.line] for p in problems.errors}
        texts = [t for t in texts if t not in refused]
        if not problems.errors:
            break
    assert len(refused) < 15, refused
    questions = _questions(FILE_TEXTS)
    (synced / "quizzes/xss-content.yml").write_text(QUIZ_YML.format(key="xss-content"), encoding="utf-8")
    (synced / "quizzes/xss-content.gift").write_text(write_gift(questions), encoding="utf-8")
    _sync(synced)
    member, manager = signed_in(app, "member.a@example.com"), signed_in(app, "manager.a@example.com")
    module = fetch(member, "/learn/modules/xss-module")
    headings = sum(1 for t in texts if "\n" not in t and not swallows(t))
    assert module.count("<h2") >= headings, "every one-line payload is a heading of the module"
    for n in range(sum(1 for t in texts if swallows(t))):
        fetch(member, f"/learn/modules/xss-tail-{n}")
    for url in ("/learn/courses/basics", "/learn/", "/learn/search?q=alert", "/quizzes/", "/quizzes/xss-content"):
        fetch(member, url)
    attempt = send(member, "/quizzes/xss-content/start", {})
    assert fetch(member, attempt).count('class="question card"') == len(questions)
    send(member, f"{attempt}/submit", {})
    fetch(member, f"{attempt}/result")
    fetch(manager, "/quizzes/xss-content/analysis")
    fetch(manager, "/learn/programs")
    assert_stored_html_safe()
