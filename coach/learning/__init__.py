"""Courses, modules, programs and search: where learners read and managers assign."""
from coach.learning.views import bp

__all__ = ["bp"]
