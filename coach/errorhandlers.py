"""One renderer for every error status: a page for people, JSON for API clients."""
from __future__ import annotations

from flask import Flask, Response, jsonify, render_template
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from coach.errors import DomainError
from coach.extensions import db
from coach.web import wants_json


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


def render_error(status: int, message: str | None = None) -> tuple[Response | str, int]:
    """Render an error as JSON or as the error page, with a message fit to show."""
    title = _titles().get(status, _("Error"))
    text = message or _messages().get(status, title)
    if wants_json():
        return jsonify(error=status, title=title, message=text), status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def handle_http(exc: HTTPException) -> tuple[Response | str, int]:
    """Render werkzeug's HTTP errors with our page."""
    status = exc.code or 500
    message = None
    if status == 400 and exc.description and "CSRF" in exc.description:
        message = _("The form has expired or was sent from elsewhere. Reload the page and try again.")
    return render_error(status, message)


def handle_domain(exc: DomainError) -> tuple[Response | str, int]:
    """Render a domain error raised past a view (403, 404, 409, ...)."""
    db.session.rollback()
    return render_error(exc.status_code, exc.message)


def handle_server_error(exc: Exception) -> tuple[Response | str, int]:
    """Roll back whatever the failed request began, then show the 500 page."""
    db.session.rollback()
    return render_error(500)


def handle_database_down(exc: OperationalError) -> tuple[Response | str, int]:
    """An unreachable database is a 503 to retry, not a crash."""
    db.session.rollback()
    return render_error(503)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DomainError, handle_domain)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(ServiceUnavailable, handle_http)
