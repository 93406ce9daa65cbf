"""Home page, health check and the language switcher."""
from coach.main.views import bp

__all__ = ["bp"]
