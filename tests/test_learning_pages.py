"""Learning pages: catalogue, courses, modules in two languages, progress, my learning, search, programs."""
from __future__ import annotations

from datetime import date, timedelta

import markdown
import pytest
from sqlalchemy import select

from coach.extensions import db
from coach.learning import programs
from coach.models import Module, ModuleProgress, Program, ProgramAssignment, User
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import make_user
from tests.queries import count_queries


def test_catalogue_and_course_show_progress(client, auth, world, synced):
    auth.login("member.a@example.com")
    client.post("/learn/modules/basics-discovery/done")
    catalogue = client.get("/learn/").get_data(as_text=True)
    assert "Selling basics" in catalogue and "1 of 2 done" in catalogue
    course = client.get("/learn/courses/basics").get_data(as_text=True)
    assert "Done" in course and "Continue" in course and "Pricing rules" in course


def test_module_page_in_english_and_chinese_with_fallback(client, auth, world, synced):
    auth.login("member.a@example.com")
    english = client.get("/learn/modules/basics-discovery").get_data(as_text=True)
    assert "<h1 id=\"discovery-questions\">Discovery questions</h1>" in english
    assert 'class="admonition tip"' in english and "Contents" in english
    client.post("/language", data={"language": "zh"})
    chinese = client.get("/learn/modules/basics-discovery").get_data(as_text=True)
    assert "需求挖掘提问" in chinese and "痛点" in chinese
    fallback = client.get("/learn/modules/basics-pricing").get_data(as_text=True)
    assert "Up to 10% discount" in fallback
    assert "该模块暂无中文翻译，当前显示的是英文原文。" in fallback


def test_mark_done_goes_to_next_module_and_is_idempotent(client, auth, world, synced):
    auth.login("member.a@example.com")
    response = client.post("/learn/modules/basics-discovery/done")
    assert response.headers["Location"] == "/learn/modules/basics-pricing"
    client.post("/learn/modules/basics-discovery/done")
    rows = db.session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == world["member_a"].id)).all()
    assert len(rows) == 1 and rows[0].completed_version == 1
    last = client.post("/learn/modules/basics-pricing/done")
    assert last.headers["Location"] == "/learn/courses/basics"


def test_reading_position_is_remembered_for_resume(client, auth, world, synced):
    auth.login("member.a@example.com")
    assert client.post("/learn/modules/basics-discovery/position", data={"section": "open-questions"}).get_json() == {
        "saved": True}
    assert 'href="/learn/modules/basics-discovery#open-questions"' in client.get("/learn/").get_data(as_text=True)
    assert client.post("/learn/modules/basics-discovery/position", data={"section": "x" * 300}).status_code == 400


def test_unknown_module_is_404(client, auth, world, synced):
    auth.login("member.a@example.com")
    assert client.get("/learn/modules/nope").status_code == 404
    assert client.post("/learn/modules/nope/done").status_code == 404


def test_content_images_are_served_with_caching(client, auth, world, synced):
    auth.login("member.a@example.com")
    response = client.get("/learn/files/courses/basics/images/dot.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "max-age=604800" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    response.close()
    assert client.get("/learn/files/courses/basics/course.yml").status_code == 404
    assert client.get("/learn/files/courses/../../etc/passwd.png").status_code == 404


def test_page_views_never_render_markdown(client, auth, world, synced, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("Markdown rendered during a page view")

    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    auth.login("member.a@example.com")
    for path in ("/learn/", "/learn/courses/basics", "/learn/modules/basics-discovery", "/learn/my",
                 "/learn/search?q=pain", "/skills/", "/skills/mine", "/skills/careers"):
        assert client.get(path).status_code == 200, path


def _module_page_queries(client, app) -> int:
    with count_queries(db.engine) as statements:
        assert client.get("/learn/modules/basics-discovery").status_code == 200
    return len(statements)


def test_module_page_query_count_is_pinned_and_flat(client, auth, world, synced, app):
    auth.login("member.a@example.com")
    client.post("/learn/modules/basics-discovery/done")
    # user, unread notifications, module+course, its competencies, siblings, progress
    assert _module_page_queries(client, app) == 6
    course = db.session.scalar(select(Module).where(Module.key == "basics-discovery")).course
    for n in range(40):
        db.session.add(Module(key=f"extra-{n}", course=course, position=10 + n, source_path=f"x{n}.md", minutes=1,
                              title_en=f"Extra {n}", html_en="<p>x</p>", content_hash=str(n)))
    db.session.commit()
    assert _module_page_queries(client, app) == 6


def test_my_learning_shows_due_dates_overdue_and_next_step(client, auth, world, synced):
    program = db.session.scalar(select(Program).where(Program.key == "onboarding"))
    start = date.today() - timedelta(days=6)
    programs.assign_program(db.session, actor=world["manager_a"], program=program, learners=[world["member_a"]],
                            start_date=start)
    db.session.commit()
    auth.login("member.a@example.com")
    client.post("/learn/modules/basics-discovery/done")
    page = client.get("/learn/my").get_data(as_text=True)
    assert "Rep onboarding" in page and "1 of 4 steps done" in page
    assert (start + timedelta(days=5)).isoformat() in page and "1 step overdue" in page
    assert 'href="/learn/modules/basics-pricing"' in page  # the next step


def test_search_finds_english_and_chinese(client, auth, world, synced):
    auth.login("member.a@example.com")
    english = client.get("/learn/search?q=discov").get_data(as_text=True)
    assert "Discovery questions" in english and "1 module found" in english
    chinese = client.get("/learn/search?q=痛点").get_data(as_text=True)
    assert "Discovery questions" in chinese or "需求挖掘提问" in chinese
    mixed = client.get("/learn/search?q=谈判准备").get_data(as_text=True)
    assert "Anchoring" in mixed
    single = client.get("/learn/search?q=价").get_data(as_text=True)
    assert "1 module found" in single
    assert "0 modules found" in client.get("/learn/search?q=zebra").get_data(as_text=True)


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "*", "a:b", "(", "NEAR(", "';--"])
def test_search_survives_operator_characters(client, auth, world, synced, query):
    auth.login("member.a@example.com")
    assert client.get("/learn/search", query_string={"q": query}).status_code == 200


def test_manager_assigns_program_to_own_team_only(client, auth, world, synced):
    auth.login("manager.a@example.com")
    page = client.get("/learn/programs").get_data(as_text=True)
    assert "member.a" not in page or "Member" in page
    response = client.post("/learn/programs/advanced-track/assign",
                           data={"team": str(world["team_a"].id), "start_date": "2026-12-01"})
    assert response.status_code == 302
    assigned = set(db.session.scalars(select(ProgramAssignment.user_id)))
    team_a = {u.id for u in db.session.scalars(select(User).where(User.team_id == world["team_a"].id))}
    assert assigned == team_a
    client.post("/learn/programs/advanced-track/assign", data={"person": str(world["member_b"].id),
                                                                "start_date": "2026-12-01"})
    assert world["member_b"].id not in set(db.session.scalars(select(ProgramAssignment.user_id)))


def test_new_hire_gets_the_onboarding_program(client, auth, world, synced):
    auth.login("admin@example.com")
    client.post("/admin/users/new", data={"email": "new@example.com", "name": "New", "role": "member",
                                          "team": str(world["team_a"].id), "language": "en",
                                          "hire_date": date.today().isoformat(), "password": "first-password-1"})
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    keys = [a.program.key for a in db.session.scalars(select(ProgramAssignment).where(
        ProgramAssignment.user_id == user.id))]
    assert keys == ["onboarding"]
    veteran = make_user(hire_date=date.today() - timedelta(days=400))
    assert programs.enroll_new_hire(db.session, user=veteran, actor=None) == 0
