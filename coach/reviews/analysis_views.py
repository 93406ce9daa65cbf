"""The win/loss analysis page and its CSV exports."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from coach import policy
from coach.csvfile import csv_download
from coach.extensions import db
from coach.reviews import analysis
from coach.reviews.views import bp
from coach.team.services import managed_teams


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters() -> analysis.Filters:
    teams = managed_teams(db.session, manager=current_user)
    chosen = request.args.get("team", "")
    team_ids = [t.id for t in teams if not chosen or str(t.id) == chosen]
    return analysis.Filters(team_ids=None if current_user.role == "admin" and not chosen else team_ids,
                            start=_date("start"), end=_date("end"),
                            owner_id=request.args.get("owner", type=int))


@bp.get("/analysis")
def analysis_page() -> ResponseReturnValue:
    """Why deals are won and lost: win rate overall and by reason, stage, competitor, owner and quarter."""
    policy.require(current_user, "meeting.manage")
    filters = _filters()
    lang = current_user.language
    tables = {dim: analysis.by_dimension(db.session, filters, dim, lang) for dim in analysis.DIMENSIONS}
    titles = {"reason": _("By reason"), "stage": _("By stage reached"), "competitor": _("By competitor"),
              "owner": _("By owner"), "quarter": _("By quarter")}
    return render_template("reviews/analysis.html", total=analysis.overall(db.session, filters), tables=tables,
                           titles=titles, teams=managed_teams(db.session, manager=current_user), args=request.args)


@bp.get("/analysis/<dimension>.csv")
def analysis_csv(dimension: str) -> ResponseReturnValue:
    """One analysis table as CSV (UTF-8 with BOM)."""
    policy.require(current_user, "meeting.manage")
    if dimension not in analysis.DIMENSIONS:
        abort(404)
    rows = analysis.by_dimension(db.session, _filters(), dimension, current_user.language)
    return csv_download(f"win-loss-by-{dimension}", *analysis.csv_table(rows, dimension))
