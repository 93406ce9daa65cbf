"""Manager dashboards: the teams overview, one team's dashboard and heat map, a person's development."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from coach import policy
from coach.csvfile import csv_download
from coach.errors import NotFound
from coach.extensions import db
from coach.models import Team
from coach.team import dashboard, exports, person
from coach.team.services import managed_teams
from coach.web_utils import require_login

bp = Blueprint("team", __name__, url_prefix="/team")

require_login(bp)

TEAMS_PER_PAGE = 50


def _visible_teams(page: int) -> tuple[list[Team], int]:
    """The teams this viewer may open, one page of them, and how many pages there are."""
    if current_user.role == "admin":
        total = db.session.scalar(select(func.count(Team.id))) or 0
        teams = list(db.session.scalars(select(Team).order_by(Team.name)
                                        .limit(TEAMS_PER_PAGE).offset((page - 1) * TEAMS_PER_PAGE)))
        return teams, max(1, -(-total // TEAMS_PER_PAGE))
    return managed_teams(db.session, manager=current_user), 1


@bp.get("/")
def index() -> ResponseReturnValue:
    """The teams I can see, each with its headline figures; a manager of one team goes straight to it."""
    policy.require(current_user, "team.any")
    page = max(request.args.get("page", 1, type=int), 1)
    teams, pages = _visible_teams(page)
    if current_user.role != "admin" and len(teams) == 1:
        return redirect(url_for("team.dashboard_page", team_id=teams[0].id))
    return render_template("team/index.html", summaries=dashboard.team_summaries(db.session, teams),
                           page=page, pages=pages)


@bp.get("/teams.csv")
def teams_csv() -> ResponseReturnValue:
    """The teams overview (this page of it) as CSV."""
    policy.require(current_user, "team.any")
    teams, _pages = _visible_teams(max(request.args.get("page", 1, type=int), 1))
    return csv_download("teams", *exports.teams_table(dashboard.team_summaries(db.session, teams)))


def _team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound(_("No such team."))
    policy.require(current_user, "team.view", team)
    return team


@bp.get("/<int:team_id>")
def dashboard_page(team_id: int) -> ResponseReturnValue:
    """One team at a glance: skills, onboarding, targets, readiness, quizzes, mentors, reviews, results."""
    team = _team(team_id)
    return render_template("team/dashboard.html", d=dashboard.team_dashboard(db.session, team),
                           lang=current_user.language)


@bp.get("/<int:team_id>/heatmap")
def heatmap_page(team_id: int) -> ResponseReturnValue:
    """The skill heat map alone, laid out to print."""
    team = _team(team_id)
    return render_template("team/heatmap.html", d=dashboard.team_dashboard(db.session, team),
                           lang=current_user.language)


@bp.get("/<int:team_id>/export/<table>.csv")
def team_csv(team_id: int, table: str) -> ResponseReturnValue:
    """One table of the team dashboard as CSV (UTF-8 with BOM)."""
    team = _team(team_id)
    if table not in exports.TEAM_TABLES:
        abort(404)
    d = dashboard.team_dashboard(db.session, team)
    return csv_download(f"team-{team.id}-{table}", *exports.TEAM_TABLES[table](d, current_user.language))


def _development(user_id: int) -> person.Development:
    development = person.development_of(db.session, user_id)
    policy.require(current_user, "person.development", development)
    return development


@bp.get("/people/<int:user_id>")
def person_page(user_id: int) -> ResponseReturnValue:
    """One person's development: levels, evidence, attempts, sign-offs, programs, reviews and a timeline."""
    development = _development(user_id)
    page = person.person_page(db.session, viewer=current_user, person=development.person,
                              language=current_user.language)
    return render_template("team/person.html", p=page, lang=current_user.language)


@bp.get("/people/<int:user_id>/export/<table>.csv")
def person_csv(user_id: int, table: str) -> ResponseReturnValue:
    """One table of the person page as CSV (UTF-8 with BOM)."""
    development = _development(user_id)
    if table not in exports.PERSON_TABLES:
        abort(404)
    page = person.person_page(db.session, viewer=current_user, person=development.person,
                              language=current_user.language)
    return csv_download(f"person-{user_id}-{table}", *exports.PERSON_TABLES[table](page, current_user.language))
