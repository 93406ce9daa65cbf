"""Home page per role, health check and language switching."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import text

from coach import policy
from coach.auth.services import set_language
from coach.extensions import db
from coach.main.forms import LanguageForm
from coach.main.services import home_summary
from coach.web_utils import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home() -> ResponseReturnValue:
    """The signed-in person's starting page, arranged for their role."""
    policy.require(current_user, "home.view")
    return render_template("main/home.html", summary=home_summary(db.session, user=current_user), today=date.today())


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness and database check for load balancers."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.post("/language")
def language() -> ResponseReturnValue:
    """Switch the interface language; stored on the profile when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            set_language(db.session, user=current_user, language=form.language.data)
            db.session.commit()
        session["lang"] = form.language.data
    return redirect(safe_next(form.next.data) or url_for("main.home"))
