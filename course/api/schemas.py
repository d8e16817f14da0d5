"""marshmallow schemas of the JSON API: strict types (no "1" for 1, no "yes" for true), unknown
fields refused, lengths bounded (question_bank.limits, as the forms and the course document) so
that huge strings are a 422, never a database error."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from question_bank import limits
from question_bank.schemas import MaxChars, MaxItems

IDENT = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
REF = r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$"


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
    return fields.String(validate=validate.Length(min=1, max=limits.TITLE_CHARS), **kwargs)


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
    kind = fields.String()
    title = fields.String()
    glh = fields.Integer(allow_none=True)
    version = fields.String(allow_none=True)


class FrameworkOut(FrameworkSummary):
    urn = fields.String(allow_none=True)
    overview = fields.String()
    keywords = fields.List(fields.String())
    outcomes = fields.List(fields.Nested(OutcomeOut))


# --------------------------------------------------------------------------- courses


class CourseCreate(Strict):
    title = Title(required=True)
    slug = Slug()
    description = Chars(limits.DESCRIPTION_CHARS)
    language = fields.String(validate=[validate.Length(min=2), MaxChars(limits.LANGUAGE_CHARS)])
    frameworks = fields.List(fields.String(validate=[validate.Length(min=1), MaxChars(limits.FRAMEWORK_CODE_CHARS)]),
                             required=True, validate=[validate.Length(min=1),
                                                      MaxItems(limits.FRAMEWORKS_PER_COURSE, "frameworks")])


class CourseUpdate(Strict):
    title = Title()
    slug = Slug()
    description = Chars(limits.DESCRIPTION_CHARS)
    language = fields.String(validate=[validate.Length(min=2), MaxChars(limits.LANGUAGE_CHARS)])


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


class QuizIn(Strict):
    title = Title()
    pass_mark = StrictFloat(validate=validate.Range(min=0, max=1))
    criterion_threshold = StrictFloat(allow_none=True, validate=validate.Range(min=0, max=1))
    attempts = StrictInteger(validate=validate.Range(min=0, max=1000))
    grading = fields.String(validate=validate.OneOf(["highest", "last", "first", "average"]))
    shuffle = StrictBoolean()
    feedback = fields.String(validate=validate.OneOf(["immediate", "after_submission"]))
    time_limit_minutes = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=100_000))
    items = fields.List(fields.Dict(), validate=MaxItems(limits.ITEMS_PER_QUIZ, "items"),
                        metadata={"description": 'Items as in the course document: {"question": id, "version": n} '
                                                 'or {"draw": {"count": n, "criterion": ref}} / {"draw": {"count": n, "tag": t}}.'})


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
    items = fields.List(fields.Dict())


# --------------------------------------------------------------------------- questions


class QuestionBody(ma.Schema):
    """The question JSON of docs/formats.md, validated by question_bank.schemas in the view
    (its `version` is optional: the server numbers versions)."""

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


class ErrorOut(ma.Schema):
    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
