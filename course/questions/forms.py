"""The import form (the question forms themselves are spec-driven: see spec.py)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

IMPORT_FORMATS = [("auto", "Detect it"), ("moodle", "Moodle XML"), ("gift", "GIFT"), ("aiken", "Aiken"),
                  ("qti", "IMS QTI 2.1 or 3.0 (item or package)")]
EXPORT_FORMATS = [("moodle", "Moodle XML"), ("gift", "GIFT"), ("aiken", "Aiken"), ("qti21", "IMS QTI 2.1"),
                  ("qti30", "IMS QTI 3.0")]
EXTENSIONS = {"moodle": "xml", "gift": "gift", "aiken": "txt", "qti21": "zip", "qti30": "zip"}


class ImportForm(FlaskForm):
    """Upload a question file."""

    file = FileField("Question file", validators=[FileRequired("Choose a file to import.")])
    format = SelectField("Format", choices=[SelectChoice(k, v) for k, v in IMPORT_FORMATS], default="auto")
    criteria = StringField(
        "Default criteria", validators=[Optional(), Length(max=2000),
                                        Regexp(r"^[A-Za-z0-9_.\-/,\s]*$", message="FRAMEWORK/CODE references, separated by commas.")])
    dry_run = BooleanField("Check only: store nothing")
