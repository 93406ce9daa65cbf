"""Logging in and out, and changing one's own password."""
from coach.auth.views import bp

__all__ = ["bp"]
