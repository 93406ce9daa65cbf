"""The JSON API under /api/v1, for CRMs and other systems, with bearer tokens."""
from coach.api.views import bp

__all__ = ["bp"]
