"""How long a login lasts: an idle timeout and an absolute one, both configurable.

The session cookie carries when the login was made and when the person was last seen. A request after
SESSION_IDLE_MINUTES without activity, or SESSION_ABSOLUTE_HOURS after the login, finds the session
ended: the visitor is signed out and asked to log in again. "Last seen" is written at most once a
minute, so most responses do not re-sign the cookie.
"""
from __future__ import annotations

import time

from flask import Response, current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user

SEEN_RESOLUTION_SECONDS = 60


def now() -> int:
    """Seconds since the epoch (a function, so tests can move the clock)."""
    return int(time.time())


def start() -> None:
    """Stamp a fresh login."""
    session["auth_at"] = session["seen_at"] = now()


def enforce() -> Response | None:
    """End a signed-in session that was idle too long or is too old; otherwise note the activity."""
    if "_user_id" not in session or request.endpoint == "static":
        return None
    moment = now()
    auth_at, seen_at = session.get("auth_at"), session.get("seen_at")
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if not isinstance(auth_at, int) or not isinstance(seen_at, int) or moment - auth_at > absolute \
            or moment - seen_at > idle:
        logout_user()
        session.clear()
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            response = jsonify(error="session_expired", message=_("Your session has ended. Please log in again."))
            response.status_code = 401
            return response
        flash(_("Your session has ended. Please log in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))  # type: ignore[return-value]
    if moment - seen_at >= SEEN_RESOLUTION_SECONDS:
        session["seen_at"] = moment
    return None
