"""Sign-off request pages: ask, review with the rubric, decide, withdraw, revoke."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coach import policy
from coach.errors import Conflict, ValidationError
from coach.extensions import db
from coach.form_helpers import choices
from coach.mentoring import services
from coach.mentoring.forms import ConfirmForm, DecisionForm, RevokeForm, SignoffRequestForm
from coach.mentoring.views import _competency_choices, bp
from coach.models import Competency, Module, ModuleProgress, QuizAttempt
from coach.web_utils import client_ip, flash_form_errors, form_error


@bp.get("/requests")
def my_requests() -> ResponseReturnValue:
    """My sign-off requests and every decision with its reasons."""
    policy.require(current_user, "signoff.request")
    return render_template("mentoring/requests.html", requests=services.requests_of(db.session, mentee=current_user),
                           mentorship=services.current_mentorship(db.session, mentee=current_user))


def _request_form() -> SignoffRequestForm:
    form = SignoffRequestForm()
    form.competency.choices = _competency_choices()
    lang = current_user.language
    done = db.session.execute(select(Module).join(ModuleProgress, ModuleProgress.module_id == Module.id).where(
        ModuleProgress.user_id == current_user.id, ModuleProgress.completed_at.is_not(None))).scalars()
    form.modules.choices = choices((str(m.id), m.t("title", lang)) for m in done)
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == current_user.id,
                                                            QuizAttempt.state == "graded")
                                  .options(joinedload(QuizAttempt.quiz)).order_by(QuizAttempt.id.desc()))
    form.attempts.choices = choices((str(a.id), f"{a.quiz.t('title', lang)} #{a.number}: {a.score:g}%")
                                    for a in attempts)
    return form


@bp.route("/requests/new", methods=["GET", "POST"])
def request_new() -> ResponseReturnValue:
    """Ask my mentor to sign off a competency level."""
    policy.require(current_user, "signoff.request")
    form = _request_form()
    if request.method == "GET" and request.args.get("competency"):
        form.competency.data = request.args["competency"]
    if form.validate_on_submit():
        competency = db.session.get(Competency, int(form.competency.data))
        try:
            created = services.request_signoff(
                db.session, mentee=current_user, competency=competency, level=form.level.data,
                evidence=form.evidence.data, ip=client_ip(),
                links={"modules": [int(x) for x in form.modules.data or []],
                       "attempts": [int(x) for x in form.attempts.data or []]})
        except ValidationError as exc:
            form_error(form, exc, "competency")
        else:
            db.session.commit()
            flash(_("Request sent to your mentor."), "success")
            return redirect(url_for("mentoring.request_view", request_id=created.id))
    return render_template("mentoring/request_new.html", form=form,
                           mentorship=services.current_mentorship(db.session, mentee=current_user))


@bp.get("/requests/<int:request_id>")
def request_view(request_id: int) -> ResponseReturnValue:
    """The request, its evidence and the rubric; the decision form for the mentor."""
    signoff = services.get_request(db.session, request_id)
    policy.require(current_user, "signoff.view", signoff)
    level = next((lvl for lvl in signoff.competency.levels if lvl.level == signoff.level), None)
    decision = DecisionForm(data={"scores": [3] * len(level.behaviours if level else [])})
    links = signoff.links or {}
    modules = db.session.scalars(select(Module).where(Module.id.in_(links.get("modules", [])))).all()
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.id.in_(links.get("attempts", [])),
                                                            QuizAttempt.user_id == signoff.mentee_id)
                                  .options(joinedload(QuizAttempt.quiz))).all()
    return render_template("mentoring/request.html", signoff=signoff, level=level, decision=decision,
                           revoke=RevokeForm(), confirm=ConfirmForm(), modules=modules, attempts=attempts)


@bp.post("/requests/<int:request_id>/decide")
def request_decide(request_id: int) -> ResponseReturnValue:
    """Approve or reject with rubric scores; a second decision is refused."""
    signoff = services.get_request(db.session, request_id)
    policy.require(current_user, "signoff.decide", signoff)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(db.session, mentor=current_user, request=signoff, approve=form.decision.data == "approve",
                            scores=[int(s) for s in form.scores.data], notes=form.notes.data or "", ip=client_ip())
        except (ValidationError, Conflict) as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Decision saved."), "success")
    else:
        flash_form_errors(form)  # a score out of range, or notes too long
    return redirect(url_for("mentoring.request_view", request_id=request_id))


@bp.post("/requests/<int:request_id>/withdraw")
def request_withdraw(request_id: int) -> ResponseReturnValue:
    """Take my request back before it is decided."""
    signoff = services.get_request(db.session, request_id)
    policy.require(current_user, "signoff.withdraw", signoff)
    if ConfirmForm().validate_on_submit():
        try:
            services.withdraw(db.session, mentee=current_user, request=signoff, ip=client_ip())
            db.session.commit()
        except Conflict as exc:
            flash(exc.message, "error")
    return redirect(url_for("mentoring.request_view", request_id=request_id))


@bp.post("/requests/<int:request_id>/revoke")
def request_revoke(request_id: int) -> ResponseReturnValue:
    """A manager revokes an approval, giving a reason."""
    signoff = services.get_request(db.session, request_id)
    policy.require(current_user, "signoff.revoke", signoff)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(db.session, manager=current_user, request=signoff, reason=form.reason.data, ip=client_ip())
            db.session.commit()
            flash(_("Sign-off revoked."), "success")
        except (ValidationError, Conflict) as exc:
            db.session.rollback()
            flash(exc.message, "error")
    else:
        flash_form_errors(form)  # no reason, or one too long
    return redirect(url_for("mentoring.request_view", request_id=request_id))
