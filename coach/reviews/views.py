"""Case-review pages: list, write (from a deal), read with comments and training proposals, submit."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coach import policy
from coach.errors import Conflict, ValidationError
from coach.extensions import db
from coach.form_helpers import choices
from coach.models import Deal, Module, Reason, SalesStage, User
from coach.reviews import loop, services
from coach.reviews.forms import AssignTrainingForm, CommentForm, ConfirmForm, ReviewForm
from coach.skills.services import framework
from coach.web_utils import client_ip, flash_form_errors, form_error, require_login

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

require_login(bp)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Reviews I may read: mine, my team's submitted ones, my teams' as a manager."""
    policy.require(current_user, "review.read")
    return render_template("reviews/index.html", reviews=services.list_reviews(
        db.session, user=current_user, status=request.args.get("status", "")[:16],
        outcome=request.args.get("outcome", "")[:16]))


def _review_form(review=None) -> ReviewForm:  # noqa: ANN001
    form = ReviewForm(obj=review)
    lang = current_user.language
    form.deal.choices = choices([(str(d.id), f"{d.name} · {d.account} · {d.outcome}")
                                 for d in services.reviewable_deals(db.session, user=current_user)])
    form.stage.choices = choices([("", "—"), *[(s.key, s.t("name", lang)) for s in db.session.scalars(
        select(SalesStage).order_by(SalesStage.position))]])
    reasons = [(r.key, r.t("name", lang)) for r in db.session.scalars(select(Reason).order_by(Reason.position))]
    form.reasons.choices = choices(reasons)
    form.primary_reason.choices = choices([("", "—"), *reasons])
    form.competencies.choices = choices((str(c.id), c.t("name", lang)) for _cat, cs in framework(db.session)
                                        for c in cs)
    form.modules.choices = choices((str(m.id), m.t("title", lang)) for m in db.session.scalars(
        select(Module).where(Module.retired.is_(False)).order_by(Module.course_id, Module.position)))
    owners = [(str(current_user.id), current_user.name)]
    if review is not None and review.deal.owner and review.deal.owner_id != current_user.id:
        owners.append((str(review.deal.owner_id), review.deal.owner.name))
    for entry in form.actions:
        entry.form.owner.choices = choices(owners)
    if request.method == "GET" and review is not None:
        form.stage.data = review.stage.key if review.stage else ""
        form.reasons.data = [r.reason.key for r in review.reasons]
        form.primary_reason.data = next((r.reason.key for r in review.reasons if r.primary), "")
        form.competencies.data = [str(c.id) for c in review.competencies]
        form.modules.data = [str(m.id) for m in review.modules]
        form.version.data = str(review.version)
    return form


def _input(form: ReviewForm) -> services.ReviewInput:
    return services.ReviewInput(
        stage=form.stage.data or None, reasons=form.reasons.data or [], primary_reason=form.primary_reason.data or None,
        competitors=form.competitors.data or "", decision_criteria=form.decision_criteria.data or "",
        went_well=form.went_well.data or "", to_change=form.to_change.data or "", lessons=form.lessons.data or "",
        competency_ids=[int(x) for x in form.competencies.data or []], module_ids=[int(x) for x in form.modules.data or []],
        actions=[(a.form.text.data, int(a.form.owner.data), a.form.due_date.data) for a in form.actions
                 if a.form.text.data and a.form.owner.data])


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Write a review of one of my closed deals (a draft until I submit it)."""
    policy.require(current_user, "review.write")
    form = _review_form()
    if request.method == "GET" and request.args.get("deal"):
        form.deal.data = request.args["deal"]
    if form.validate_on_submit():
        deal = db.session.get(Deal, int(form.deal.data or 0))
        try:
            if deal is None:
                raise ValidationError(_("Choose a deal."), field="deal")
            review = services.create_review(db.session, author=current_user, deal=deal, data=_input(form),
                                            ip=client_ip())
        except ValidationError as exc:
            db.session.rollback()
            form_error(form, exc, "deal")
        else:
            db.session.commit()
            flash(_("Review saved as a draft."), "success")
            return redirect(url_for("reviews.view", review_id=review.id))
    return render_template("reviews/form.html", form=form, review=None)


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
def edit(review_id: int) -> ResponseReturnValue:
    """Edit a review; a save made on an outdated copy is refused, never silently overwritten."""
    review = services.get_review(db.session, user=current_user, review_id=review_id)
    policy.require(current_user, "review.edit", review)
    form = _review_form(review)
    if form.validate_on_submit():
        try:
            services.save_review(db.session, actor=current_user, review=review, data=_input(form),
                                 seen_version=int(form.version.data or 0), ip=client_ip())
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template("reviews/form.html", form=form, review=review, conflict=True), 409
        except ValidationError as exc:
            db.session.rollback()
            form_error(form, exc, "reasons")
        else:
            db.session.commit()
            flash(_("Review saved."), "success")
            return redirect(url_for("reviews.view", review_id=review_id))
    return render_template("reviews/form.html", form=form, review=review)


@bp.get("/<int:review_id>")
def view(review_id: int) -> ResponseReturnValue:
    """The review, its action items and comments, and the training it suggests."""
    review = services.get_review(db.session, user=current_user, review_id=review_id)
    return render_template("reviews/view.html", review=review, comment=CommentForm(), confirm=ConfirmForm(),
                           actions=services.review_action_items(db.session, review),
                           proposal=loop.for_review(db.session, review), assign=AssignTrainingForm())


@bp.post("/<int:review_id>/submit")
def submit(review_id: int) -> ResponseReturnValue:
    """Share the draft with the team."""
    review = services.get_review(db.session, user=current_user, review_id=review_id)
    policy.require(current_user, "review.edit", review)
    if ConfirmForm().validate_on_submit():
        try:
            services.submit_review(db.session, actor=current_user, review=review, ip=client_ip())
            db.session.commit()
            flash(_("Review submitted to the team."), "success")
        except (ValidationError, Conflict) as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for("reviews.view", review_id=review_id))


@bp.post("/<int:review_id>/comments")
def comment(review_id: int) -> ResponseReturnValue:
    """Add to the review's comment thread."""
    review = services.get_review(db.session, user=current_user, review_id=review_id)
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(db.session, author=current_user, review=review, body=form.body.data)
        db.session.commit()
    else:
        flash_form_errors(form)
    return redirect(url_for("reviews.view", review_id=review_id) + "#comments")


@bp.post("/<int:review_id>/assign")
def assign_training(review_id: int) -> ResponseReturnValue:
    """One click: assign the suggested modules and quizzes to the deal owner or the whole team."""
    review = services.get_review(db.session, user=current_user, review_id=review_id)
    policy.require(current_user, "team.manage", review.team)
    form = AssignTrainingForm()
    if not form.validate_on_submit():
        abort(400)
    proposal = loop.for_review(db.session, review)
    if form.who.data == "team":
        learners = list(db.session.scalars(select(User).where(User.team_id == review.team_id, User.active.is_(True))))
    else:
        learners = [review.deal.owner] if review.deal.owner else []
    try:
        count = loop.assign(db.session, actor=current_user, learners=learners, modules=proposal.modules,
                            quizzes=proposal.quizzes, source=proposal.why, review=review, due=form.due_date.data,
                            ip=client_ip())
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("%(num)d assignments created.", num=count), "success")
    return redirect(url_for("reviews.view", review_id=review_id))


