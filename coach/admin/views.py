"""Administration pages: users, teams and the audit trail."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from coach import audit, policy
from coach.admin import services
from coach.admin.forms import ConfirmForm, TeamForm, TokenForm, UserCreateForm, UserEditForm, UserFilterForm
from coach.api import tokens as api_tokens
from coach.auth import services as accounts
from coach.content.sync import last_sync, sync_folder
from coach.errors import Conflict, ValidationError
from coach.extensions import db
from coach.form_helpers import choices
from coach.models import ApiToken, Team
from coach.web_utils import client_ip, form_error, require_login

bp = Blueprint("admin", __name__, url_prefix="/admin")

require_login(bp)


def _team_choices(teams: list[Team]) -> list[SelectChoice]:
    return choices([("", _("No team")), *[(str(team.id), team.name) for team in teams]])


def _team_from_form(value: str | None) -> Team | None:
    return services.get_team(db.session, int(value)) if value else None


@bp.get("/users")
def users() -> ResponseReturnValue:
    """List and search users."""
    policy.require(current_user, "admin.users")
    teams = services.list_teams(db.session)
    form = UserFilterForm(request.args)
    form.team.choices = choices([("", _("All teams")), *[(str(t.id), t.name) for t in teams]])
    form.validate()
    page = services.list_users(
        db.session, q=form.q.data or "", role=form.role.data or "",
        team_id=int(form.team.data) if (form.team.data or "").isdigit() else None,
        status=form.status.data or "active", page=request.args.get("page", 1, type=int),
    )
    return render_template("admin/users.html", form=form, page=page)


@bp.route("/users/new", methods=["GET", "POST"])
def user_new() -> ResponseReturnValue:
    """Create a user with a first password."""
    policy.require(current_user, "admin.users")
    form = UserCreateForm()
    form.team.choices = _team_choices(services.list_teams(db.session))
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session, email=form.email.data, name=form.name.data, role=form.role.data,
                password=form.password.data, team=_team_from_form(form.team.data), language=form.language.data,
                hire_date=form.hire_date.data, career_level=form.career_level.data or None,
                actor=current_user, ip=client_ip(),
            )
        except ValidationError as exc:
            form_error(form, exc, "email")
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int) -> ResponseReturnValue:
    """Change a user's role, team, language and career details."""
    policy.require(current_user, "admin.users")
    user = accounts.get_user(db.session, user_id)
    form = UserEditForm(obj=user)
    form.team.choices = _team_choices(services.list_teams(db.session))
    if request.method == "GET":
        form.team.data = str(user.team_id or "")
    if form.validate_on_submit():
        try:
            accounts.update_user(
                db.session, user=user, actor=current_user, name=form.name.data, role=form.role.data,
                team=_team_from_form(form.team.data), language=form.language.data,
                hire_date=form.hire_date.data, career_level=form.career_level.data, ip=client_ip(),
            )
        except ValidationError as exc:
            form_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("Changes to %(name)s saved.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, confirm=ConfirmForm())


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int) -> ResponseReturnValue:
    """Deactivate (`?to=off`) or reactivate (`?to=on`) a user: the button names the state it asks for, so a
    second click, a stale page or another admin's click never flips it back."""
    policy.require(current_user, "admin.users")
    user = accounts.get_user(db.session, user_id)
    wanted = {"on": True, "off": False}.get(request.args.get("to", ""))
    if wanted is None:
        abort(400)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.set_active(db.session, user=user, actor=current_user, active=wanted, ip=client_ip())
        except ValidationError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("%(name)s is now active.", name=user.name) if user.active
                  else _("%(name)s has been deactivated.", name=user.name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.get("/teams")
def teams() -> ResponseReturnValue:
    """Teams, their managers and head counts."""
    policy.require(current_user, "admin.teams")
    return render_template("admin/teams.html", teams=services.list_teams(db.session),
                           counts=services.team_member_counts(db.session))


@bp.route("/teams/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
def team_edit(team_id: int | None = None) -> ResponseReturnValue:
    """Create a team or change its name and managers."""
    policy.require(current_user, "admin.teams")
    team = services.get_team(db.session, team_id) if team_id else None
    form = TeamForm(obj=team)
    form.managers.choices = choices((u.id, f"{u.name} <{u.email}>") for u in services.manager_candidates(db.session))
    if request.method == "GET" and team is not None:
        form.managers.data = [m.id for m in team.managers]
    if form.validate_on_submit():
        try:
            saved = services.save_team(db.session, actor=current_user, name=form.name.data,
                                       manager_ids=form.managers.data or [], team=team, ip=client_ip())
        except ValidationError as exc:
            form_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("Team %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("admin.teams"))
    return render_template("admin/team_form.html", form=form, team=team)


@bp.get("/audit")
def audit_trail() -> ResponseReturnValue:
    """The audit trail, newest first."""
    policy.require(current_user, "admin.audit")
    action = request.args.get("action", "")[:64]
    page = request.args.get("page", 1, type=int)
    events, pages = services.list_audit_events(db.session, action=action, page=page)
    return render_template("admin/audit.html", events=events, pages=pages, page=page, action=action)


@bp.get("/content")
def content() -> ResponseReturnValue:
    """The last content sync: when, which version, with which warnings; and a button to sync."""
    policy.require(current_user, "content.sync")
    return render_template("admin/content.html", last=last_sync(db.session), confirm=ConfirmForm(),
                           content_dir=current_app.config["CONTENT_DIR"])


@bp.post("/content/sync")
def content_sync() -> ResponseReturnValue:
    """Validate content/ and apply it; any error changes nothing and is listed."""
    policy.require(current_user, "content.sync")
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.content"))
    problems, result = sync_folder(db.session, Path(current_app.config["CONTENT_DIR"]), actor=current_user)
    if problems.errors:
        db.session.rollback()
        return render_template("admin/content.html", last=last_sync(db.session), confirm=ConfirmForm(),
                               content_dir=current_app.config["CONTENT_DIR"], errors=problems.errors), 422
    audit.record(db.session, action="content.synced", actor=current_user, ip=client_ip(),
                 details=result.content_hash[:12] if result and result.changed else "unchanged")
    db.session.commit()
    if result is not None and result.changed:
        flash(_("Content synced: version %(version)s.", version=result.content_hash[:12]), "success")
    else:
        flash(_("Content is unchanged; nothing to do."), "info")
    return redirect(url_for("admin.content"))


@bp.route("/tokens", methods=["GET", "POST"])
def tokens() -> ResponseReturnValue:
    """API tokens: create one (its secret is shown once) or revoke one."""
    policy.require(current_user, "admin.tokens")
    form = TokenForm()
    # A token acts as a manager or an administrator: what it may read follows that person's rights.
    form.user.choices = choices((str(u.id), f"{u.name} <{u.email}>") for u in services.manager_candidates(db.session))
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = api_tokens.create_token(db.session, actor=current_user,
                                                     user=accounts.get_user(db.session, int(form.user.data)),
                                                     name=form.name.data, scopes=form.scopes.data, ip=client_ip())
        except ValidationError as exc:
            form_error(form, exc, "name")
        else:
            db.session.commit()
    return render_template("admin/tokens.html", form=form, secret=secret, confirm=ConfirmForm(),
                           tokens=api_tokens.list_tokens(db.session))


@bp.post("/tokens/<int:token_id>/revoke")
def token_revoke(token_id: int) -> ResponseReturnValue:
    """Revoke a token: systems using it get 401 from now on."""
    policy.require(current_user, "admin.tokens")
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            api_tokens.revoke_token(db.session, actor=current_user, token=token, ip=client_ip())
            db.session.commit()
            flash(_("Token revoked."), "success")
        except Conflict as exc:
            flash(exc.message, "error")
    return redirect(url_for("admin.tokens"))
