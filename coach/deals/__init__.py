"""Deals from the CRM: list, detail with reviews, entry by hand, CSV import (CLI and admin upload)."""
from coach.deals.views import bp

__all__ = ["bp"]
