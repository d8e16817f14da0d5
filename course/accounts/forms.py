"""Forms of the accounts pages (Flask-WTF: each carries its CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from course.auth.commands import MIN_PASSWORD_LENGTH
from course.learning.enrolment import EMAIL_RE
from course.models.users import ROLE_LABELS, ROLES

ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]


def _email_address(form: FlaskForm, field: StringField) -> None:
    if field.data and not EMAIL_RE.match(field.data.strip()):
        raise ValidationError("Enter an email address like name@example.org.")


class InviteForm(FlaskForm):
    """A new person: name, email, role."""

    name = StringField("Full name", validators=[DataRequired("Enter the person's name."), Length(max=200)],
                       render_kw={"autocomplete": "off"})
    email = StringField(
        "Email address",
        validators=[DataRequired("Enter the person's email address."), Length(max=254), _email_address],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default="learner")


class RoleForm(FlaskForm):
    """A user's new role."""

    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=True)


class ForgotPasswordForm(FlaskForm):
    """The address to send a reset link to."""

    email = StringField(
        "Email address",
        validators=[DataRequired("Enter your email address."), Length(max=254), _email_address],
        render_kw={"type": "email", "autocomplete": "username", "spellcheck": "false"},
    )


class SetPasswordForm(FlaskForm):
    """A new password, twice. The rule is the CLI's set-password rule."""

    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a password."),
                    Length(min=MIN_PASSWORD_LENGTH, max=1024,
                           message=f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[DataRequired("Type the password again."),
                    EqualTo("password", "The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"},
    )
