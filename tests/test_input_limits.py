"""Input limits: request size (413), field lengths, upload type checks, and downloads as nosniff attachments."""
from __future__ import annotations

import importlib
import io
import pkgutil
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import FieldList, FormField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import coach
from coach import create_app
from coach.config import DEFAULT_UPLOAD_MB, upload_limit
from coach.content.images import svg_problem
from coach.content.sync import sync_folder
from coach.deals.importer import import_deals
from coach.extensions import db
from coach.limits import LONG_TEXT, MAX_AMOUNT, MEDIUM_TEXT, SHORT_TEXT, column_length
from coach.mentoring import services as mentoring
from coach.models import (
    ActionItem,
    ApiToken,
    CaseReview,
    CoachingNote,
    Competency,
    ContentSync,
    Deal,
    Module,
    ModuleProgress,
    ReviewComment,
    ReviewMeeting,
    SignoffRequest,
    Team,
    User,
)
from coach.api.tokens import create_token
from coach.reviews import analysis
from coach.reviews.services import ReviewInput, create_review
from coach.team import exports
from tests.conftest import config_for
from tests.content_fixtures import FIXTURE_CONTENT, app_config, content_dir, synced  # noqa: F401

MB = 1024 * 1024
SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "crm-samples"
PNG = (FIXTURE_CONTENT / "courses" / "basics" / "images" / "dot.png").read_bytes()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def count(model: type) -> int:
    """Rows of `model` (the test's own session, after the request committed or not)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def errors_of(page: str, field_id: str) -> list[str]:
    """The error messages shown in the form field whose input has this id."""
    for chunk in page.split('<div class="field')[1:]:
        if f'<label for="{field_id}">' in chunk.split("</div>")[0]:
            return re.findall(r'<p class="error" role="alert">([^<]*)</p>', chunk.split("</div>")[0])
    raise AssertionError(f"no field {field_id} on the page")


def flashes(client) -> list[str]:
    """The flash messages the next page shows."""
    return re.findall(r'<p class="flash flash-error">([^<]*)</p>', client.get("/").get_data(as_text=True))


# --- 1. Request size ---------------------------------------------------------------------------------------

def test_upload_limit_comes_from_the_environment():
    assert upload_limit({}) == DEFAULT_UPLOAD_MB * MB == 10 * MB
    assert upload_limit({"COACH_MAX_UPLOAD_MB": "2"}) == 2 * MB
    assert upload_limit({"COACH_MAX_UPLOAD_MB": "0.5"}) == MB // 2
    assert upload_limit({"MAX_CONTENT_LENGTH": "1000"}) == 1000  # the older name, in bytes
    assert upload_limit({"COACH_MAX_UPLOAD_MB": "3", "MAX_CONTENT_LENGTH": "1000"}) == 3 * MB


@pytest.fixture
def review(world) -> CaseReview:
    """A draft review by member A of a lost deal of theirs."""
    deal = Deal(source="test", external_id="L1", name="Lost deal", outcome="lost", stage="lost",
                owner_id=world["member_a"].id)
    db.session.add(deal)
    db.session.flush()
    made = create_review(db.session, author=world["member_a"], deal=deal,
                         data=ReviewInput(stage=None, reasons=[], primary_reason=None))
    db.session.commit()
    return made


def test_a_form_post_over_the_limit_is_413_and_writes_nothing(client, auth, world, review):
    auth.login("member.a@example.com")
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    assert limit == 10 * MB
    body = b"body=" + b"x" * limit
    response = client.post(f"/reviews/{review.id}/comments", data=body,
                           content_type="application/x-www-form-urlencoded")
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "Upload too large" in page and "at most 10 MB" in page
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert count(ReviewComment) == 0


def test_413_is_translated(client, auth, world, review):
    world["member_a"].language = "zh"
    auth.login("member.a@example.com")
    response = client.post(f"/reviews/{review.id}/comments", data=b"x" * (10 * MB + 1),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "上传内容过大" in response.get_data(as_text=True)


def test_413_with_csrf_on(database_url, world, review):
    """With CSRF checked (as in production) the size is refused before the token is even looked at."""
    app = create_app(config_for(SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True))
    response = app.test_client().post(f"/reviews/{review.id}/comments", data=b"x" * (10 * MB + 1),
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    with app.app_context():
        db.engine.dispose()
    assert count(ReviewComment) == 0


def test_one_oversized_multipart_field_is_413(client, auth, world, review):
    auth.login("member.a@example.com")
    # Encoded by hand: the test client would spool a body this size to a temporary file it never closes.
    body = b'--B\r\nContent-Disposition: form-data; name="body"\r\n\r\n' + b"x" * 600_000 + b"\r\n--B--\r\n"
    response = client.post(f"/reviews/{review.id}/comments", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413 and "larger than Coach accepts" in response.get_data(as_text=True)
    assert count(ReviewComment) == 0


@pytest.fixture
def token(world) -> str:
    """A CRM token that writes and reads deals."""
    _row, secret = create_token(db.session, actor=world["admin"], user=world["manager_a"], name="CRM",
                                scopes=["deals:write", "deals:read"])
    db.session.commit()
    return secret


def put_deal(client, token: str, body: object = None, *, raw: bytes | None = None):
    """PUT /api/v1/deals/hubspot/42 with a JSON body."""
    headers = {"Authorization": f"Bearer {token}"}
    if raw is not None:
        return client.put("/api/v1/deals/hubspot/42", data=raw, content_type="application/json", headers=headers)
    return client.put("/api/v1/deals/hubspot/42", json=body, headers=headers)


def test_an_api_call_over_the_limit_is_413_json_and_writes_nothing(client, token):
    raw = b'{"name": "' + b"x" * (10 * MB) + b'"}'
    response = put_deal(client, token, raw=raw)
    assert response.status_code == 413 and response.is_json
    assert response.get_json()["error"] == "too_large" and "at most 10 MB" in response.get_json()["message"]
    assert count(Deal) == 0
    assert db.session.scalars(select(ApiToken)).one().last_used_at is None


# --- 2. Field lengths --------------------------------------------------------------------------------------

# Every text field of every form: the column it is stored in, or None when it is not stored as typed
# (passwords are hashed, searches and return addresses are not kept). A new text field must be added here.
STORED_IN = {
    "UserFilterForm.q": None, "UserEditForm.name": User.name, "UserEditForm.career_level": User.career_level,
    "UserCreateForm.email": User.email, "UserCreateForm.password": None, "TeamForm.name": Team.name,
    "TokenForm.name": ApiToken.name,
    "LoginForm.email": None, "LoginForm.password": None, "LoginForm.next": None,
    "PasswordForm.current_password": None, "PasswordForm.new_password": None, "PasswordForm.confirm": None,
    "SearchForm.q": None, "PositionForm.section": ModuleProgress.last_section, "LanguageForm.next": None,
    "AssignMentorForm.goals": "text", "SignoffRequestForm.evidence": "text", "DecisionForm.notes": "text",
    "RevokeForm.reason": "text", "ActionItemForm.text": ActionItem.text, "NoteForm.notes": CoachingNote.notes,
    "ObservationForm.scenario": "text", "ObservationForm.scores": None, "ObservationForm.notes": "text",
    "GradeForm.feedback": "text",
    "ActionForm.text": ActionItem.text, "ReviewForm.competitors": CaseReview.competitors,
    "ReviewForm.decision_criteria": CaseReview.decision_criteria, "ReviewForm.went_well": CaseReview.went_well,
    "ReviewForm.to_change": CaseReview.to_change, "ReviewForm.lessons": CaseReview.lessons,
    "ReviewForm.version": None, "CommentForm.body": ReviewComment.body, "AssignTrainingForm.proposal": None,
    "MeetingForm.title": ReviewMeeting.title, "MeetingRecordForm.notes": ReviewMeeting.notes,
    "MeetingRecordForm.decisions": ReviewMeeting.decisions, "DealForm.name": Deal.name,
    "DealForm.account": Deal.account, "DealForm.currency": Deal.currency, "DealForm.competitor": Deal.competitor,
    "TargetForm.note": "text",
}


def _all_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(coach.__path__, "coach."):
        importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("coach."):
                found.append(sub)
    return found


def _text_fields(form: type[FlaskForm]) -> dict[str, UnboundField]:
    """The form's own text fields (StringField and its kinds: text areas, passwords, e-mails, hidden)."""
    fields = {}
    for name, value in vars(form).items():
        while isinstance(value, UnboundField) and value.field_class is FieldList:
            value = value.args[0]
        if isinstance(value, UnboundField) and value.field_class is not FormField \
                and issubclass(value.field_class, StringField):
            fields[name] = value
    return fields


def _max_length(field: UnboundField) -> int | None:
    validators = field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else [])
    caps = [v.max for v in validators if isinstance(v, Length) and v.max >= 0]
    return min(caps) if caps else None


def test_every_text_field_has_a_cap_that_fits_its_column():
    seen = set()
    for form in _all_forms():
        for name, field in _text_fields(form).items():
            key = f"{form.__name__}.{name}"
            seen.add(key)
            cap = _max_length(field)
            assert cap is not None, f"{key} has no Length(max=...)"
            assert key in STORED_IN, f"{key} is new: say in STORED_IN where it is stored"
            column = STORED_IN[key]
            if column is None:
                continue
            length = None if column == "text" else column_length(column)
            if length is None:
                assert cap <= LONG_TEXT, f"{key}: {cap} is more than the Text cap {LONG_TEXT}"
            else:
                assert cap <= length, f"{key}: the form takes {cap} characters, the column String({length})"
    assert seen == set(STORED_IN), f"STORED_IN names fields that are gone: {set(STORED_IN) - seen}"


def test_user_name_over_its_column_is_a_form_error(client, auth, world):
    auth.login("admin@example.com")
    member = world["member_a"]
    response = client.post(f"/admin/users/{member.id}", data={
        "name": "名" * 121, "role": "member", "team": str(world["team_a"].id), "language": "en"})
    assert errors_of(response.get_data(as_text=True), "name") == ["Field cannot be longer than 120 characters."]
    db.session.rollback()
    assert db.session.get(User, member.id).name == member.name
    ok = client.post(f"/admin/users/{member.id}", data={
        "name": "名" * 120, "role": "member", "team": str(world["team_a"].id), "language": "en"})
    assert ok.status_code == 302
    db.session.rollback()
    assert db.session.get(User, member.id).name == "名" * 120  # exactly the column's length, PostgreSQL too


def test_team_name_over_its_column_is_a_form_error(client, auth, world):
    auth.login("admin@example.com")
    before = count(Team)
    response = client.post("/admin/teams/new", data={"name": "T" * 121})
    assert errors_of(response.get_data(as_text=True), "name") == ["Field cannot be longer than 120 characters."]
    assert count(Team) == before


def test_deal_name_and_amount_over_their_columns_are_form_errors(client, auth, world):
    auth.login("manager.a@example.com")
    data = {"name": "D" * 301, "currency": "CNY", "outcome": "lost", "owner": str(world["member_a"].id),
            "amount": "1000000000000"}
    page = client.post("/deals/new", data=data).get_data(as_text=True)
    assert errors_of(page, "name") == ["Field cannot be longer than 300 characters."]
    assert errors_of(page, "amount") == [f"Number must be between 0 and {MAX_AMOUNT}."]
    assert count(Deal) == 0
    assert client.post("/deals/new", data={**data, "name": "D" * 300, "amount": str(MAX_AMOUNT)}).status_code == 302
    assert count(Deal) == 1


def test_review_comment_over_its_cap_is_named_and_not_saved(client, auth, world, review):
    auth.login("member.a@example.com")
    client.post(f"/reviews/{review.id}/comments", data={"body": "x" * (MEDIUM_TEXT + 1)})
    assert flashes(client) == [f"Comment: Field cannot be longer than {MEDIUM_TEXT} characters."]
    assert count(ReviewComment) == 0


@pytest.fixture
def mentorship(world):
    """Mentor A mentors member A."""
    made = mentoring.assign_mentor(db.session, actor=world["manager_a"], mentor=world["mentor_a"],
                                   mentee=world["member_a"], start_date=date.today(), goals="")
    db.session.commit()
    return made


def test_coaching_note_over_its_cap_is_named_and_not_saved(client, auth, world, mentorship):
    auth.login("mentor.a@example.com")
    url = f"/mentoring/mentorships/{mentorship.id}/notes"
    owner = str(world["member_a"].id)
    client.post(url, data={"held_on": date.today().isoformat(), "notes": "x" * (LONG_TEXT + 1),
                           "actions-0-text": "y" * 501, "actions-0-owner": owner})
    shown = flashes(client)
    assert f"Notes (Markdown): Field cannot be longer than {LONG_TEXT} characters." in shown
    assert "Action item: Field cannot be longer than 500 characters." in shown
    assert (count(CoachingNote), count(ActionItem)) == (0, 0)
    # The longest note, in Chinese, is neither too large a request nor too long a field.
    response = client.post(url, data={"held_on": date.today().isoformat(), "notes": "谈" * LONG_TEXT,
                                      "actions-0-text": "y" * 500, "actions-0-owner": owner})
    assert response.status_code == 302 and (count(CoachingNote), count(ActionItem)) == (1, 1)


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"name": "n" * 301}, "name", "at most 300 characters"),
    ({"name": "ok", "account": "a" * 301}, "account", "at most 300 characters"),
    ({"name": "ok", "stage": "s" * 121}, "stage", "at most 120 characters"),
    ({"name": "ok", "competitor": "c" * 201}, "competitor", "at most 200 characters"),
    ({"name": "ok", "currency": "CNYX"}, "currency", "at most 3 characters"),
    ({"name": "ok", "owner_email": "e" * 255}, "owner_email", "at most 254 characters"),
    ({"name": "ok", "amount": 10 ** 12}, "amount", "not an amount up to 999,999,999,999.99"),
    ({"name": "ok", "amount": "1,000,000,000,000"}, "amount", "not an amount up to"),
    ({"name": "a\x00b"}, "name", "must not contain a NUL character"),  # PostgreSQL would refuse it with a 500
    ({"name": "ok", "competitor": "\x00"}, "competitor", "must not contain a NUL character"),
])
def test_api_refuses_over_long_fields_by_name(client, token, body, field, message):
    response = put_deal(client, token, body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert message in response.get_json()["fields"][field]
    assert count(Deal) == 0


def test_api_refuses_a_nul_character_in_the_deal_id(client, token):
    response = client.put("/api/v1/deals/hubspot/4%002", json={"name": "ok"},
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.get_json()["error"]
    assert count(Deal) == 0


def test_api_takes_fields_at_their_column_length(client, token):
    body = {"name": "名" * 300, "account": "a" * 300, "stage": "s" * 120, "competitor": "c" * 200,
            "amount": str(MAX_AMOUNT), "owner_email": "member.a@example.com"}
    response = put_deal(client, token, body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert db.session.scalar(select(Deal.amount)) == Decimal(MAX_AMOUNT)


# --- 3. Upload type checks: deal CSV files --------------------------------------------------------------------

def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


GENERIC = (SAMPLES / "generic.csv").read_bytes()


@pytest.mark.parametrize(("raw", "message"), [
    (PNG, "the file is not a CSV text file: it is a PNG image"),
    (_xlsx(), "the file is not a CSV text file: it is a ZIP archive (an Excel .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "the file is not a CSV text file: it is an old Excel .xls workbook"),
    (GENERIC.replace(b"Huaxin", b"Hua\x00xin"), "the file is not a CSV text file (it contains binary data)"),
    (GENERIC + b"\x01\x02\x03\x04", "the file is not a CSV text file (it contains binary data)"),
    (GENERIC.decode().encode("utf-16"), "the file is not a CSV text file: it is UTF-16 text"),
    (GENERIC.replace(b"Huaxin", b"\xff\xfe\xfd"), "the file is neither UTF-8 nor GBK/GB18030 text"),
], ids=["png", "xlsx", "xls", "nul", "control", "utf16", "bad-encoding"])
def test_deal_upload_refuses_what_is_not_csv_text(client, auth, world, raw, message):
    auth.login("admin@example.com")
    response = client.post("/deals/upload", data={
        "preset": "generic", "dry_run": "0", "skip_invalid": "1", "file": (io.BytesIO(raw), "deals.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"deals.csv: {message}" in page.replace("&#39;", "'"), page
    assert "nothing was imported" in page
    assert count(Deal) == 0


def test_deal_upload_names_an_over_long_id_and_imports_nothing(client, auth, world):
    auth.login("admin@example.com")
    raw = GENERIC.replace(b"QY-2026-001", b"Q" * 129)
    page = client.post("/deals/upload", data={
        "preset": "generic", "dry_run": "0", "skip_invalid": "0", "file": (io.BytesIO(raw), "deals.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "row 2, column external_id: an id has at most 128 characters" in page
    assert count(Deal) == 0


def test_csv_amount_the_table_cannot_hold_is_a_row_problem(world):
    raw = GENERIC.replace(b'"246,700.00"', b'"1,000,000,000,000"')
    report = import_deals(db.session, raw, preset_name="generic", skip_invalid=True)
    assert [str(p) for p in report.skipped if "amount" in str(p)] == [
        "row 2, column amount: '1000000000000' is not an amount up to 999,999,999,999.99"]


# --- 3. Upload type checks: content images -----------------------------------------------------------------

@pytest.mark.parametrize(("name", "raw", "message"), [
    ("fake.png", b"GIF89a" + b"\x00" * 20, "the file is a GIF image, but its name says PNG"),
    ("photo.jpg", PNG, "the file is a PNG image, but its name says JPEG"),
    ("notes.webp", b"just some text", "the file is not an image, but its name says WebP"),
    ("evil.svg", SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "may not contain <script>"),
    ("click.svg", SVG.replace(b"<rect", b'<rect onclick="steal()"'), "may not use the attribute 'onclick'"),
    ("xxe.svg", b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG, "DOCTYPE"),
    ("page.svg", b"<html><body/></html>", "its root element is <html>, not <svg>"),
    ("broken.svg", b"\x89PNG not xml", "the file is not an SVG image"),
    # An <svg> root of the XHTML namespace makes the file a web page.
    ("xhtml.svg", b'<svg xmlns="http://www.w3.org/1999/xhtml"><iframe src="x"/></svg>', "of the namespace"),
    ("div.svg", SVG.replace(b"<rect", b'<div xmlns="http://www.w3.org/1999/xhtml">x</div><rect'),
     "may not contain <div>"),
    # A tab inside the scheme is dropped by browsers, and animation can rewrite an href.
    ("tab.svg", SVG.replace(b"<rect", b'<use href="java&#9;script:alert(1)"/><rect'), "the attribute 'href'"),
    ("animate.svg", SVG.replace(b"<rect", b'<animate attributeName="href" values="0;javascript:x"/><rect'),
     "may not contain <animate>"),
    ("stylesheet.svg", b'<?xml-stylesheet href="http://x/a.css"?>' + SVG, "processing instructions"),
    ("outside.svg", SVG.replace(b"<rect", b'<use href="http://elsewhere.example/x.svg#a"/><rect'),
     "may link only within itself"),
])
def test_sync_refuses_an_image_whose_bytes_belie_its_name(app, content_dir, name, raw, message):
    problems, _result = sync_folder(db.session, content_dir)
    db.session.commit()
    before = (count(ContentSync), count(Module))
    (content_dir / "courses" / "basics" / "images" / name).write_bytes(raw)
    (content_dir / "courses" / "basics" / "02-pricing.md").write_text(
        (content_dir / "courses" / "basics" / "02-pricing.md").read_text(encoding="utf-8") + "\nEdited.\n",
        encoding="utf-8")
    problems, result = sync_folder(db.session, content_dir)
    assert result is None
    [error] = [str(p) for p in problems.errors]
    assert error.startswith(f"courses/basics/images/{name}:1: ") and message in error, error
    db.session.rollback()
    assert (count(ContentSync), count(Module)) == before


def test_drawings_from_editors_and_links_within_the_drawing_are_fine():
    inkscape = SVG.replace(b"<rect", b'<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/'
                                     b'sodipodi-0.dtd" pagecolor="#fff"/><rect id="r"/><use href="#r"/><rect')
    assert svg_problem(b'<?xml version="1.0" encoding="UTF-8"?>' + inkscape) is None


def test_sync_takes_an_inert_svg(app, content_dir):
    (content_dir / "courses" / "basics" / "images" / "chart.svg").write_bytes(SVG)
    problems, result = sync_folder(db.session, content_dir)
    assert not problems.errors and result is not None


def test_content_file_route_serves_checked_images_only(client, auth, world, content_dir):
    images = content_dir / "courses" / "basics" / "images"
    (images / "chart.svg").write_bytes(SVG)
    (images / "renamed.png").write_bytes(b"<html><script>alert(1)</script></html>")  # added after a sync
    (images / "page.html").write_bytes(b"<html></html>")
    auth.login("member.a@example.com")
    png = client.get("/learn/files/courses/basics/images/dot.png")
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    svg = client.get("/learn/files/courses/basics/images/chart.svg")
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    for response in (png, svg):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert "attachment" not in response.headers.get("Content-Disposition", "")  # images show inline
        response.close()
    for path in ("images/renamed.png", "images/page.html", "course.yml", "01-discovery.md", "../../careers.yml",
                 "images/missing.png"):
        assert client.get(f"/learn/files/courses/basics/{path}").status_code == 404, path
    # A real image outside courses/ is not served by climbing out of it.
    (content_dir / "quizzes" / "outside.png").write_bytes((images / "dot.png").read_bytes())
    assert client.get("/learn/files/courses/../quizzes/outside.png").status_code == 404


# --- 4. Downloads ------------------------------------------------------------------------------------------

def _download_urls(app, world) -> list[str]:
    """Every download route of the app, with each of its tables filled in."""
    values = {"team_id": [world["team_a"].id], "user_id": [world["member_a"].id]}
    tables = {"team.team_csv": list(exports.TEAM_TABLES), "team.person_csv": list(exports.PERSON_TABLES),
              "reviews.analysis_csv": list(analysis.DIMENSIONS)}
    urls = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule.endswith(".csv") or "export" in rule.rule or "download" in rule.rule):
            continue
        path = rule.rule
        for argument in sorted(rule.arguments):
            assert argument in values or rule.endpoint in tables, f"{rule.rule}: how do I fill <{argument}>?"
        for key, options in values.items():
            path = re.sub(rf"<(?:int:)?{key}>", str(options[0]), path)
        choices = tables.get(rule.endpoint, [""])
        urls.extend(re.sub(r"<[^>]+>", choice, path) for choice in choices)
    return urls


def test_every_download_is_a_nosniff_attachment(client, auth, app, world):
    urls = _download_urls(app, world)
    assert len(urls) >= 20 and "/team/teams.csv" in urls
    auth.login("admin@example.com")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        disposition = response.headers["Content-Disposition"]
        assert re.fullmatch(r"attachment; filename=[a-z0-9-]+\.csv", disposition), (url, disposition)
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.mimetype == "text/csv", url


def test_signoff_notes_and_revoke_reason_over_their_caps_are_named(client, auth, world, mentorship, synced):
    """These forms redirect: the flash names the field that was too long, and nothing changes."""
    pricing = db.session.scalar(select(Competency).where(Competency.key == "pricing"))
    pending = mentoring.request_signoff(db.session, mentee=world["member_a"], competency=pricing, level=3,
                                        evidence="x", links={})
    approved = mentoring.request_signoff(db.session, mentee=world["member_a"], competency=pricing, level=4,
                                         evidence="y", links={})
    mentoring.decide(db.session, mentor=world["mentor_a"], request=approved, approve=True, scores=[3], notes="ok")
    db.session.commit()
    pending_id, approved_id = pending.id, approved.id
    auth.login("mentor.a@example.com")
    client.post(f"/mentoring/requests/{pending_id}/decide",
                data={"decision": "approve", "scores-0": "3", "notes": "n" * (MEDIUM_TEXT + 1)})
    assert f"Notes for the mentee: Field cannot be longer than {MEDIUM_TEXT} characters." in flashes(client)
    auth.logout()
    auth.login("manager.a@example.com")
    client.post(f"/mentoring/requests/{approved_id}/revoke", data={"reason": "r" * (SHORT_TEXT + 1)})
    assert f"Reason: Field cannot be longer than {SHORT_TEXT} characters." in flashes(client)
    db.session.expire_all()
    statuses = (db.session.get(SignoffRequest, pending_id).status, db.session.get(SignoffRequest, approved_id).status)
    assert statuses == ("requested", "approved")
