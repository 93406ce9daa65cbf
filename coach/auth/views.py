"""Login, logout and password change."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from coach import policy
from coach.auth import services
from coach.auth.forms import LoginForm, LogoutForm, PasswordForm
from coach.errors import ValidationError
from coach.auth import sessions as login_sessions
from coach.extensions import db, limiter
from coach.web_utils import client_ip, form_error, safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_key() -> str:
    """Count failed logins per account, whichever address they come from."""
    email = (request.form.get("email") or "").strip().lower()[:254]  # an address is at most 254 characters
    return f"login:{email}"


def _failed(response: object) -> bool:
    """A login that did not redirect is a failed attempt."""
    return getattr(response, "status_code", 200) != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_FAILURE_LIMIT"], key_func=_login_key,
               methods=["POST"], deduct_when=_failed)
def login() -> ResponseReturnValue:
    """Sign in; a fresh session is started so no earlier session data carries over."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(db.session, email=form.email.data, password=form.password.data,
                                     ip=client_ip())
        db.session.commit()
        if user is not None:
            language = session.get("lang")
            session.clear()
            login_user(user)
            session.permanent = True
            login_sessions.start()
            if language:
                session["lang"] = language
            return redirect(safe_next(form.next.data) or url_for("main.home"))
        flash(_("The e-mail or password is not correct."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out everywhere: the session version changes, so any copied cookie stops working."""
    form = LogoutForm()
    if form.validate_on_submit():
        services.end_sessions(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    """Change my password; other sessions end, this one continues."""
    policy.require(current_user, "account.edit")
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, user=current_user, current=form.current_password.data,
                                     new=form.new_password.data, ip=client_ip())
        except ValidationError as exc:
            form_error(form, exc, "new_password")
        else:
            db.session.commit()
            # Re-issue this session's token with the new version; the proxy itself must not be stored.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
