"""Forms of the main blueprint."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from coach.form_helpers import choices
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired


class LanguageForm(FlaskForm):
    """The header's language switcher."""

    language = SelectField(_l("Language"), choices=choices([("en", "English"), ("zh", "中文")]), validators=[DataRequired()])
    next = HiddenField()
