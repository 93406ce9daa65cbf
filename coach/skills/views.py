"""The competency framework, my competencies and evidence, and the career ladder."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from coach import policy
from coach.extensions import db
from coach.learning.services import modules_by_competency
from coach.skills import services

bp = Blueprint("skills", __name__, url_prefix="/skills")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every skills page needs a signed-in user."""


@bp.get("/")
def framework() -> ResponseReturnValue:
    """The competency framework: categories, competencies, levels and their behaviours."""
    policy.require(current_user, "learning.view")
    shelves = services.framework(db.session)
    training = modules_by_competency(db.session, [c.id for _cat, comps in shelves for c in comps])
    return render_template("skills/framework.html", shelves=shelves, training=training)


@bp.get("/mine")
def mine() -> ResponseReturnValue:
    """My current level in each competency and the evidence behind it."""
    policy.require(current_user, "learning.view")
    standing = services.standings(db.session, user_ids=[current_user.id])[current_user.id]
    return render_template("skills/mine.html", shelves=services.framework(db.session), standing=standing)


@bp.get("/careers")
def careers() -> ResponseReturnValue:
    """The career ladder, with my readiness for the next level and its breakdown."""
    policy.require(current_user, "learning.view")
    tracks = services.career_ladder(db.session)
    readiness = services.readiness_for_next_level(db.session, user=current_user, tracks=tracks)
    return render_template("skills/careers.html", tracks=tracks, readiness=readiness,
                           current=services.find_level(tracks, current_user.career_level))
