"""Forms of the mentoring area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, FormField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coach.form_helpers import choices
from coach.limits import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT


class AssignMentorForm(FlaskForm):
    """A manager assigns a mentor to a mentee."""

    mentee = SelectField(_l("Mentee"), choices=[], validators=[DataRequired()])
    mentor = SelectField(_l("Mentor"), choices=[], validators=[DataRequired()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date (optional)"), validators=[Optional()])
    goals = TextAreaField(_l("Goals"), validators=[Optional(), Length(max=MEDIUM_TEXT)])


class SignoffRequestForm(FlaskForm):
    """A mentee asks for a sign-off, with evidence."""

    competency = SelectField(_l("Competency"), choices=[], validators=[DataRequired()])
    level = IntegerField(_l("Level"), validators=[DataRequired(), NumberRange(min=1, max=4)])
    evidence = TextAreaField(_l("Your evidence (Markdown)"), validators=[DataRequired(), Length(max=LONG_TEXT)])
    modules = SelectMultipleField(_l("Completed modules"), choices=[], validators=[Optional()])
    attempts = SelectMultipleField(_l("Quiz attempts"), choices=[], validators=[Optional()])


class DecisionForm(FlaskForm):
    """The mentor's decision: a 1–4 score per behaviour and notes."""

    decision = SelectField(_l("Decision"), choices=choices([("approve", _l("Approve")), ("reject", lazy_pgettext("signoff", "Not yet"))]))
    scores = FieldList(IntegerField(validators=[DataRequired(), NumberRange(min=1, max=4)]), min_entries=0)
    notes = TextAreaField(_l("Notes for the mentee"), validators=[Optional(), Length(max=MEDIUM_TEXT)])


class RevokeForm(FlaskForm):
    """A manager revokes an approval."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=SHORT_TEXT)])


class ActionItemForm(FlaskForm):
    """One action item of a coaching note."""

    class Meta:
        csrf = False

    text = StringField(_l("Action item"), validators=[Optional(), Length(max=500)])
    owner = SelectField(_l("Owner"), choices=[], validators=[Optional()])
    due_date = DateField(_l("Due"), validators=[Optional()])


class NoteForm(FlaskForm):
    """A 1:1 coaching note with up to three action items."""

    held_on = DateField(_l("Date of the 1:1"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes (Markdown)"), validators=[Optional(), Length(max=LONG_TEXT)])
    actions = FieldList(FormField(ActionItemForm), min_entries=3, max_entries=3)


class ObservationForm(FlaskForm):
    """Observed practice: a role-play or a shadowed call, scored."""

    competency = SelectField(_l("Competency"), choices=[], validators=[DataRequired()])
    level = IntegerField(_l("Level"), validators=[DataRequired(), NumberRange(min=1, max=4)])
    kind = SelectField(_l("Kind"), choices=choices([("role-play", _l("Role-play")),
                                                    ("shadowed-call", _l("Shadowed customer call"))]))
    observed_on = DateField(_l("Date"), validators=[DataRequired()])
    scenario = TextAreaField(_l("Scenario"), validators=[Optional(), Length(max=SHORT_TEXT)])
    scores = StringField(_l("Scores, one per behaviour (e.g. 3,2,4)"), validators=[DataRequired(), Length(max=50)])
    notes = TextAreaField(_l("Notes (Markdown)"), validators=[Optional(), Length(max=LONG_TEXT)])


class ConfirmForm(FlaskForm):
    """An empty form: gives POST-only buttons their CSRF token."""
