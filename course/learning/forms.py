"""Tutor forms: enrol one learner, enrol from CSV, offline learning, mark an essay."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from course.learning.models import OFFLINE_KINDS


class EnrolForm(FlaskForm):
    """One learner: name, email, cohort."""

    name = StringField("Full name", validators=[DataRequired("Enter the learner's name."), Length(max=200)],
                       render_kw={"autocomplete": "off"})
    email = StringField(
        "Email address",
        validators=[DataRequired("Enter the learner's email address."), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )
    cohort = StringField("Cohort (optional)", validators=[Optional(), Length(max=100)])
    invite = BooleanField("Send an invitation by email if the learner has no password yet")


class CsvEnrolForm(FlaskForm):
    """A CSV file with a header row name,email,cohort."""

    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file."), FileAllowed(["csv", "txt"], "Choose a .csv file.")],
        render_kw={"accept": ".csv,text/csv"},
    )
    invite = BooleanField("Send invitations by email to the newly enrolled learners who have no password yet")


class OfflineForm(FlaskForm):
    """Learning away from the screen: a guided session, a supervised assessment or off-the-job training."""

    learner = SelectField("Learner", coerce=int, validators=[DataRequired("Choose a learner.")])
    # No default: what the time counts toward (GLH or only TQT) depends on it, so the tutor says.
    kind = SelectField("Kind of time", choices=[SelectChoice("", "Choose the kind of time")]
                       + [SelectChoice(k, label) for k, label in OFFLINE_KINDS.items()],
                       validators=[DataRequired("Choose the kind of time: a guided session, a supervised "
                                                "assessment or off-the-job training.")])
    date = DateField("Date", validators=[DataRequired("Enter the date of the learning.")])
    minutes = IntegerField("Minutes", validators=[DataRequired("Enter the minutes spent."),
                                                  NumberRange(1, 1440, "Enter a whole number of minutes from 1 to 1440.")])
    activity = TextAreaField("Activity", validators=[DataRequired("Describe the activity."), Length(max=2000)])
    outcomes = StringField("Outcomes or criteria covered (optional)", validators=[Optional(), Length(max=1000)])

    def validate_date(self, field: DateField) -> None:
        """No learning in the future."""
        if field.data and field.data > dt.date.today():
            raise ValidationError("The date cannot be in the future.")


class MarkEssayForm(FlaskForm):
    """A tutor's score and comment for one essay."""

    part = HiddenField()
    score = DecimalField("Score", places=None, validators=[InputRequired("Enter a score.")])
    comment = TextAreaField("Comment for the learner", validators=[Optional(), Length(max=5000)])
