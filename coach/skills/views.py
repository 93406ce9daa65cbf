"""The competency framework, my competencies and evidence, and the career ladder."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from coach import policy
from coach.errors import Conflict, ValidationError
from coach.extensions import db
from coach.form_helpers import choices
from coach.learning.services import modules_by_competency
from coach.models import CapabilityTarget
from coach.skills import services, targets
from coach.skills.forms import ConfirmForm, TargetForm
from coach.team.services import assignable_people, managed_teams
from coach.web_utils import client_ip, form_error, require_login

bp = Blueprint("skills", __name__, url_prefix="/skills")

require_login(bp)


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


@bp.get("/targets")
def my_targets() -> ResponseReturnValue:
    """My capability targets with their status, and refresher quizzes that are due."""
    policy.require(current_user, "learning.view")
    statuses = targets.targets_for_people(db.session, [current_user])
    return render_template("skills/my_targets.html", statuses=statuses, today=date.today(),
                           refreshers=targets.refreshers_due(db.session, user=current_user))


def _target_form() -> TargetForm:
    form = TargetForm()
    shelves = services.framework(db.session)
    lang = current_user.language
    form.competency.choices = choices((str(c.id), f"{cat.t('name', lang)} · {c.t('name', lang)}")
                                      for cat, comps in shelves for c in comps)
    form.person.choices = choices([("", "—"), *[(str(p.id), p.name) for p in assignable_people(
        db.session, manager=current_user)]])
    form.team.choices = choices([("", "—"), *[(str(t.id), t.name) for t in managed_teams(db.session,
                                                                                       manager=current_user)]])
    # A career-level target reaches every team: administrators only (the service refuses it to others too).
    levels = services.career_ladder(db.session) if current_user.role == "admin" else []
    form.career_level.choices = choices([("", "—"), *[(level.key, level.t("name", lang)) for track in levels
                                                      for level in track.levels]])
    return form


@bp.route("/targets/team", methods=["GET", "POST"])
def team_targets() -> ResponseReturnValue:
    """Set targets for my people and see each target's status per person."""
    policy.require(current_user, "target.set")
    form = _target_form()
    if form.validate_on_submit():
        people = {str(p.id): p for p in assignable_people(db.session, manager=current_user)}
        teams = {str(t.id): t for t in managed_teams(db.session, manager=current_user)}
        try:
            targets.create_target(
                db.session, actor=current_user, competency_id=int(form.competency.data), level=form.level.data,
                due_date=form.due_date.data, user=people.get(form.person.data or ""),
                team=teams.get(form.team.data or ""), career_level_key=form.career_level.data or None,
                note=form.note.data or "", ip=client_ip())
        except ValidationError as exc:
            form_error(form, exc, "person")
        else:
            db.session.commit()
            flash(_("Target set."), "success")
            return redirect(url_for("skills.team_targets"))
    statuses = targets.targets_for_people(db.session, assignable_people(db.session, manager=current_user))
    return render_template("skills/team_targets.html", form=form, statuses=statuses, today=date.today(),
                           confirm=ConfirmForm())


@bp.post("/targets/<int:target_id>/remove")
def target_remove(target_id: int) -> ResponseReturnValue:
    """Retire a target I set (or any, as an admin)."""
    policy.require(current_user, "target.set")
    target = db.session.get(CapabilityTarget, target_id)
    if target is None:
        abort(404)
    policy.require(current_user, "target.remove", target)
    if ConfirmForm().validate_on_submit():
        try:
            targets.remove_target(db.session, actor=current_user, target_id=target_id, ip=client_ip())
        except Conflict as exc:  # removed a moment ago, from another tab
            db.session.rollback()
            flash(exc.message, "info")
        else:
            db.session.commit()
            flash(_("Target removed."), "success")
    return redirect(url_for("skills.team_targets"))
