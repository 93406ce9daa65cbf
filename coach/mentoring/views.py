"""Mentoring pages: the mentor's dashboard, mentorships, sign-off requests, coaching notes."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coach import policy
from coach.errors import Conflict, ValidationError
from coach.extensions import db
from coach.form_helpers import choices
from coach.mentoring import coaching, services
from coach.mentoring.forms import AssignMentorForm, ConfirmForm, NoteForm, ObservationForm
from coach.models import Competency, Mentorship
from coach.quizzes.grading import grading_queue
from coach.skills.services import framework
from coach.team.services import assignable_people
from coach.web_utils import client_ip, flash_form_errors, form_error, require_login

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")

require_login(bp)


@bp.get("/")
def dashboard() -> ResponseReturnValue:
    """My mentees' progress, requests waiting for me (oldest first), essays to grade, action items due."""
    policy.require(current_user, "mentoring.dashboard")
    mentorships = services.mentees_of(db.session, mentor=current_user)
    return render_template(
        "mentoring/dashboard.html", cards=coaching.mentee_cards(db.session, mentorships=mentorships),
        requests=services.requests_for_mentor(db.session, mentor=current_user),
        essays=grading_queue(db.session, grader=current_user), today=date.today(),
        actions=coaching.open_action_items(db.session, mentorship_ids=[m.id for m in mentorships]))


def _competency_choices() -> list:
    lang = current_user.language
    return choices((str(c.id), f"{c.t('name', lang)}") for _cat, comps in framework(db.session) for c in comps)


@bp.route("/mentorships", methods=["GET", "POST"])
def mentorships() -> ResponseReturnValue:
    """Assign mentors to the people of my teams; current and past mentorships."""
    policy.require(current_user, "mentorship.manage")
    people = assignable_people(db.session, manager=current_user)
    mentors = [p for p in people if p.role in ("mentor", "manager")]
    load = services.mentor_load(db.session, [m.id for m in mentors])
    form = AssignMentorForm()
    form.mentee.choices = choices((str(p.id), p.name) for p in people)
    form.mentor.choices = choices((str(m.id), f"{m.name} ({load.get(m.id, 0)}/{m.mentor_capacity})") for m in mentors)
    if request.method == "GET":
        form.start_date.data = date.today()
    if form.validate_on_submit():
        by_id = {str(p.id): p for p in people}
        try:
            services.assign_mentor(db.session, actor=current_user, mentor=by_id[form.mentor.data],
                                   mentee=by_id[form.mentee.data], start_date=form.start_date.data,
                                   end_date=form.end_date.data, goals=form.goals.data or "", ip=client_ip())
        except ValidationError as exc:
            db.session.rollback()
            form_error(form, exc, "mentor")
        else:
            db.session.commit()
            flash(_("Mentor assigned."), "success")
            return redirect(url_for("mentoring.mentorships"))
    rows = list(db.session.scalars(select(Mentorship).where(Mentorship.mentee_id.in_([p.id for p in people]))
                                   .order_by(Mentorship.active.desc(), Mentorship.start_date.desc())))
    return render_template("mentoring/mentorships.html", form=form, rows=rows, confirm=ConfirmForm())


@bp.post("/mentorships/<int:mentorship_id>/end")
def mentorship_end(mentorship_id: int) -> ResponseReturnValue:
    """End a mentorship (kept as history)."""
    mentorship = services.get_mentorship(db.session, mentorship_id)
    policy.require(current_user, "mentorship.assign", mentorship.mentee)
    if ConfirmForm().validate_on_submit():
        try:
            services.end_mentorship(db.session, actor=current_user, mentorship=mentorship, ip=client_ip())
            db.session.commit()
        except Conflict as exc:
            flash(exc.message, "error")
    return redirect(url_for("mentoring.mentorships"))


@bp.get("/mentorships/<int:mentorship_id>")
def mentorship(mentorship_id: int) -> ResponseReturnValue:
    """A mentorship: goals, 1:1 notes with action items, observed practice."""
    mentorship = services.get_mentorship(db.session, mentorship_id)
    policy.require(current_user, "mentorship.view", mentorship)
    return render_template("mentoring/mentorship.html", mentorship=mentorship, note_form=_note_form(mentorship),
                           observation_form=_observation_form(), confirm=ConfirmForm(), today=date.today(),
                           observations=coaching.observations_of(db.session, mentee_id=mentorship.mentee_id))


def _note_form(mentorship: Mentorship) -> NoteForm:
    form = NoteForm()
    for entry in form.actions:
        entry.form.owner.choices = choices([(str(mentorship.mentee_id), mentorship.mentee.name),
                                            (str(mentorship.mentor_id), mentorship.mentor.name)])
    if request.method == "GET":
        form.held_on.data = date.today()
    return form


def _observation_form() -> ObservationForm:
    form = ObservationForm()
    form.competency.choices = _competency_choices()
    if request.method == "GET":
        form.observed_on.data = date.today()
    return form


@bp.post("/mentorships/<int:mentorship_id>/notes")
def note_add(mentorship_id: int) -> ResponseReturnValue:
    """Add a 1:1 note with action items."""
    mentorship = services.get_mentorship(db.session, mentorship_id)
    policy.require(current_user, "mentorship.write", mentorship)
    form = _note_form(mentorship)
    if form.validate_on_submit():
        actions = [(a.form.text.data, int(a.form.owner.data), a.form.due_date.data) for a in form.actions
                   if a.form.text.data and a.form.owner.data]
        try:
            coaching.add_note(db.session, author=current_user, mentorship=mentorship, held_on=form.held_on.data,
                              notes=form.notes.data or "", actions=actions, ip=client_ip())
        except ValidationError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Note saved."), "success")
    else:
        flash(_("The note could not be saved: check the date and the fields."), "error")
        flash_form_errors(form)
    return redirect(url_for("mentoring.mentorship", mentorship_id=mentorship_id))


@bp.post("/mentorships/<int:mentorship_id>/observations")
def observation_add(mentorship_id: int) -> ResponseReturnValue:
    """Record observed practice (a role-play or a shadowed call)."""
    mentorship = services.get_mentorship(db.session, mentorship_id)
    policy.require(current_user, "mentorship.write", mentorship)
    form = _observation_form()
    if form.validate_on_submit():
        try:
            scores = [int(part) for part in form.scores.data.replace("，", ",").split(",") if part.strip()]
            competency = db.session.get(Competency, int(form.competency.data))
            coaching.record_observation(db.session, mentor=current_user, mentorship=mentorship, competency=competency,
                                        level=form.level.data, kind=form.kind.data, observed_on=form.observed_on.data,
                                        scenario=form.scenario.data or "", scores=scores, notes=form.notes.data or "",
                                        ip=client_ip())
        except ValueError:
            flash(_("Scores are whole numbers from 1 to 4, separated by commas."), "error")
        except ValidationError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Observation recorded."), "success")
    else:
        flash(_("The observation could not be saved: check the fields."), "error")
        flash_form_errors(form)
    return redirect(url_for("mentoring.mentorship", mentorship_id=mentorship_id))


@bp.post("/actions/<int:item_id>/done")
def action_done(item_id: int) -> ResponseReturnValue:
    """Tick off my own action item."""
    item = coaching.get_action_item(db.session, item_id)
    policy.require(current_user, "action.complete", item)
    if ConfirmForm().validate_on_submit():
        try:
            coaching.complete_action(db.session, user=current_user, item=item, ip=client_ip())
            db.session.commit()
        except (ValidationError, Conflict) as exc:
            flash(exc.message, "error")
    if request.referrer and request.referrer.startswith(request.host_url):
        return redirect(request.referrer)
    if item.mentorship_id:
        return redirect(url_for("mentoring.mentorship", mentorship_id=item.mentorship_id))
    if item.review_id:
        return redirect(url_for("reviews.view", review_id=item.review_id))
    return redirect(url_for("reviews.meeting", meeting_id=item.meeting_id) if item.meeting_id else url_for("main.home"))
