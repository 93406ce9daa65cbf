"""Forms of the learning area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SearchField, SelectField
from wtforms.validators import DataRequired, Length, Optional


class SearchForm(FlaskForm):
    """Search modules (GET; no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search training"), validators=[DataRequired(), Length(max=100)])


class ConfirmForm(FlaskForm):
    """An empty form: gives POST-only buttons their CSRF token."""


class PositionForm(FlaskForm):
    """Where the reader stopped (sent by the page's script as they scroll)."""

    section = HiddenField(validators=[Length(max=200)])


class AssignProgramForm(FlaskForm):
    """Assign a program to one person or a whole team."""

    person = SelectField(_l("Person"), choices=[], validators=[Optional()])
    team = SelectField(_l("or a whole team"), choices=[], validators=[Optional()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
