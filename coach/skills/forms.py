"""Forms of the skills area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coach.limits import SHORT_TEXT


class TargetForm(FlaskForm):
    """A new capability target for a person, a team or a career level."""

    competency = SelectField(_l("Competency"), choices=[], validators=[DataRequired()])
    level = IntegerField(_l("Level"), validators=[DataRequired(), NumberRange(min=1, max=4)])
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    person = SelectField(_l("Person"), choices=[], validators=[Optional()])
    team = SelectField(_l("or a team"), choices=[], validators=[Optional()])
    career_level = SelectField(_l("or everyone at a career level"), choices=[], validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=SHORT_TEXT)])


class ConfirmForm(FlaskForm):
    """An empty form: gives POST-only buttons their CSRF token."""
