"""marshmallow schemas of the JSON API: strict types (no "1" for 1, no "yes" for true), unknown
fields refused, lengths bounded (question_bank.limits, as the forms and the course document) so
that huge strings are a 422, never a database error."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

from question_bank import limits
from question_bank.schemas import MaxChars, MaxItems

IDENT = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
REF = r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$"
# The rules the authoring service applies, stated here so that the document states them too.
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
# What Python's str.strip() removes, spelled out: JSON Schema's \s is not Python's.
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Not only spaces (marshmallow matches from the start, JSON Schema searches: this reads alike;
# the empty string is left to the length check, so that it gets one message).
NOT_BLANK = rf"^$|^[{_SPACE}]*[^{_SPACE}]"


class StrictInteger(fields.Integer):
    """An integer given as a JSON integer (not a string, float or boolean)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictFloat(fields.Float):
    """A number given as a JSON number (not a string or boolean)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """true or false only."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def Slug(**kwargs) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=limits.SLUG_CHARS),
                                   validate.Regexp(IDENT, error="Not a valid identifier (letters, digits, _ . - and no spaces).")],
                         **kwargs)


def Title(**kwargs) -> fields.String:
    # One message for empty and too long, as before: "Length must be between 1 and 300."
    return fields.String(validate=[validate.Length(min=1, max=limits.TITLE_CHARS),
                                   validate.Regexp(NOT_BLANK, error="Enter a title (not only spaces).")],
                         **kwargs)


def Language(**kwargs) -> fields.String:
    return fields.String(validate=[validate.Length(min=2), MaxChars(limits.LANGUAGE_CHARS),
                                   validate.Regexp(LANGUAGE_TAG, error="Not a language tag (e.g. en-GB).")],
                         **kwargs)


def Chars(limit: int, **kwargs) -> fields.String:
    """A string of at most ``limit`` characters."""
    return fields.String(validate=MaxChars(limit), **kwargs)


def RefList(max_items: int = limits.REFERENCES_PER_LIST, **kwargs) -> fields.List:
    return fields.List(fields.String(validate=[MaxChars(limits.REFERENCE_CHARS), validate.Regexp(REF, error="Not a FRAMEWORK/CODE reference.")]),
                       validate=MaxItems(max_items, "references"), **kwargs)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class QueryArgs(ma.Schema):
    """Query strings: unknown keys (page, page_size) are left to the paginator."""

    class Meta:
        unknown = ma.EXCLUDE


# --------------------------------------------------------------------------- frameworks


class CriterionOut(ma.Schema):
    code = fields.String()
    ref = fields.String()
    kind = fields.String()
    text = fields.String()
    workplace = fields.Boolean()


class OutcomeOut(ma.Schema):
    code = fields.String()
    ref = fields.String()
    title = fields.String()
    kind = fields.String()
    criteria = fields.List(fields.Nested(CriterionOut))


class FrameworkSummary(ma.Schema):
    code = fields.String()
    kind = fields.String(metadata={"description": "nos, qcf or rqf"})
    title = fields.String()
    glh = fields.Integer(allow_none=True, metadata={"description": "Guided learning hours."})
    version = fields.String(allow_none=True)


class FrameworkOut(FrameworkSummary):
    level = fields.String(allow_none=True, metadata={"description": "RQF level: 1-8 or Entry 1-3."})
    credit = fields.Integer(allow_none=True, metadata={"description": "Credit value."})
    tqt = fields.Integer(allow_none=True, metadata={
        "description": "Total qualification time in hours, as the unit gives it (null if not given)."})
    tqt_hours = fields.Integer(allow_none=True, metadata={
        "description": "Total qualification time to plan for: tqt, else credit x 10, else null."})
    urn = fields.String(allow_none=True)
    overview = fields.String()
    keywords = fields.List(fields.String())
    outcomes = fields.List(fields.Nested(OutcomeOut))


# --------------------------------------------------------------------------- courses


class CourseCreate(Strict):
    title = Title(required=True)
    slug = Slug()
    description = Chars(limits.DESCRIPTION_CHARS)
    language = Language()
    frameworks = fields.List(fields.String(validate=[validate.Length(min=1), MaxChars(limits.FRAMEWORK_CODE_CHARS)]),
                             required=True, validate=[validate.Length(min=1),
                                                      MaxItems(limits.FRAMEWORKS_PER_COURSE, "frameworks")])


class CourseUpdate(Strict):
    title = Title()
    slug = Slug()
    description = Chars(limits.DESCRIPTION_CHARS)
    language = Language()


class CourseOut(ma.Schema):
    slug = fields.String()
    title = fields.String()
    description = fields.String()
    language = fields.String()
    frameworks = fields.List(fields.String())
    modules = fields.List(fields.String())
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


# --------------------------------------------------------------------------- modules and pages


class ModuleCreate(Strict):
    title = Title(required=True)
    slug = Slug()
    outcomes = RefList()
    target_minutes = StrictInteger(validate=validate.Range(min=0, max=100_000))
    workplace = RefList()
    position = StrictInteger(validate=validate.Range(min=0, max=10_000))


class ModuleUpdate(ModuleCreate):
    title = Title()


class ModuleOut(ma.Schema):
    slug = fields.String()
    title = fields.String()
    position = fields.Integer()
    outcomes = fields.List(fields.String())
    target_minutes = fields.Integer()
    workplace = fields.List(fields.String())
    pages = fields.List(fields.String())
    has_quiz = fields.Boolean()


class PageCreate(Strict):
    title = Title(required=True)
    slug = Slug()
    body = Chars(limits.PAGE_BODY_CHARS)
    position = StrictInteger(validate=validate.Range(min=0, max=10_000))


class PageUpdate(PageCreate):
    title = Title()


class PageOut(ma.Schema):
    slug = fields.String()
    title = fields.String()
    position = fields.Integer()
    body = fields.String()
    html = fields.String()


# --------------------------------------------------------------------------- quizzes


def _draw_by(selector: str) -> dict:
    return {"type": "object", "required": ["count", selector], "additionalProperties": False,
            "properties": {"count": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                           selector: {"type": "string", "minLength": 1, "pattern": NOT_BLANK}}}


class QuizItemField(fields.Dict):
    """A quiz item, checked for shape when the request is read (before If-Match is compared) by
    the authoring service's own rule; whether its question or draw exists is checked on saving."""

    def _deserialize(self, value, attr, data, **kwargs):
        from course.authoring.quizzes import quiz_item_problems

        messages: dict = {}
        for path, message in quiz_item_problems(value):
            if not path:
                raise ValidationError(message)
            *parents, name = path.split(".")
            node = messages
            for parent in parents:
                node = node.setdefault(parent, {})
            node.setdefault(name, []).append(message)
        if messages:
            raise ValidationError(messages)
        return value


def QuizItem() -> fields.Dict:
    """A quiz item: a fixed question version, or a draw by criterion or by tag, as the authoring
    service takes them (``quiz_item_problems``)."""
    fixed = {"type": "object", "title": "A fixed question version", "required": ["question", "version"],
             "additionalProperties": False,
             "properties": {"question": {"type": "string", "minLength": 1},
                            "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}}
    draw = {"type": "object", "title": "A draw of count questions evidencing a criterion or tagged tag",
            "required": ["draw"], "additionalProperties": False,
            "properties": {"draw": {"oneOf": [_draw_by("criterion"), _draw_by("tag")]}}}
    return QuizItemField(metadata={"oneOf": [fixed, draw]})


class QuizIn(Strict):
    title = Title()
    pass_mark = StrictFloat(validate=validate.Range(min=0, max=1))
    criterion_threshold = StrictFloat(allow_none=True, validate=validate.Range(min=0, max=1))
    attempts = StrictInteger(validate=validate.Range(min=0, max=1000))
    grading = fields.String(validate=validate.OneOf(["highest", "last", "first", "average"]))
    shuffle = StrictBoolean()
    feedback = fields.String(validate=validate.OneOf(["immediate", "after_submission"]))
    time_limit_minutes = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=100_000))
    mode = fields.String(validate=validate.OneOf(["formative", "summative"]), metadata={
        "description": "Changing it (or creating the quiz with it) sets that mode's defaults for attempts, "
                       "feedback, option_feedback, shuffle and shuffle_options, except those given in the "
                       "same request: summative 3, after_submission, after_final_attempt, true, true; "
                       "formative 0, immediate, always, false, false."})
    option_feedback = fields.String(validate=validate.OneOf(["always", "after_final_attempt", "never"]), metadata={
        "description": "When learners see the feedback texts of their marks; after_final_attempt: once "
                       "they have no attempt left."})
    shuffle_options = StrictBoolean(metadata={
        "description": "Shuffle every choice and matching question's options, whatever the question says."})
    items = fields.List(QuizItem(), validate=MaxItems(limits.ITEMS_PER_QUIZ, "items"),
                        metadata={"description": "The quiz's items in order, as in the course document; "
                                                 "given, they replace the quiz's items."})


class QuizOut(ma.Schema):
    module = fields.String()
    title = fields.String()
    pass_mark = fields.Float()
    criterion_threshold = fields.Float(allow_none=True)
    attempts = fields.Integer()
    grading = fields.String()
    shuffle = fields.Boolean()
    feedback = fields.String()
    time_limit_minutes = fields.Integer(allow_none=True)
    mode = fields.String()
    option_feedback = fields.String()
    shuffle_options = fields.Boolean()
    items = fields.List(QuizItem())


# --------------------------------------------------------------------------- questions


class QuestionBody(ma.Schema):
    """The question JSON of docs/formats.md, validated by question_bank.schemas in the service
    (its `version` is optional: the server numbers versions). The document describes it as
    ``Question`` (``docs.document_questions``)."""

    class Meta:
        unknown = ma.INCLUDE


class QuestionOut(ma.Schema):
    id = fields.String()
    version = fields.Integer()
    type = fields.String()
    title = fields.String()
    criteria = fields.List(fields.String())
    tags = fields.List(fields.String())
    is_current = fields.Boolean()
    in_use = fields.Boolean()
    created_at = fields.DateTime()
    question = fields.Dict(metadata={"description": "The question JSON (docs/formats.md)."})


class QuestionFilter(QueryArgs):
    type = fields.String(validate=validate.Length(max=40))
    criterion = fields.String(validate=validate.Length(max=200))
    tag = fields.String(validate=validate.Length(max=200))
    q = fields.String(validate=validate.Length(max=200))


class ErrorSchema(ma.Schema):
    """Every error of the API (documented as ``Error``; the body is built by ``error_response``)."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code, e.g. 422."})
    status = fields.String(required=True, metadata={"description": 'The HTTP status, e.g. "Unprocessable Entity".'})
    message = fields.String(required=True, metadata={"description": "What went wrong, in a sentence."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                         metadata={"description": "Each field at fault (a dotted path into the body or the "
                                                  "query, \"_schema\" for the whole body) with its messages; "
                                                  "{} when no one field is to blame."})
    error = fields.String(required=True, metadata={"description": 'The status in snake case, e.g. '
                                                                  '"unprocessable_entity".'})
