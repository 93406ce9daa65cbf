"""The data model; import models from here."""
from coach.models.accounts import LANGUAGES, ROLES, Team, User, team_managers
from coach.models.audit import AuditEvent
from coach.models.base import UTCDateTime, utcnow

__all__ = ["LANGUAGES", "ROLES", "AuditEvent", "Team", "UTCDateTime", "User", "team_managers", "utcnow"]
