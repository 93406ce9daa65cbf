"""Login and password forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from coach.form_helpers import unless_longer_than
from coach.limits import URL_TEXT


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    # An over-long return address is dropped (the person lands on the home page) rather than refused.
    next = HiddenField(validators=[Length(max=URL_TEXT)], filters=[unless_longer_than(URL_TEXT)])


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), Length(max=256),
                    EqualTo("new_password", message=_l("The two passwords differ."))],
    )


class LogoutForm(FlaskForm):
    """An empty form: gives the logout button its CSRF token."""
