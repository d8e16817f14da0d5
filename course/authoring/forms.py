"""Authoring forms (Flask-WTF: every form carries its CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from course.core.request_limits import max_chars
from question_bank.limits import (
    DESCRIPTION_CHARS,
    LANGUAGE_CHARS,
    PAGE_BODY_CHARS,
    QUESTION_ID_CHARS,
    SLUG_CHARS,
    TAG_CHARS,
    TITLE_CHARS,
)

SLUG_RULE = Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    message="Use letters, digits, '_', '.' or '-', starting with a letter or digit, no spaces.",
)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (templates may also lay the choices out themselves)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: object) -> None:
        # Choices are checked by the service, which names the reference that is wrong.
        pass


class EditVersion:
    """Mixin: the version (``service.version_token``) of the object the form was loaded from.

    Sent back on save so that an edit of a version someone else has since replaced is refused
    (409) rather than silently overwriting theirs.
    """

    base_version = HiddenField()


class CourseForm(FlaskForm):
    """A new course: title, optional slug, description, language, frameworks."""

    title = StringField("Title", validators=[DataRequired("Enter a title."), max_chars(TITLE_CHARS, "Title")])
    slug = StringField("Slug (optional)", validators=[Optional(), max_chars(SLUG_CHARS, "Slug"), SLUG_RULE])
    description = TextAreaField("Description", validators=[Optional(), max_chars(DESCRIPTION_CHARS, "Description")])
    language = StringField("Language", default="en-GB", validators=[DataRequired("Enter a language tag."), max_chars(LANGUAGE_CHARS, "Language")])
    frameworks = MultiCheckboxField("Frameworks", coerce=str)


class CourseSettingsForm(EditVersion, FlaskForm):
    """A course's title, slug, description, language and export quality gate."""

    title = StringField("Title", validators=[DataRequired("Enter a title."), max_chars(TITLE_CHARS, "Title")])
    slug = StringField("Slug", validators=[DataRequired("Enter a slug."), max_chars(SLUG_CHARS, "Slug"), SLUG_RULE])
    description = TextAreaField("Description", validators=[Optional(), max_chars(DESCRIPTION_CHARS, "Description")])
    language = StringField("Language", validators=[DataRequired("Enter a language tag."), max_chars(LANGUAGE_CHARS, "Language")])
    block_export_on_findings = BooleanField("Block the SCORM download while quizzes have severe quality findings")
    require_signed_mappings = BooleanField(
        "Require an internal quality assurer's sign-off of every question's criteria before export and summative quizzes")
    assessment_retention_years = IntegerField(
        "Keep learners' assessment records for (years)",
        # Optional so that a form posted without it (an older page, a script) leaves it unchanged.
        validators=[Optional(), NumberRange(min=0, max=40, message="Enter a whole number of years, 0 to 40.")],
    )


class ModuleForm(EditVersion, FlaskForm):
    """A module: title, slug, outcomes taught, target minutes, workplace criteria."""

    title = StringField("Title", validators=[DataRequired("Enter a title."), max_chars(TITLE_CHARS, "Title")])
    slug = StringField("Slug (optional)", validators=[Optional(), max_chars(SLUG_CHARS, "Slug"), SLUG_RULE])
    target_minutes = IntegerField(
        "Target guided minutes",
        validators=[Optional(), NumberRange(min=0, max=100_000, message="Enter a whole number, 0 or more.")],
    )
    outcomes = MultiCheckboxField("Outcomes taught", coerce=str)
    workplace = MultiCheckboxField("Criteria prepared for and assessed at work", coerce=str)


class PageForm(EditVersion, FlaskForm):
    """A content page: title, slug and a Markdown body."""

    title = StringField("Title", validators=[DataRequired("Enter a title."), max_chars(TITLE_CHARS, "Title")])
    slug = StringField("Slug (optional)", validators=[Optional(), max_chars(SLUG_CHARS, "Slug"), SLUG_RULE])
    body = TextAreaField("Content (Markdown)", validators=[Optional(), max_chars(PAGE_BODY_CHARS, "Content")])


class UploadForm(FlaskForm):
    """An image for the course's pages."""

    file = FileField("Image (PNG, JPEG, GIF or WebP)", validators=[FileRequired("Choose an image to upload.")])


class ImportForm(FlaskForm):
    """A course document to import."""

    file = FileField("Course document (JSON)", validators=[FileRequired("Choose a course document to import.")])


GRADING_CHOICES = [
    SelectChoice("highest", "Highest attempt"),
    SelectChoice("last", "Last attempt"),
    SelectChoice("first", "First attempt"),
    SelectChoice("average", "Average of attempts"),
]
FEEDBACK_CHOICES = [
    SelectChoice("immediate", "Immediately, after each question"),
    SelectChoice("after_submission", "After the quiz is submitted"),
]
MODE_CHOICES = [
    SelectChoice("formative", "Formative: practice, not evidence"),
    SelectChoice("summative", "Summative: its result is evidence of knowledge"),
]
OPTION_FEEDBACK_CHOICES = [
    SelectChoice("always", "Always, with the mark"),
    SelectChoice("after_final_attempt", "After the final attempt (once no attempt is left)"),
    SelectChoice("never", "Never: marks only"),
]


class QuizForm(EditVersion, FlaskForm):
    """A quiz's settings (pass mark and threshold in per cent)."""

    title = StringField("Quiz title", validators=[DataRequired("Enter a title."), max_chars(TITLE_CHARS, "Title")])
    mode = SelectField("Mode", choices=MODE_CHOICES, default="formative")
    pass_mark = IntegerField(
        "Pass mark (%)",
        default=80,
        validators=[InputRequired("Enter a pass mark."), NumberRange(min=0, max=100, message="Enter 0 to 100.")],
    )
    criterion_threshold = IntegerField(
        "Per-criterion threshold (%) (optional)",
        validators=[Optional(), NumberRange(min=0, max=100, message="Enter 0 to 100, or leave it empty.")],
    )
    attempts = IntegerField(
        "Attempts allowed (0 for unlimited)",
        default=0,
        validators=[InputRequired("Enter the attempts allowed."), NumberRange(min=0, max=1000, message="Enter 0 or more.")],
    )
    grading = SelectField("Grading", choices=GRADING_CHOICES, default="highest")
    shuffle = BooleanField("Shuffle the questions")
    shuffle_options = BooleanField("Shuffle every question's options (even where a question says not to)")
    feedback = SelectField("Feedback", choices=FEEDBACK_CHOICES, default="immediate")
    option_feedback = SelectField("Feedback on each answer (the explanation texts)", choices=OPTION_FEEDBACK_CHOICES,
                                  default="always")
    time_limit_minutes = IntegerField(
        "Time limit in minutes (optional)",
        validators=[Optional(), NumberRange(min=1, max=10_000, message="Enter 1 or more, or leave it empty.")],
    )


class DrawForm(FlaskForm):
    """A random draw: N questions evidencing a criterion, or N with a tag."""

    count = IntegerField(
        "Number of questions",
        default=1,
        validators=[InputRequired("Enter how many questions to draw."), NumberRange(min=1, max=200, message="Enter 1 or more.")],
    )
    criterion = SelectField("Evidencing criterion", choices=[], validate_choice=False)
    tag = StringField("or with tag", validators=[Optional(), max_chars(TAG_CHARS, "Tag")])


class AddQuestionForm(FlaskForm):
    """A fixed question version to add to a quiz."""

    question = StringField("Question id", validators=[DataRequired("Choose a question."), max_chars(QUESTION_ID_CHARS, "Question id")])
    version = IntegerField("Version", validators=[Optional(), NumberRange(min=1)])
