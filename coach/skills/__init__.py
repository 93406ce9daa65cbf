"""The competency framework, each person's levels and evidence, and the career ladder."""
from coach.skills.views import bp

__all__ = ["bp"]
