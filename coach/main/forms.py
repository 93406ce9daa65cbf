"""Forms of the main blueprint."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from coach.form_helpers import choices, unless_longer_than
from coach.limits import URL_TEXT
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Length


class LanguageForm(FlaskForm):
    """The header's language switcher."""

    language = SelectField(_l("Language"), choices=choices([("en", "English"), ("zh", "中文")]), validators=[DataRequired()])
    # An over-long return address is dropped (the person lands on the home page) rather than refused.
    next = HiddenField(validators=[Length(max=URL_TEXT)], filters=[unless_longer_than(URL_TEXT)])
