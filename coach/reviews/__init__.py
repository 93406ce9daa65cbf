"""Win/loss case reviews, case-review meetings, the training loop and win/loss analysis."""
from coach.reviews import analysis_views, meeting_views  # noqa: F401 — register their routes on bp
from coach.reviews.views import bp

__all__ = ["bp"]
