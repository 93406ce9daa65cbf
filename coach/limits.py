"""Input limits shared by the forms, the API and the imports: an over-long value is a field error, never a 500.

String(n) columns are capped at n (PostgreSQL refuses longer values; SQLite would keep them). Text columns
have no length of their own, so each kind of text gets one of the caps below.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import InstrumentedAttribute

LONG_TEXT = 20_000  # Markdown that is the point of the page: coaching notes, lessons, evidence, meeting notes
MEDIUM_TEXT = 5_000  # a comment, feedback, goals, what went well
SHORT_TEXT = 2_000  # a reason, a scenario, a note on a target
URL_TEXT = 2_000  # hidden 'next' addresses: longer than any address of Coach

# Deal.amount is Numeric(14, 2): twelve digits before the point.
MAX_AMOUNT = Decimal("999999999999.99")


def column_length(attribute: InstrumentedAttribute[str]) -> int | None:
    """The n of a String(n) model attribute; None for Text."""
    return getattr(attribute.expression.type, "length", None)
