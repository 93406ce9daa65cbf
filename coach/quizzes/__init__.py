"""Quizzes: taking them, results, essay grading and item analysis."""
from coach.quizzes.views import bp

__all__ = ["bp"]
