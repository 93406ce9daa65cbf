"""Case-review meetings and the patterns page (losses that repeat, and the training to assign)."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coach import policy
from coach.errors import Conflict, PermissionDenied, ValidationError
from coach.extensions import db
from coach.form_helpers import choices
from coach.models import CaseReview, User
from coach.reviews import loop, meetings
from coach.reviews.forms import AgendaForm, ConfirmForm, MeetingForm, MeetingRecordForm, PatternAssignForm
from coach.reviews.views import bp
from coach.team.services import managed_teams
from coach.web_utils import client_ip, flash_form_errors


def _my_team_ids() -> list[int]:
    ids = [t.id for t in managed_teams(db.session, manager=current_user)]
    return ids + ([current_user.team_id] if current_user.team_id and current_user.team_id not in ids else [])


@bp.route("/meetings", methods=["GET", "POST"])
def meetings_index() -> ResponseReturnValue:
    """Past and upcoming meetings of my teams; managers schedule the next one."""
    policy.require(current_user, "meeting.manage" if request.method == "POST" else "review.read")
    form = MeetingForm()
    teams = managed_teams(db.session, manager=current_user)
    form.team.choices = choices((str(t.id), t.name) for t in teams)
    if request.method == "GET":
        form.held_on.data = date.today()
    if form.validate_on_submit():
        team = next(t for t in teams if str(t.id) == form.team.data)
        meeting = meetings.schedule(db.session, actor=current_user, team=team, held_on=form.held_on.data,
                                    title=form.title.data or "", ip=client_ip())
        db.session.commit()
        return redirect(url_for("reviews.meeting", meeting_id=meeting.id))
    return render_template("reviews/meetings.html", form=form, can_schedule=bool(teams),
                           meetings=meetings.meetings_for(db.session, team_ids=_my_team_ids()))


def _meeting(meeting_id: int, action: str):  # noqa: ANN202
    meeting = meetings.get_meeting(db.session, meeting_id)
    if meeting.team_id not in _my_team_ids() and current_user.role != "admin":
        raise PermissionDenied(_("This meeting belongs to another team."))
    policy.require(current_user, action, meeting.team)
    return meeting


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int) -> ResponseReturnValue:
    """The meeting page (prints cleanly): agenda, attendees, notes, decisions, action items."""
    meeting = _meeting(meeting_id, "review.read")
    agenda_form = AgendaForm()
    agenda_form.review.choices = choices((str(r.id), f"#{r.id} {r.deal.name} ({r.outcome})")
                                         for r in meetings.candidates(db.session, meeting=meeting))
    record_form = MeetingRecordForm(obj=meeting)
    members = list(db.session.scalars(select(User).where(User.team_id == meeting.team_id, User.active.is_(True))
                                      .order_by(User.name)))
    people = members + [m for m in meeting.team.managers if m not in members]
    record_form.attendees.choices = choices((str(u.id), u.name) for u in people)
    for entry in record_form.actions:
        entry.form.owner.choices = choices([("", "—"), *[(str(u.id), u.name) for u in people]])
    record_form.attendees.data = [str(u.id) for u in meeting.attendees]
    return render_template("reviews/meeting.html", meeting=meeting, agenda_form=agenda_form, record=record_form,
                           confirm=ConfirmForm(), actions=meetings.meeting_actions(db.session, meeting))


@bp.post("/meetings/<int:meeting_id>/agenda")
def meeting_agenda(meeting_id: int) -> ResponseReturnValue:
    """Put a submitted review on the agenda."""
    meeting = _meeting(meeting_id, "meeting.manage_team")
    form = AgendaForm()
    form.review.choices = choices((str(r.id), str(r.id)) for r in meetings.candidates(db.session, meeting=meeting))
    if form.validate_on_submit():
        try:
            meetings.add_to_agenda(db.session, meeting=meeting,
                                   review=db.session.get(CaseReview, int(form.review.data)))
            db.session.commit()
        except ValidationError as exc:  # put there a moment ago, from another tab
            db.session.rollback()
            flash(exc.message, "error")
    else:
        flash(_("Choose one of the team's submitted reviews."), "error")
    return redirect(url_for("reviews.meeting", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/discussed")
def meeting_discussed(meeting_id: int, item_id: int) -> ResponseReturnValue:
    """Mark an agenda item discussed (its review becomes 'discussed')."""
    meeting = _meeting(meeting_id, "meeting.manage_team")
    if ConfirmForm().validate_on_submit():
        try:
            meetings.discuss(db.session, actor=current_user, meeting=meeting, item_id=item_id, ip=client_ip())
            db.session.commit()
        except Conflict as exc:
            flash(exc.message, "error")
    return redirect(url_for("reviews.meeting", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/record")
def meeting_record(meeting_id: int) -> ResponseReturnValue:
    """Save attendees, notes, decisions and action items."""
    meeting = _meeting(meeting_id, "meeting.manage_team")
    form = MeetingRecordForm()
    members = {str(u.id): u for u in db.session.scalars(select(User).where(User.team_id == meeting.team_id))}
    members.update({str(m.id): m for m in meeting.team.managers})
    form.attendees.choices = choices((key, u.name) for key, u in members.items())
    for entry in form.actions:
        entry.form.owner.choices = choices([("", "—"), *[(key, u.name) for key, u in members.items()]])
    if form.validate_on_submit():
        actions = [(a.form.text.data, int(a.form.owner.data), a.form.due_date.data) for a in form.actions
                   if a.form.text.data and a.form.owner.data]
        meetings.record(db.session, actor=current_user, meeting=meeting,
                        attendees=[members[k] for k in form.attendees.data or []], notes=form.notes.data or "",
                        decisions=form.decisions.data or "", actions=actions, ip=client_ip())
        db.session.commit()
        flash(_("Meeting saved."), "success")
    else:
        flash(_("The meeting could not be saved: check the fields."), "error")
        flash_form_errors(form)
    return redirect(url_for("reviews.meeting", meeting_id=meeting_id))


@bp.get("/patterns")
def patterns() -> ResponseReturnValue:
    """Loss reasons that repeat in my teams this quarter, with the training that addresses them."""
    policy.require(current_user, "meeting.manage")
    today = date.today()
    found = [(team, loop.patterns(db.session, team_id=team.id, today=today))
             for team in managed_teams(db.session, manager=current_user)]
    return render_template("reviews/patterns.html", found=found, form=PatternAssignForm(),
                           since=loop.quarter_start(today))


@bp.post("/patterns/<int:team_id>/<int:reason_id>/assign")
def pattern_assign(team_id: int, reason_id: int) -> ResponseReturnValue:
    """One click: assign the training for a repeated loss reason to the whole team."""
    team = next((t for t in managed_teams(db.session, manager=current_user) if t.id == team_id), None)
    if team is None:
        abort(403)
    form = PatternAssignForm()
    match = next((p for r, _n, p in loop.patterns(db.session, team_id=team_id, today=date.today())
                  if r.id == reason_id), None)
    if not form.validate_on_submit():
        abort(400)
    if match is None:
        flash(_("That loss reason no longer repeats this quarter."), "info")
        return redirect(url_for("reviews.patterns"))
    learners = list(db.session.scalars(select(User).where(User.team_id == team_id, User.active.is_(True))))
    try:
        count = loop.assign(db.session, actor=current_user, learners=learners, modules=match.modules,
                            quizzes=match.quizzes, source=match.why, due=form.due_date.data, ip=client_ip())
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("%(num)d assignments created.", num=count), "success")
    return redirect(url_for("reviews.patterns"))


