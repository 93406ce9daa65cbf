"""The notification centre and e-mail digests."""
from coach.notifications.views import bp

__all__ = ["bp"]
