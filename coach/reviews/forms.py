"""Forms of the case-review area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,

    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from coach.form_helpers import choices
from coach.limits import LONG_TEXT, MAX_AMOUNT, MEDIUM_TEXT, SHORT_TEXT
from coach.models import OUTCOMES


class ActionForm(FlaskForm):
    """One action item."""

    class Meta:
        csrf = False

    text = StringField(_l("Action item"), validators=[Optional(), Length(max=500)])
    owner = SelectField(_l("Owner"), choices=[], validators=[Optional()])
    due_date = DateField(_l("Due"), validators=[Optional()])


class ReviewForm(FlaskForm):
    """The structured retrospective."""

    deal = SelectField(_l("Deal"), choices=[], validators=[Optional()])
    stage = SelectField(_l("Stage the deal reached"), choices=[], validators=[Optional()])
    reasons = SelectMultipleField(_l("Reasons"), choices=[], validators=[Optional()])
    primary_reason = SelectField(_l("Primary reason"), choices=[], validators=[Optional()])
    competitors = StringField(_l("Competitors"), validators=[Optional(), Length(max=300)])
    decision_criteria = TextAreaField(_l("The customer's decision criteria"),
                                      validators=[Optional(), Length(max=MEDIUM_TEXT)])
    went_well = TextAreaField(_l("What went well"), validators=[Optional(), Length(max=MEDIUM_TEXT)])
    to_change = TextAreaField(_l("What to change"), validators=[Optional(), Length(max=MEDIUM_TEXT)])
    lessons = TextAreaField(_l("Lessons (Markdown)"), validators=[Optional(), Length(max=LONG_TEXT)])
    competencies = SelectMultipleField(_l("Linked competencies"), choices=[], validators=[Optional()])
    modules = SelectMultipleField(_l("Linked modules"), choices=[], validators=[Optional()])
    actions = FieldList(FormField(ActionForm), min_entries=2, max_entries=2)
    version = HiddenField(validators=[Length(max=9), Regexp(r"^[0-9]*$")])


class CommentForm(FlaskForm):
    """A comment on a review."""

    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=MEDIUM_TEXT)])


class AssignTrainingForm(FlaskForm):
    """One click: assign the proposed training to the deal owner or the whole team."""

    who = SelectField(_l("Assign to"), choices=choices([("owner", _l("the deal owner")), ("team", _l("the whole team"))]))
    proposal = HiddenField(validators=[Length(max=SHORT_TEXT)])
    due_date = DateField(_l("Due"), validators=[Optional()])


class PatternAssignForm(FlaskForm):
    """One click: assign the training for a repeated loss reason to the whole team."""

    due_date = DateField(_l("Due"), validators=[Optional()])


class MeetingForm(FlaskForm):
    """Schedule a case-review meeting."""

    team = SelectField(_l("Team"), choices=[], validators=[DataRequired()])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])


class AgendaForm(FlaskForm):
    """Add a submitted review to the agenda."""

    review = SelectField(_l("Review"), choices=[], validators=[DataRequired()])


class MeetingRecordForm(FlaskForm):
    """Attendees, notes, decisions and action items of a meeting."""

    attendees = SelectMultipleField(_l("Attendees"), choices=[], validators=[Optional()])
    notes = TextAreaField(_l("Notes (Markdown)"), validators=[Optional(), Length(max=LONG_TEXT)])
    decisions = TextAreaField(_l("Decisions (Markdown)"), validators=[Optional(), Length(max=LONG_TEXT)])
    actions = FieldList(FormField(ActionForm), min_entries=3, max_entries=3)


class DealForm(FlaskForm):
    """A deal entered by hand."""

    name = StringField(_l("Deal name"), validators=[DataRequired(), Length(max=300)])
    account = StringField(_l("Customer"), validators=[Optional(), Length(max=300)])
    amount = DecimalField(_l("Amount"), places=2, validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT)])
    currency = StringField(_l("Currency"), default="CNY", validators=[DataRequired(), Length(min=3, max=3)])
    outcome = SelectField(_l("Outcome"), choices=choices([(o, o) for o in OUTCOMES]))
    close_date = DateField(_l("Close date"), validators=[Optional()])
    owner = SelectField(_l("Owner"), choices=[], validators=[DataRequired()])
    competitor = StringField(_l("Competitor"), validators=[Optional(), Length(max=200)])


class ConfirmForm(FlaskForm):
    """An empty form: gives POST-only buttons their CSRF token."""


class UploadForm(FlaskForm):
    """Upload a CRM export (admins)."""

    preset = SelectField(_l("CRM"), choices=[], validators=[DataRequired()])
    dry_run = SelectField(_l("Mode"), choices=choices([("1", _l("Check only (dry run)")), ("0", _l("Import"))]))
    skip_invalid = SelectField(_l("Invalid rows"), choices=choices([("0", _l("Import nothing")),
                                                                     ("1", _l("Skip them"))]))


