"""Request-level wiring: blueprints, login, language, security headers, template helpers."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, has_request_context, jsonify, redirect, request, session, url_for
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from coach import policy
from coach.admin import bp as admin_bp
from coach.api import bp as api_bp
from coach.auth import bp as auth_bp
from coach.auth import sessions as login_sessions
from coach.auth.services import configure_hashing
from coach.database import write_intent
from coach.extensions import db
from coach.deals import bp as deals_bp
from coach.learning import bp as learning_bp
from coach.main import bp as main_bp
from coach.mentoring import bp as mentoring_bp
from coach.models import LANGUAGES, User
from coach.notifications import bp as notifications_bp
from coach.notifications.services import unread_count
from coach.quizzes import bp as quizzes_bp
from coach.reviews import bp as reviews_bp
from coach.skills import bp as skills_bp
from coach.team.views import bp as team_bp

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}


def wants_json() -> bool:
    """Whether the client asked for JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def load_user(token: str) -> User | None:
    """Turn the session's 'id:version' token back into an active user, or refuse it."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def unauthorized() -> Response:
    """Send anonymous visitors to the login page, or answer 401 to API and JSON clients."""
    if wants_json():
        response = jsonify(error="unauthorized", message=str(_l("Please log in.")))
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def select_locale() -> str:
    """The reader's language: profile, then the switcher's choice, then the browser's."""
    if not has_request_context():
        return "en"  # commands and background jobs speak English unless told otherwise
    if current_user.is_authenticated:
        return current_user.language
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def security_headers(response: Response) -> Response:
    """Add the CSP and the usual protective headers to every response."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_user and getattr(current_user, "is_authenticated", False) and not response.cache_control.max_age:
        # Private pages must not come back from the cache after logout (the back button).
        response.headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_characters() -> None:
    """Answer 400 to a path, form or query holding a NUL: no real text has one, and PostgreSQL cannot store it
    or even look it up. (JSON bodies are checked field by field by the API, which names the field.)"""
    if "\x00" in request.path or any("\x00" in value for source in (request.args, request.form)
                                     for _key, values in source.lists() for value in values):
        abort(400)


def mark_write_intent() -> None:
    """Writes take SQLite's lock at BEGIN; set for every request so nothing leaks between them."""
    write_intent.set(request.method not in SAFE_METHODS)


def template_globals() -> dict[str, Any]:
    """Helpers every template may use; the unread count is the one query every signed-in page pays."""
    signed_in = bool(current_user and getattr(current_user, "is_authenticated", False))
    return {"can": lambda action, obj=None: policy.can(current_user, action, obj),
            "language_names": LANGUAGE_NAMES, "current_locale": str(get_locale() or "en"),
            "unread_notifications": unread_count(db.session, user=current_user) if signed_in else 0}


def init_app(app: Flask, *, login_manager: LoginManager, babel: Babel) -> None:
    """Register blueprints and request hooks on the app."""
    configure_hashing(time_cost=app.config["ARGON2_TIME_COST"], memory_cost=app.config["ARGON2_MEMORY_COST"])
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = "basic"

    babel.init_app(app, locale_selector=select_locale)
    app.before_request(mark_write_intent)
    app.before_request(refuse_nul_characters)
    app.before_request(login_sessions.enforce)
    app.after_request(security_headers)
    app.context_processor(template_globals)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(skills_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(mentoring_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(deals_bp)
    app.register_blueprint(team_bp)
    app.register_blueprint(api_bp)
