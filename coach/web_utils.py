"""Small helpers shared by views."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, request
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from wtforms import Field, FieldList, FormField

from coach import audit
from coach.database import writing
from coach.extensions import db
from coach.models import User


def safe_next(target: str | None) -> str | None:
    """Return `target` only when it is a local path on this site; otherwise None."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    # Reject absolute URLs, scheme-relative '//host' and backslash tricks that browsers normalise.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def client_ip() -> str:
    """The requesting address, as recorded in the audit trail."""
    return request.remote_addr or ""


def form_error(form: object, exc: Exception, default_field: str) -> None:
    """Show a domain error under the form field it names (or the default field)."""
    name = getattr(exc, "field", None) or default_field
    field = getattr(form, name, None) or getattr(form, default_field)
    field.errors = [*field.errors, getattr(exc, "message", str(exc))]


def field_errors(fields: Iterable[Field]) -> Iterator[tuple[str, str]]:
    """(label, message) for each error of the fields, the rows of nested forms (action items) included."""
    for field in fields:
        if isinstance(field, FieldList):
            yield from field_errors(field.entries)
        elif isinstance(field, FormField):
            yield from field_errors(field.form)
        else:
            for message in field.errors:
                yield str(field.label.text), str(message)


def flash_form_errors(form: Any) -> None:
    """Flash each field error as 'Label: message', for forms that redirect instead of showing themselves again."""
    for label, message in field_errors(form):
        flash(f"{label}: {message}", "error")


def require_login(bp: Blueprint) -> None:
    """Make every route of a blueprint need a signed-in user; each view still checks the policy itself."""

    @bp.before_request
    @login_required
    def _signed_in() -> None:
        return None


def record_denial(actor: User | None = None) -> None:
    """Put a refused request in the audit trail: who (the signed-in user, or the API token's), what, from where.

    Best effort: it never fails the page.
    """
    db.session.rollback()
    user = actor or (current_user._get_current_object() if current_user and current_user.is_authenticated else None)
    try:
        with writing():  # a GET was refused: SQLite still needs the write lock for this one insert
            audit.record(db.session, action="access.denied", actor=user, ip=client_ip(),
                         details=f"{request.method} {request.path}"[:500])
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("could not record a refused request")
