"""Forms of the quizzes area (attempt answers are read by the question types, not by a form class)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from coach.limits import MEDIUM_TEXT


class ConfirmForm(FlaskForm):
    """CSRF for start, save and submit."""


class GradeForm(FlaskForm):
    """A mentor's grade for one essay answer."""

    score = IntegerField(_l("Score (0–100)"), validators=[DataRequired(message=_l("Give a score.")),
                                                          NumberRange(min=0, max=100)])
    feedback = TextAreaField(_l("Feedback for the learner"), validators=[Length(max=MEDIUM_TEXT)])
