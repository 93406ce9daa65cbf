"""Domain errors raised by services; views and the error handlers turn them into responses."""
from __future__ import annotations


class DomainError(Exception):
    """Base class for errors a user can act on; `message` is already translated."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """Input that breaks a rule; `field` names the form field or CLI option at fault."""


class NotFound(DomainError):
    """The object named does not exist."""

    status_code = 404


class PermissionDenied(DomainError):
    """The user may not do this to this object."""

    status_code = 403


class Conflict(DomainError):
    """The object changed state in the meantime (double submit, a race, a stale edit)."""

    status_code = 409
