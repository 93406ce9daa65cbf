"""Quiz pages: overview, taking an attempt, results, the grading queue and item analysis."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coach import policy
from coach.errors import Conflict, ValidationError
from coach.extensions import db
from coach.models import Quiz
from coach.quizzes import grading, services
from coach.quizzes.bank import correct_answer_text
from coach.quizzes.forms import ConfirmForm, GradeForm
from coach.quizzes.types import REGISTRY, ForgedAnswer
from coach.web_utils import flash_form_errors, require_login

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")

require_login(bp)


@bp.get("/")
def index() -> ResponseReturnValue:
    """All quizzes, with my best result in each."""
    policy.require(current_user, "quiz.take")
    quizzes = list(db.session.scalars(select(Quiz).where(Quiz.retired.is_(False)).order_by(Quiz.key)))
    return render_template("quizzes/index.html", quizzes=quizzes, best=services.best_results(db.session,
                                                                                            user=current_user))


@bp.get("/<key>")
def overview(key: str) -> ResponseReturnValue:
    """A quiz's rules, my attempts, and the button to start or resume."""
    policy.require(current_user, "quiz.take")
    quiz = services.get_quiz(db.session, key)
    return render_template("quizzes/overview.html", quiz=quiz, confirm=ConfirmForm(),
                           attempts=services.attempts_of(db.session, user=current_user, quiz=quiz),
                           left=services.attempts_left(db.session, user=current_user, quiz=quiz))


@bp.post("/<key>/start")
def start(key: str) -> ResponseReturnValue:
    """Start an attempt, or return to the open one."""
    policy.require(current_user, "quiz.take")
    quiz = services.get_quiz(db.session, key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(db.session, user=current_user, quiz=quiz)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("quizzes.overview", key=key))
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
def attempt(attempt_id: int) -> ResponseReturnValue:
    """The questions of an open attempt, with what I saved so far."""
    policy.require(current_user, "quiz.take")
    attempt = services.get_attempt(db.session, user=current_user, attempt_id=attempt_id)
    if attempt.state != "open":
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    saved = {a.question_key: a.response for a in attempt.answers}
    return render_template("quizzes/attempt.html", attempt=attempt, saved=saved, confirm=ConfirmForm(),
                           expired=services.expired(attempt), registry=REGISTRY)


def _responses(attempt: object) -> dict[str, object]:
    try:
        return services.read_responses(attempt, request.form)  # type: ignore[arg-type]
    except ForgedAnswer:
        abort(400)


@bp.post("/attempts/<int:attempt_id>/save")
def save(attempt_id: int) -> ResponseReturnValue:
    """Save answers without submitting (the page does it as I go; the button does it too)."""
    policy.require(current_user, "quiz.take")
    attempt = services.get_attempt(db.session, user=current_user, attempt_id=attempt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    responses = _responses(attempt)
    try:
        services.save_answers(db.session, attempt=attempt, responses=responses)
    except Conflict as exc:
        db.session.rollback()
        if request.accept_mimetypes.best == "application/json":
            return jsonify(saved=False, message=exc.message), 409
        flash(exc.message, "error")
        return redirect(url_for("quizzes.result", attempt_id=attempt_id))
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(saved=True)
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))


@bp.post("/attempts/<int:attempt_id>/submit")
def submit(attempt_id: int) -> ResponseReturnValue:
    """Submit for grading; a second submit (double click, another tab) just shows the result."""
    policy.require(current_user, "quiz.take")
    attempt = services.get_attempt(db.session, user=current_user, attempt_id=attempt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    responses = _responses(attempt) if attempt.state == "open" else None
    if services.submit_attempt(db.session, attempt=attempt, responses=responses):
        db.session.commit()
    return redirect(url_for("quizzes.result", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/result")
def result(attempt_id: int) -> ResponseReturnValue:
    """Score, pass or fail, feedback per question and (as the quiz allows) the right answers."""
    policy.require(current_user, "quiz.take")
    attempt = services.get_attempt(db.session, user=current_user, attempt_id=attempt_id)
    if attempt.state == "open" and not services.expired(attempt):
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    show = attempt.show_answers == "always" or (attempt.show_answers == "after_pass" and attempt.passed)
    answers = {a.question_key: a for a in attempt.answers}
    return render_template("quizzes/result.html", attempt=attempt, answers=answers, show_answers=show,
                           correct=correct_answer_text, registry=REGISTRY, confirm=ConfirmForm())


@bp.get("/grading")
def grading_queue() -> ResponseReturnValue:
    """Essay answers waiting for my grade."""
    policy.require(current_user, "quiz.grade")
    return render_template("quizzes/grading.html", queue=grading.grading_queue(db.session, grader=current_user),
                           form=GradeForm())


@bp.post("/answers/<int:answer_id>/grade")
def grade(answer_id: int) -> ResponseReturnValue:
    """Grade one essay answer."""
    policy.require(current_user, "quiz.grade")
    answer = grading.get_answer(db.session, answer_id)
    policy.require(current_user, "person.coach", answer.attempt.user)
    form = GradeForm()
    if form.validate_on_submit():
        try:
            grading.grade_answer(db.session, grader=current_user, answer=answer, percent=form.score.data,
                                 feedback=form.feedback.data or "")
        except (ValidationError, Conflict) as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Grade saved."), "success")
    else:
        flash_form_errors(form)  # the score, or feedback too long to keep
    return redirect(url_for("quizzes.grading_queue"))


@bp.get("/<key>/analysis")
def analysis(key: str) -> ResponseReturnValue:
    """Item analysis: which questions nearly everyone fails or passes, and which do not discriminate."""
    policy.require(current_user, "quiz.analyse")
    quiz = services.get_quiz(db.session, key)
    count, stats = grading.item_analysis(db.session, quiz=quiz)
    return render_template("quizzes/analysis.html", quiz=quiz, count=count, stats=stats)
