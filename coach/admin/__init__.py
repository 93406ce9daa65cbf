"""Administration: users, teams and the audit trail."""
from coach.admin.views import bp

__all__ = ["bp"]
