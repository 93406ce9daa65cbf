"""Catalogue, course and module pages, my learning, search, and program assignment."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from coach import policy
from coach.content.images import servable_image
from coach.errors import ValidationError
from coach.extensions import db
from coach.form_helpers import choices
from coach.learning import programs, services
from coach.learning.forms import AssignProgramForm, ConfirmForm, PositionForm, SearchForm
from coach.reviews.loop import assignments_of
from coach.team.services import assignable_people, managed_teams
from coach.web_utils import client_ip, flash_form_errors, form_error, require_login

bp = Blueprint("learning", __name__, url_prefix="/learn")

IMAGE_CACHE_SECONDS = 7 * 24 * 3600

require_login(bp)


@bp.get("/")
def catalogue() -> ResponseReturnValue:
    """All courses by category, with my progress."""
    policy.require(current_user, "learning.view")
    return render_template("learning/catalogue.html", shelves=services.catalogue(db.session, user=current_user),
                           resume=services.resume_point(db.session, user=current_user), search=SearchForm())


@bp.get("/courses/<key>")
def course(key: str) -> ResponseReturnValue:
    """A course's modules with my progress and where to resume."""
    policy.require(current_user, "learning.view")
    course = services.get_course(db.session, key)
    modules = services.course_modules(db.session, course)
    progress = services.progress_for(db.session, user=current_user, module_ids=[m.id for m in modules])
    return render_template("learning/course.html", course=course, modules=modules, progress=progress)


@bp.get("/modules/<key>")
def module(key: str) -> ResponseReturnValue:
    """Read a module in my language (falling back to the original), with its table of contents."""
    policy.require(current_user, "learning.view")
    page = services.module_page(db.session, user=current_user, key=key)
    return render_template("learning/module.html", page=page, module=page.module, confirm=ConfirmForm(),
                           position=PositionForm())


@bp.post("/modules/<key>/done")
def module_done(key: str) -> ResponseReturnValue:
    """Mark a module done (at its current version)."""
    policy.require(current_user, "learning.progress")
    if ConfirmForm().validate_on_submit():
        services.mark_done(db.session, user=current_user, key=key)
        db.session.commit()
        flash(_("Marked as done."), "success")
    page = services.module_page(db.session, user=current_user, key=key)
    target = page.next.key if page.next else None
    return redirect(url_for("learning.module", key=target) if target else url_for("learning.course",
                                                                                    key=page.module.course.key))


@bp.post("/modules/<key>/position")
def module_position(key: str) -> ResponseReturnValue:
    """Remember the section I reached (sent in the background by the page)."""
    policy.require(current_user, "learning.progress")
    form = PositionForm()
    if not form.validate_on_submit():
        return {"saved": False}, 400
    services.record_position(db.session, user=current_user, key=key, section=form.section.data or "")
    db.session.commit()
    return {"saved": True}


@bp.get("/my")
def my_learning() -> ResponseReturnValue:
    """My programs: steps, due dates, what is overdue, and the next step."""
    policy.require(current_user, "learning.view")
    return render_template("learning/my.html", views=programs.my_programs(db.session, user=current_user),
                           today=date.today(), resume=services.resume_point(db.session, user=current_user),
                           quiz_titles=programs.quiz_titles(db.session, language=current_user.language),
                           assigned=assignments_of(db.session, user=current_user))


@bp.get("/search")
def search() -> ResponseReturnValue:
    """Full-text search across modules, English and Chinese."""
    policy.require(current_user, "learning.view")
    form = SearchForm(request.args)
    hits = services.search_modules(db.session, query=form.q.data) if form.validate() else []
    return render_template("learning/search.html", form=form, hits=hits)


@bp.get("/files/<path:path>")
def content_file(path: str) -> ResponseReturnValue:
    """Images used by modules, cached by browsers for a week; nothing else, and no image its bytes belie."""
    policy.require(current_user, "learning.view")
    found = servable_image(Path(current_app.config["CONTENT_DIR"]), path)
    if found is None:
        abort(404)
    file, mimetype = found
    # The type comes from the extension the bytes were checked against; nosniff (on every response) holds it.
    response = send_file(file, mimetype=mimetype, max_age=IMAGE_CACHE_SECONDS)
    response.cache_control.private = True  # only signed-in people may see them: no shared caches
    # An SVG opened on its own runs nothing and reaches nothing of Coach's.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@bp.get("/programs")
def program_list() -> ResponseReturnValue:
    """Programs and their steps, with the form to assign each (for managers)."""
    policy.require(current_user, "program.assign")
    return render_template("learning/programs.html", programs=programs.list_programs(db.session),
                           form=_assign_form())


def _assign_form() -> AssignProgramForm:
    form = AssignProgramForm()
    people = assignable_people(db.session, manager=current_user)
    form.person.choices = choices([("", "—"), *[(str(p.id), f"{p.name} ({p.team.name if p.team else '-'})")
                                                 for p in people]])
    form.team.choices = choices([("", "—"), *[(str(t.id), t.name) for t in managed_teams(db.session,
                                                                                         manager=current_user)]])
    if request.method == "GET":
        form.start_date.data = date.today()
    return form


@bp.post("/programs/<key>/assign")
def program_assign(key: str) -> ResponseReturnValue:
    """Assign a program to a person or to every member of a team."""
    policy.require(current_user, "program.assign")
    program = programs.get_program(db.session, key)
    form = _assign_form()
    if form.validate_on_submit():
        try:
            learners = programs.learners_for(db.session, manager=current_user, person_id=form.person.data,
                                             team_id=form.team.data)
            created = programs.assign_program(db.session, actor=current_user, program=program, learners=learners,
                                              start_date=form.start_date.data,
                                              source=_("assigned by %(name)s", name=current_user.name), ip=client_ip())
        except ValidationError as exc:
            form_error(form, exc, "person")
        else:
            db.session.commit()
            flash(_("%(program)s assigned to %(num)d people.", program=program.t("title", current_user.language),
                    num=created), "success")
            return redirect(url_for("learning.program_list"))
    flash_form_errors(form)
    return redirect(url_for("learning.program_list"))
