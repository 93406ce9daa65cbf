"""Mentorships, sign-offs, observed practice and coaching notes."""
from coach.mentoring import signoffs  # noqa: F401 — registers the sign-off routes on bp
from coach.mentoring.views import bp

__all__ = ["bp"]
