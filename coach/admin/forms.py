"""Administration forms: users and teams."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SearchField, SelectField, SelectMultipleField, StringField
from coach.form_helpers import choices
from coach.models import SCOPES
from wtforms.validators import DataRequired, Length, Optional

ROLE_PAIRS = [("member", _l("Member")), ("mentor", _l("Mentor")), ("manager", _l("Manager")), ("admin", _l("Administrator"))]
LANGUAGE_PAIRS = [("en", "English"), ("zh", "中文")]


class UserFilterForm(FlaskForm):
    """Search and filter the user list (GET; no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=choices([("", _l("All roles")), *ROLE_PAIRS]), validators=[Optional()])
    team = SelectField(_l("Team"), choices=[], validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices([("active", _l("Active")), ("inactive", _l("Deactivated")),
                                                      ("all", _l("All"))]), default="active", validators=[Optional()])


class UserEditForm(FlaskForm):
    """Fields an administrator can change on a user."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices(ROLE_PAIRS))
    team = SelectField(_l("Team"), choices=[])
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_PAIRS))
    hire_date = DateField(_l("Hire date"), validators=[Optional()])
    career_level = StringField(_l("Career level"), validators=[Optional(), Length(max=64)])


class UserCreateForm(UserEditForm):
    """A new user: the profile plus e-mail and a first password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("First password"), validators=[DataRequired(), Length(max=256)])


class TeamForm(FlaskForm):
    """A team's name and its managers."""

    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])
    managers = SelectMultipleField(_l("Managers"), coerce=int, choices=[])


class ConfirmForm(FlaskForm):
    """An empty form: gives POST-only buttons their CSRF token."""


class TokenForm(FlaskForm):
    """A new API token."""

    user = SelectField(_l("Acts as"), choices=[], validators=[DataRequired()])
    name = StringField(_l("Name (the system that uses it)"), validators=[DataRequired(), Length(max=120)])
    scopes = SelectMultipleField(_l("Scopes"), choices=choices([(s, s) for s in SCOPES]), validators=[DataRequired()])
