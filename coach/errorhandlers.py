"""One renderer for every error status: a page for people, JSON for API clients."""
from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InternalError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from coach.errors import DomainError
from coach.extensions import db, login_manager
from coach.web import wants_json
from coach.web_utils import record_denial


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Please log in"),
        403: _("Access denied"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Upload too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
        503: _("Coach is temporarily unavailable"),
    }


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Reload the page and try again."),
        403: _("You do not have permission to see this page."),
        404: _("There is nothing at this address."),
        405: _("This address does not accept that kind of request."),
        413: _("The file or form you sent is larger than Coach accepts."),
        429: _("Too many attempts. Wait a few minutes and try again."),
        500: _("An unexpected error happened. It has been logged; please try again."),
        503: _("The database cannot be reached right now. Try again in a moment."),
    }


# JSON errors carry a code a program can test, as the API's own errors do (its OpenAPI Error schema).
ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "too_many_requests",
               500: "server_error", 503: "unavailable"}


def render_error(status: int, message: str | None = None) -> tuple[Response | str, int]:
    """Render an error as JSON or as the error page, with a message fit to show."""
    title = _titles().get(status, _("Error"))
    text = message or _messages().get(status, title)
    if wants_json():
        return jsonify(error=ERROR_CODES.get(status, "error"), status=status, title=title, message=text), status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def too_large_message() -> str | None:
    """Name the size limit when the whole body was over it (a single oversized form field is not)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit or (request.content_length or 0) <= limit:
        return None
    size = f"{limit / (1024 * 1024):g}"
    return _("The file or form you sent is larger than Coach accepts (at most %(size)s MB); nothing was saved.",
             size=size)


def handle_http(exc: HTTPException) -> tuple[Response | str, int]:
    """Render werkzeug's HTTP errors with our page; nothing the request began is kept."""
    db.session.rollback()
    status = exc.code or 500
    if status == 403:
        record_denial()
    message = None
    if status == 400 and exc.description and "CSRF" in exc.description:
        message = _("The form has expired or was sent from elsewhere. Reload the page and try again.")
    if status == 413:
        message = too_large_message()
    return render_error(status, message)


def handle_domain(exc: DomainError) -> tuple[Response | str, int]:
    """Render a domain error raised past a view (403, 404, 409, ...); refusals go to the audit trail."""
    db.session.rollback()
    if exc.status_code == 403:
        record_denial()
    return render_error(exc.status_code, exc.message)


def handle_server_error(exc: Exception) -> tuple[Response | str, int]:
    """Roll back whatever the failed request began, then show the 500 page."""
    db.session.rollback()
    return render_error(500)


# SQLSTATE codes PostgreSQL gives for a full disk and for a read-only server (a standby, or read-only mode).
_DISK_FULL_STATES = {"53100"}
_READ_ONLY_STATES = {"25006"}


def storage_problem(exc: DBAPIError) -> str | None:
    """'full' or 'read_only' when the database refused a write for lack of space or permission, else None."""
    state = getattr(exc.orig, "sqlstate", None)
    text = str(exc.orig).lower()
    if state in _DISK_FULL_STATES or "database or disk is full" in text or "no space left" in text:
        return "full"
    if state in _READ_ONLY_STATES or "readonly database" in text or "read-only" in text:
        return "read_only"
    return None


def handle_database_error(exc: DBAPIError) -> tuple[Response | str, int]:
    """A database that cannot be reached, or cannot write, is a 503 to retry later, never a crash.

    The failed request's transaction is rolled back, so nothing of it is kept.
    """
    db.session.rollback()
    # The page must render without the database: treat the visitor as signed out for this response,
    # so neither the language nor the menu nor the unread count tries to load them again.
    g._login_user = login_manager.anonymous_user()
    problem = storage_problem(exc)
    current_app.logger.error("database error (%s): %s", problem or "unavailable", exc.orig)
    if problem == "full":
        return render_error(503, _("The server's disk is full, so nothing was saved. Tell your administrator; "
                                   "your work is safe once space is freed."))
    if problem == "read_only":
        return render_error(503, _("The database is read-only right now, so nothing was saved. Try again "
                                   "later or tell your administrator."))
    return render_error(503 if isinstance(exc, OperationalError) else 500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DomainError, handle_domain)
    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(InternalError, handle_database_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(ServiceUnavailable, handle_http)
