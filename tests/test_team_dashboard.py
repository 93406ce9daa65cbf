"""The team dashboard, heat map, person page and their CSV exports, checked against a hand-made team."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from coach.extensions import db
from coach.learning.programs import assign_program, get_program, refresh_completion
from coach.learning.services import mark_done
from coach.models import ActionItem, ProgramAssignment
from coach.skills.targets import create_target
from coach.team.dashboard import team_dashboard
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import make_user
from tests.queries import count_queries
from tests.team_fixtures import TODAY, add_attempt, add_deal, add_evidence, competency, team  # noqa: F401

def test_dashboard_numbers_match_the_hand_made_team(team):
    d = team_dashboard(db.session, team["team_a"], today=TODAY)
    names = [p.name for p in d.people]
    assert set(names) == {"Rep One", "Rep Two", team["member_a"].name, team["mentor_a"].name}  # not the manager

    comps = [c.key for c in d.heatmap.competencies]
    cells = {p.name: dict(zip(comps, c)) for p, c in d.heatmap.rows}
    assert (cells["Rep One"]["discovery"].current, cells["Rep One"]["discovery"].required) == (0, 1)
    assert cells["Rep One"]["discovery"].status == "short1"
    assert cells["Rep One"]["pricing"].status == "meets"
    assert (cells["Rep Two"]["discovery"].current, cells["Rep Two"]["discovery"].status) == (1, "meets")
    assert cells["Rep Two"]["pricing"].status == "short2"
    assert cells[team["member_a"].name]["discovery"].required == 2
    assert cells[team["mentor_a"].name]["discovery"].status == "none"
    short = dict(zip(comps, d.heatmap.short_counts))
    required = dict(zip(comps, d.heatmap.required_counts))
    assert (short["discovery"], required["discovery"]) == (2, 3)
    assert (short["pricing"], required["pricing"]) == (3, 4)

    rows = {r.person.name: r for r in d.onboarding.rows}
    assert (rows["Rep One"].view.done_count, rows["Rep One"].view.overdue_count) == (0, 2)
    assert rows["Rep One"].days_since_start == 10 and rows["Rep One"].ramp_days is None
    assert rows["Rep Two"].complete and rows["Rep Two"].ramp_days == 60
    assert (d.onboarding.in_progress, d.onboarding.overdue_people, d.onboarding.average_ramp_days) == (1, 1, 60)

    assert d.target_counts == {"overdue": 1, "at_risk": 3, "on_track": 0, "met": 1}
    assert d.open_targets[0].person.id == team["member_a"].id  # overdue first

    readiness = {r.person.name: {o.level.key: o.percent for o in r.options} for r in d.readiness}
    assert readiness["Rep One"] == {"supervisor": 50, "specialist": 0}
    assert readiness["Rep Two"] == {"supervisor": 0, "specialist": 0}

    (quiz,) = d.quizzes
    assert (quiz.people, quiz.attempts, quiz.people_passed, quiz.pass_rate, quiz.average_score) == (2, 3, 1, 50, 53.3)

    (load,) = d.mentors
    assert (load.mentor.id, load.mentees, load.open_requests) == (team["mentor_a"].id, 1, 1)

    total = d.reviews.total
    assert (total.filed, total.discussed, total.drafts, total.filed_this_quarter) == (2, 1, 1, 2)
    assert [a.text for a in d.actions] == ["Call the buyer back"]

    training = {r.competency.key: r for r in d.training}
    discovery, pricing = training["discovery"], training["pricing"]
    assert (discovery.met.people, discovery.met.won, discovery.met.lost, discovery.met.win_rate) == (1, 3, 1, 75)
    assert (discovery.not_met.people, discovery.not_met.won, discovery.not_met.lost) == (2, 1, 4)
    assert discovery.not_met.win_rate == 20
    assert (pricing.met.people, pricing.met.win_rate) == (1, 25)
    assert (pricing.not_met.people, pricing.not_met.won, pricing.not_met.lost, pricing.not_met.win_rate) == (3, 3, 2, 60)


def test_dashboard_page_shows_the_team(client, auth, team):
    auth.login("manager.a@example.com")
    index = client.get("/team/")
    assert index.status_code == 302 and index.headers["Location"].endswith(f"/team/{team['team_a'].id}")
    page = client.get(f"/team/{team['team_a'].id}").get_data(as_text=True)
    for text in ("Skill heat map", "Rep One", "0/1", "Onboarding", "60 days", "Capability targets",
                 "Readiness for the next career level", "Training and results", "75%", "Call the buyer back",
                 "Mentor load", "Printable heat map"):
        assert text in page, text
    heatmap = client.get(f"/team/{team['team_a'].id}/heatmap").get_data(as_text=True)
    assert 'class="heat heat-short1"' in heatmap and "data-print" in heatmap


def test_admin_sees_every_team_and_the_overview_csv(client, auth, team):
    auth.login("admin@example.com")
    page = client.get("/team/").get_data(as_text=True)
    assert "Team A" in page and "Team B" in page
    response = client.get("/team/teams.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    team_a = next(r for r in rows if r[0] == "Team A")
    assert team_a[1:5] == ["5", "1", "1", "2"]  # people (manager included), onboarding, overdue actions, reviews
    assert client.get(f"/team/{team['team_b'].id}").status_code == 200


def test_access_manager_sees_only_their_teams_members_see_no_dashboard(client, auth, team):
    auth.login("manager.b@example.com")
    assert client.get(f"/team/{team['team_a'].id}").status_code == 403
    assert client.get(f"/team/{team['team_a'].id}/export/targets.csv").status_code == 403
    assert client.get(f"/team/people/{team['rep1'].id}").status_code == 403
    auth.logout()
    auth.login("member.a@example.com")
    assert client.get("/team/").status_code == 403
    assert client.get(f"/team/{team['team_a'].id}").status_code == 403
    assert "Team dashboard" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/team/people/{team['rep1'].id}").status_code == 403
    assert client.get(f"/team/people/{team['member_a'].id}").status_code == 200  # their own


def test_person_page_for_the_mentor_and_the_manager(client, auth, team):
    rep1 = team["rep1"]
    auth.login("mentor.a@example.com")  # mentors rep1 only
    page = client.get(f"/team/people/{rep1.id}").get_data(as_text=True)
    for text in ("Rep One", "Competencies", "Programs", "Quiz attempts", "Sign-offs", "Timeline",
                 "Program started: Rep onboarding", "Sign-off requested: Needs discovery level 3"):
        assert text in page, text
    assert client.get(f"/team/people/{team['member_a'].id}").status_code == 403
    assert client.get("/team/people/999999").status_code == 404
    auth.logout()
    auth.login("manager.a@example.com")
    page = client.get(f"/team/people/{team['rep2'].id}").get_data(as_text=True)
    assert "Program completed: Rep onboarding" in page and "Module completed" in page


def test_drafts_stay_private_on_the_person_page(client, auth, team):
    auth.login("manager.a@example.com")
    page = client.get(f"/team/people/{team['member_a'].id}").get_data(as_text=True)
    assert "Deal c" not in page  # member_a's review is a draft
    rows = _csv(client.get(f"/team/people/{team['member_a'].id}/export/reviews.csv"))
    assert rows == [["Deal", "Outcome", "Status", "Submitted"]]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize("table", ["heatmap", "onboarding", "targets", "readiness", "quizzes", "mentors", "reviews",
                                   "actions", "training"])
def test_every_dashboard_table_exports(client, auth, team, table):
    auth.login("manager.a@example.com")
    rows = _csv(client.get(f"/team/{team['team_a'].id}/export/{table}.csv"))
    assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)


def test_csv_contents_in_chinese_and_escaped(client, auth, team):
    team["manager_a"].language = "zh"
    team["rep1"].name = "=HYPERLINK(\"http://x\") 王芳"
    db.session.commit()
    auth.login("manager.a@example.com")
    rows = _csv(client.get(f"/team/{team['team_a'].id}/export/onboarding.csv"))
    assert rows[0][0] == "人员"
    rep1 = next(r for r in rows if "王芳" in r[0])
    assert rep1[0].startswith("'=")  # never run as a formula
    assert rep1[3:6] == ["0", "4", "2"]
    rows = _csv(client.get(f"/team/{team['team_a'].id}/export/training.csv"))
    discovery = next(r for r in rows if r[0] == "需求挖掘")
    assert discovery[1:5] == ["1", "3", "1", "75"]
    assert client.get(f"/team/{team['team_a'].id}/export/nothing.csv").status_code == 404


@pytest.mark.parametrize("table", ["levels", "attempts", "signoffs", "programs", "reviews", "timeline"])
def test_every_person_table_exports(client, auth, team, table):
    auth.login("manager.a@example.com")
    rows = _csv(client.get(f"/team/people/{team['rep1'].id}/export/{table}.csv"))
    assert len(rows) >= 2


def _grow_team(team_a, manager, n: int) -> None:
    """n more people with evidence, attempts, deals, targets, a program and action items each."""
    onboarding = get_program(db.session, "onboarding")
    people = [make_user("member", team=team_a, career_level="rep") for _ in range(n)]
    assign_program(db.session, actor=None, program=onboarding, learners=people, start_date=TODAY)
    for i, person in enumerate(people):
        add_evidence(person, "discovery", 1 + i % 2)
        add_attempt(person, 40 + i % 60)
        add_deal(person, "g", "won" if i % 2 else "lost")
        db.session.add(ActionItem(owner_id=person.id, text="x", due_date=TODAY - timedelta(days=1)))
        create_target(db.session, actor=manager, competency_id=competency("pricing").id, level=1,
                      due_date=TODAY + timedelta(days=30), user=person)
    db.session.commit()


def _dashboard_queries(client, team_id: int) -> int:
    with count_queries(db.engine) as statements:
        assert client.get(f"/team/{team_id}").status_code == 200
    return len(statements)


def test_dashboard_query_count_is_pinned_for_10_and_200_people(client, auth, team):
    auth.login("manager.a@example.com")
    team_id = team["team_a"].id
    _grow_team(team["team_a"], team["manager_a"], 4)  # ten people in all
    small = _dashboard_queries(client, team_id)
    # user, team, managed teams, people, rules, levels, targets, career requirements, categories, competencies,
    # ladder (3), programs (8), quizzes, mentors (2), reviews, actions, deals, unread notifications
    assert small == 28
    _grow_team(team["team_a"], team["manager_a"], 190)
    assert _dashboard_queries(client, team_id) == small


def test_person_page_query_count_does_not_grow(client, auth, team):
    auth.login("manager.a@example.com")
    rep2 = team["rep2"]

    def count() -> int:
        with count_queries(db.engine) as statements:
            assert client.get(f"/team/people/{rep2.id}").status_code == 200
        return len(statements)

    before = count()
    for score in range(20):
        add_attempt(rep2, 50 + score)
        add_deal(rep2, f"more{score}", "won")
    db.session.commit()
    assert count() == before


def test_completion_is_stamped_when_the_last_step_is_done(world, synced):
    person = make_user("member", team=world["team_a"])
    program = get_program(db.session, "onboarding")
    assign_program(db.session, actor=None, program=program, learners=[person], start_date=TODAY)
    mark_done(db.session, user=person, key="basics-discovery")
    mark_done(db.session, user=person, key="basics-pricing")
    add_evidence(person, "discovery", 1, "quiz", source="quiz:basics-quiz:9")
    assignment = db.session.scalar(select(ProgramAssignment).where(ProgramAssignment.user_id == person.id))
    assert refresh_completion(db.session, user_id=person.id) == 0 and assignment.completed_at is None
    add_evidence(person, "discovery", 1, "signoff")
    assert refresh_completion(db.session, user_id=person.id) == 1
    stamped = assignment.completed_at
    assert stamped is not None and stamped <= datetime.now(timezone.utc)
    assert refresh_completion(db.session, user_id=person.id) == 0 and assignment.completed_at == stamped


def test_unknown_team_person_or_table_is_a_clear_404(client, auth, team):
    auth.login("admin@example.com")
    for path in ("/team/999999", "/team/999999/heatmap", "/team/999999/export/targets.csv",
                 "/team/people/999999/export/timeline.csv", f"/team/people/{team['rep1'].id}/export/nothing.csv"):
        assert client.get(path).status_code == 404, path
