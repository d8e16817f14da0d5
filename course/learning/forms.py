"""Tutor forms: enrol one learner, enrol from CSV, offline learning, mark an essay."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError


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


class CsvEnrolForm(FlaskForm):
    """A CSV file with a header row name,email,cohort."""

    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file."), FileAllowed(["csv", "txt"], "Choose a .csv file.")],
        render_kw={"accept": ".csv,text/csv"},
    )


class OfflineForm(FlaskForm):
    """Guided learning away from the screen."""

    learner = SelectField("Learner", coerce=int, validators=[DataRequired("Choose a learner.")])
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
