"""marshmallow schemas for the question JSON (docs/formats.md "Question").

One schema per type, chosen by `type`; unknown keys are refused; errors are marshmallow
`ValidationError`s whose `messages` nest by field path (see `error_paths` for a flat list).
marshmallow stays at this boundary: marking runs on the compiled form built by `load_question`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from . import limits
from .limits import longer_than, too_many
from .model import Question
from .types import REGISTRY, compile_question

__all__ = [
    "IDENT",
    "MaxChars",
    "MaxItems",
    "REFERENCE",
    "QuestionSchema",
    "TYPE_SCHEMAS",
    "CHILD_SCHEMAS",
    "ValidationError",
    "dump_question",
    "error_paths",
    "load_question",
]

IDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
GAP = re.compile(r"\{\{([^{}]*)\}\}")
BRANCHING = {"single_choice", "true_false"}


class StrictBool(fields.Field):
    """JSON true/false only (marshmallow's Boolean also takes "yes", 1, ...)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a boolean (true or false).")
        return value


class StrictNumber(fields.Field):
    """A finite JSON number, never a string or a boolean; loaded as float."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Not a number.")
        if not math.isfinite(value):
            raise ValidationError("Not a finite number.")
        return float(value)


class StrictInt(fields.Field):
    """A JSON integer, never a float, string or boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Not an integer.")
        return value


def MaxChars(limit: int) -> validate.Length:
    """A text of at most ``limit`` characters; else "longer than 5,000 characters"."""
    return validate.Length(max=limit, error=longer_than(limit))


def MaxItems(limit: int, noun: str) -> Any:
    """A list of at most ``limit`` entries; else "600 items, at most 500"."""

    def check(value: Any) -> None:
        if len(value) > limit:
            raise ValidationError(too_many(len(value), limit, noun))

    return check


def Text(limit: int, *more: Any, **kwargs) -> fields.String:
    """A string of at most ``limit`` characters (question_bank.limits), with ``more`` validators."""
    return fields.String(validate=[MaxChars(limit), *more], **kwargs)


def Ident(limit: int = limits.PART_ID_CHARS, **kwargs) -> fields.String:
    """An identifier: letters, digits, `_ . -`, no spaces (it becomes a SCORM identifier)."""
    not_ident = validate.Regexp(IDENT, error="Not a valid identifier: {input!r}.")
    return fields.String(validate=[MaxChars(limit), not_ident], **kwargs)


def _unique(items: list[dict], key: str, field: str) -> None:
    seen = set()
    for index, item in enumerate(items):
        if item[key] in seen:
            raise ValidationError({field: {index: {key: [f"Duplicate {key} {item[key]!r}."]}}})
        seen.add(item[key])


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class OptionSchema(_Strict):
    id = Ident(required=True)
    text = Text(limits.CHOICE_TEXT_CHARS, required=True)
    correct = StrictBool(required=True)
    feedback = Text(limits.QUESTION_TEXT_CHARS, load_default="")


class PremiseSchema(_Strict):
    id = Ident(required=True)
    text = Text(limits.CHOICE_TEXT_CHARS, required=True)
    match = Ident(required=True)


class ItemSchema(_Strict):
    id = Ident(required=True)
    text = Text(limits.CHOICE_TEXT_CHARS, required=True)


Credit = lambda: StrictNumber(load_default=1.0, validate=validate.Range(0, 1))  # noqa: E731


class GapAnswerSchema(_Strict):
    text = Text(limits.CHOICE_TEXT_CHARS, validate.Length(min=1), required=True)
    credit = Credit()
    feedback = Text(limits.QUESTION_TEXT_CHARS, load_default="")


class GapSchema(_Strict):
    id = Ident(required=True)
    answers = fields.List(fields.Nested(GapAnswerSchema), required=True,
                          validate=validate.Length(min=1))
    options = fields.List(Text(limits.CHOICE_TEXT_CHARS, validate.Length(min=1)), load_default=None,
                          allow_none=True)
    case_sensitive = StrictBool(load_default=False)
    wildcard = StrictBool(load_default=False)

    @validates_schema
    def _check(self, data, **kwargs):
        if not any(a["credit"] == 1.0 for a in data["answers"]):
            raise ValidationError("At least one answer must have credit 1.", "answers")
        options = data["options"]
        if options is not None:
            if len(options) < 2 or len(set(options)) != len(options):
                raise ValidationError("A dropdown needs two or more distinct options.", "options")
            for index, answer in enumerate(data["answers"]):
                if answer["text"] not in options:
                    raise ValidationError({"answers": {index: {"text": [
                        f"{answer['text']!r} is not one of the dropdown options."]}}})
            if data["wildcard"]:
                raise ValidationError("A dropdown gap cannot use wildcards.", "wildcard")


class NumericAnswerSchema(_Strict):
    value = StrictNumber(required=True)
    tolerance = StrictNumber(load_default=0.0, validate=validate.Range(min=0))
    credit = Credit()
    feedback = Text(limits.QUESTION_TEXT_CHARS, load_default="")


# --- type-specific keys, shared by top-level questions and scenario children -----------------

class SingleChoiceBody(Schema):
    options = fields.List(fields.Nested(OptionSchema), required=True,
                          validate=validate.Length(min=2))
    shuffle = StrictBool(load_default=False)

    @validates_schema
    def _check(self, data, **kwargs):
        _unique(data["options"], "id", "options")
        if sum(1 for o in data["options"] if o["correct"]) != 1:
            raise ValidationError("Exactly one option must be correct.", "options")


class MultipleResponseBody(Schema):
    options = fields.List(fields.Nested(OptionSchema), required=True,
                          validate=validate.Length(min=2))
    shuffle = StrictBool(load_default=False)
    all_or_nothing = StrictBool(load_default=False)

    @validates_schema
    def _check(self, data, **kwargs):
        _unique(data["options"], "id", "options")
        if not any(o["correct"] for o in data["options"]):
            raise ValidationError("At least one option must be correct.", "options")


class TrueFalseBody(Schema):
    answer = StrictBool(required=True)
    feedback_true = Text(limits.QUESTION_TEXT_CHARS, load_default="")
    feedback_false = Text(limits.QUESTION_TEXT_CHARS, load_default="")


class MatchingBody(Schema):
    premises = fields.List(fields.Nested(PremiseSchema), required=True,
                           validate=validate.Length(min=1))
    responses = fields.List(fields.Nested(ItemSchema), required=True,
                            validate=validate.Length(min=1))
    shuffle = StrictBool(load_default=False)

    @validates_schema
    def _check(self, data, **kwargs):
        _unique(data["premises"], "id", "premises")
        _unique(data["responses"], "id", "responses")
        known = {r["id"] for r in data["responses"]}
        for index, premise in enumerate(data["premises"]):
            if premise["match"] not in known:
                raise ValidationError({"premises": {index: {"match": [
                    f"Unknown response {premise['match']!r}."]}}})


class OrderingBody(Schema):
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(min=2))
    # Ordering items are always shown shuffled; the key is kept for the formats that carry it.
    shuffle = StrictBool(load_default=True)

    @validates_schema
    def _check(self, data, **kwargs):
        _unique(data["items"], "id", "items")


class ShortAnswerBody(Schema):
    gaps = fields.List(fields.Nested(GapSchema), required=True, validate=validate.Length(min=1))

    @validates_schema
    def _check(self, data, **kwargs):
        _unique(data["gaps"], "id", "gaps")
        in_stem = GAP.findall(data.get("stem", ""))
        ids = [gap["id"] for gap in data["gaps"]]
        for name in in_stem:
            if name not in ids:
                raise ValidationError(f"The stem has a gap {{{{{name}}}}} with no entry in gaps.",
                                      "stem")
            if in_stem.count(name) > 1:
                raise ValidationError(f"The stem has gap {{{{{name}}}}} more than once.", "stem")
        for index, gap_id in enumerate(ids):
            if gap_id not in in_stem:
                raise ValidationError({"gaps": {index: {"id": [
                    f"Gap {gap_id!r} does not appear in the stem as {{{{{gap_id}}}}}."]}}})


class NumericBody(Schema):
    answers = fields.List(fields.Nested(NumericAnswerSchema), required=True,
                          validate=validate.Length(min=1))
    unit = Text(limits.UNIT_CHARS, load_default=None, allow_none=True)

    @validates_schema
    def _check(self, data, **kwargs):
        if not any(a["credit"] == 1.0 for a in data["answers"]):
            raise ValidationError("At least one answer must have credit 1.", "answers")


class EssayBody(Schema):
    word_limit = StrictInt(load_default=None, allow_none=True, validate=validate.Range(min=1))
    min_words = StrictInt(load_default=0, validate=validate.Range(min=0))
    marker_guidance = Text(limits.QUESTION_TEXT_CHARS, load_default="")

    @validates_schema
    def _check(self, data, **kwargs):
        if data["word_limit"] is not None and data["min_words"] > data["word_limit"]:
            raise ValidationError("min_words is above word_limit.", "min_words")


class CaseSchema(_Strict):
    person = Text(limits.QUESTION_TEXT_CHARS, required=True)
    setting = Text(limits.QUESTION_TEXT_CHARS, required=True)
    situation = Text(limits.QUESTION_TEXT_CHARS, required=True)


class ChildQuestionField(fields.Field):
    """A scenario step's question: any type but scenario, dispatched on its `type`."""

    def _deserialize(self, value, attr, data, **kwargs):
        return _ordered(_load_dict(value, CHILD_SCHEMAS, child=True))


class StepSchema(_Strict):
    id = Ident(required=True)
    question = ChildQuestionField(required=True)
    branches = fields.Dict(keys=Text(limits.PART_ID_CHARS), values=Ident(), load_default=dict)
    next = Ident(load_default=None, allow_none=True)


class ScenarioBody(Schema):
    case = fields.Nested(CaseSchema, required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True, validate=validate.Length(min=1))

    @validates_schema
    def _check(self, data, **kwargs):
        steps = data["steps"]
        _unique(steps, "id", "steps")
        child_ids: set[str] = set()
        ids = [step["id"] for step in steps]
        if "end" in ids:
            raise ValidationError({"steps": {ids.index("end"): {"id": ["'end' is reserved."]}}})
        successors: dict[str, list[str]] = {}
        for index, step in enumerate(steps):
            child = step["question"]
            def fail(field, message, index=index):
                raise ValidationError({"steps": {index: {field: [message]}}})

            if child["id"] in child_ids:
                fail("question", f"Duplicate child question id {child['id']!r}.")
            child_ids.add(child["id"])
            branches = step["branches"]
            if branches and child["type"] not in BRANCHING:
                fail("branches", f"A step of type {child['type']} cannot branch.")
            if child["type"] == "single_choice":
                keys = {o["id"] for o in child["options"]}
            else:
                keys = {"true", "false"}
            for key, target in branches.items():
                if key not in keys:
                    fail("branches", f"Unknown option {key!r}.")
                if target != "end" and target not in ids:
                    fail("branches", f"Unknown step {target!r}.")
            if step["next"] is not None and step["next"] != "end" and step["next"] not in ids:
                fail("next", f"Unknown step {step['next']!r}.")
            default = step["next"] or (ids[index + 1] if index + 1 < len(ids) else "end")
            successors[step["id"]] = [t for t in [*branches.values(), default] if t != "end"]
        # Every step reachable from the first; no path may come back to a step (no cycles).
        state: dict[str, int] = {}

        def visit(step_id: str, trail: list[str]) -> None:
            state[step_id] = 1
            for target in successors[step_id]:
                if state.get(target) == 1:
                    here = trail + [step_id]
                    loop = " -> ".join(here[here.index(target):] + [target])
                    raise ValidationError(f"The steps form a cycle: {loop}.", "steps")
                if target not in state:
                    visit(target, trail + [step_id])
            state[step_id] = 2

        visit(ids[0], [])
        for index, step_id in enumerate(ids):
            if step_id not in state:
                raise ValidationError({"steps": {index: {"id": [
                    f"Step {step_id!r} cannot be reached from the first step."]}}})


BODIES: dict[str, type[Schema]] = {
    "single_choice": SingleChoiceBody,
    "multiple_response": MultipleResponseBody,
    "true_false": TrueFalseBody,
    "matching": MatchingBody,
    "ordering": OrderingBody,
    "short_answer": ShortAnswerBody,
    "numeric": NumericBody,
    "essay": EssayBody,
    "scenario": ScenarioBody,
}
if set(BODIES) != set(REGISTRY):  # a type without a schema (or the reverse) is a start-up error
    raise RuntimeError(f"schemas and types disagree: {sorted(set(BODIES) ^ set(REGISTRY))}")


class CommonSchema(_Strict):
    """Keys every question version has."""

    id = Ident(limits.QUESTION_ID_CHARS, required=True)
    version = StrictInt(required=True, validate=validate.Range(min=1))
    type = fields.String(required=True)
    title = Text(limits.QUESTION_TITLE_CHARS, validate.Length(min=1), required=True)
    stem = Text(limits.STEM_CHARS, required=True)
    stem_format = fields.String(load_default="markdown",
                                validate=validate.OneOf(["markdown", "html"]))
    points = StrictNumber(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    general_feedback = Text(limits.QUESTION_TEXT_CHARS, load_default="")
    criteria = fields.List(Text(limits.REFERENCE_CHARS, validate.Regexp(
        REFERENCE, error="Not a FRAMEWORK/CODE reference: {input!r}.")),
        required=True, validate=validate.Length(
            min=1, error="A question evidences at least one criterion: give one FRAMEWORK/CODE reference."))
    difficulty = fields.String(load_default="medium",
                               validate=validate.OneOf(["easy", "medium", "hard"]))
    tags = fields.List(Text(limits.TAG_CHARS, validate.Length(min=1)), load_default=list)

    @validates_schema
    def _check_common(self, data, **kwargs):
        if "criteria" in data and data["criteria"] is not None:
            if len(set(data["criteria"])) != len(data["criteria"]):
                raise ValidationError("Duplicate criterion reference.", "criteria")


class ChildCommonSchema(_Strict):
    """Keys of a scenario step's question: no version; criteria and difficulty inherited."""

    id = Ident(limits.QUESTION_ID_CHARS, required=True)
    type = fields.String(required=True)
    title = Text(limits.QUESTION_TITLE_CHARS, load_default="")
    stem = Text(limits.STEM_CHARS, required=True)
    stem_format = fields.String(load_default="markdown",
                                validate=validate.OneOf(["markdown", "html"]))
    points = StrictNumber(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    general_feedback = Text(limits.QUESTION_TEXT_CHARS, load_default="")
    # None: the scenario's criteria (filled in when the scenario loads).
    criteria = fields.List(Text(limits.REFERENCE_CHARS, validate.Regexp(
        REFERENCE, error="Not a FRAMEWORK/CODE reference: {input!r}.")),
        load_default=None, validate=validate.Length(min=1))
    difficulty = fields.String(load_default=None,
                               validate=validate.OneOf(["easy", "medium", "hard"]))
    tags = fields.List(Text(limits.TAG_CHARS, validate.Length(min=1)), load_default=list)


TYPE_SCHEMAS: dict[str, type[Schema]] = {
    name: type(f"{body.__name__[:-4]}Schema", (CommonSchema, body), {})
    for name, body in BODIES.items()
}
CHILD_SCHEMAS: dict[str, type[Schema]] = {
    name: type(f"{body.__name__[:-4]}ChildSchema", (ChildCommonSchema, body), {})
    for name, body in BODIES.items() if name != "scenario"
}
_INSTANCES: dict[int, Schema] = {}


def _load_dict(value: Any, schemas: dict[str, type[Schema]], child: bool = False) -> dict:
    if not isinstance(value, dict):
        raise ValidationError({"_schema": ["Invalid input type: expected an object."]})
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in schemas:  # a list or object cannot be looked up
        if "type" not in value:
            message = "Missing data for required field."
        elif child and kind == "scenario":
            message = "A scenario step cannot be a scenario."
        else:
            message = f"Unknown question type {kind!r}; expected one of {', '.join(schemas)}."
        raise ValidationError({"type": [message]})
    _check_counts(value)
    cls = schemas[kind]
    schema = _INSTANCES.get(id(cls))
    if schema is None:
        schema = _INSTANCES[id(cls)] = cls()
    return schema.load(value)


# How many entries each list of a question may hold (question_bank.limits), and their names.
LIST_LIMITS: dict[str, tuple[int, str]] = {
    "options": (limits.CHOICES_PER_QUESTION, "options"),
    "premises": (limits.CHOICES_PER_QUESTION, "premises"),
    "responses": (limits.CHOICES_PER_QUESTION, "responses"),
    "items": (limits.CHOICES_PER_QUESTION, "items"),
    "answers": (limits.CHOICES_PER_QUESTION, "answers"),
    "gaps": (limits.GAPS_PER_QUESTION, "gaps"),
    "steps": (limits.STEPS_PER_SCENARIO, "steps"),
    "criteria": (limits.REFERENCES_PER_LIST, "criteria"),
    "tags": (limits.TAGS_PER_QUESTION, "tags"),
}


def _check_counts(question: dict) -> None:
    """Refuse over-long lists before marshmallow reads their entries (ValidationError by path).

    A scenario step's question is checked when it loads; a gap's answers and choices here.
    """
    errors: dict[Any, Any] = {}
    for key, (limit, noun) in LIST_LIMITS.items():
        value = question.get(key)
        if isinstance(value, list) and len(value) > limit:
            errors[key] = [too_many(len(value), limit, noun)]
    gaps = question.get("gaps")
    if "gaps" not in errors and isinstance(gaps, list):
        for index, gap in enumerate(gaps):
            for key in ("answers", "options"):
                value = gap.get(key) if isinstance(gap, dict) else None
                if isinstance(value, list) and len(value) > limits.CHOICES_PER_QUESTION:
                    message = too_many(len(value), limits.CHOICES_PER_QUESTION, key)
                    errors.setdefault("gaps", {}).setdefault(index, {})[key] = [message]
    if errors:
        raise ValidationError(errors)


class QuestionSchema(Schema):
    """The question JSON, any type: `load` dispatches on `type` to TYPE_SCHEMAS."""

    class Meta:
        unknown = RAISE

    def load(self, data, *, many=None, partial=None, unknown=None):  # noqa: D401
        """Validate one question (or a list with many=True) into canonical dicts."""
        many = self.many if many is None else many
        if many:
            if not isinstance(data, list):
                raise ValidationError({"_schema": ["Invalid input type: expected a list."]})
            errors, out = {}, []
            for index, item in enumerate(data):
                try:
                    out.append(_canonical(item))
                except ValidationError as error:
                    errors[index] = error.messages
            if errors:
                raise ValidationError(errors)
            return out
        return _canonical(data)

    def validate(self, data, *, many=None, partial=None) -> dict:
        """The error messages (nested by field path) that `load` would raise; {} when valid."""
        try:
            self.load(data, many=many)
        except ValidationError as error:
            return error.messages
        return {}

    def dump(self, obj, *, many=None):
        """Canonical dicts from Question objects (or canonical dicts)."""
        many = self.many if many is None else many
        if many:
            return [dump_question(q) for q in obj]
        return dump_question(obj)


_COMMON_ORDER = ("id", "version", "type", "title", "stem", "stem_format", "points",
                 "general_feedback", "criteria", "difficulty", "tags")


def _ordered(loaded: dict) -> dict:
    """Common keys first, in the order docs/formats.md lists them, then the type's keys."""
    out = {key: loaded[key] for key in _COMMON_ORDER if key in loaded}
    out.update((key, value) for key, value in loaded.items() if key not in out)
    return out


def _canonical(data: Any) -> dict:
    loaded = _ordered(_load_dict(data, TYPE_SCHEMAS))
    if loaded["type"] == "scenario":
        for step in loaded["steps"]:
            child = step["question"]
            if child["criteria"] is None:
                child["criteria"] = list(loaded["criteria"])
            if child["difficulty"] is None:
                child["difficulty"] = loaded["difficulty"]
    return loaded


# Stands in for the missing reference while an unmapped question is checked; never stored.
_UNMAPPED_PLACEHOLDER = "UNMAPPED/NONE"


def _without_placeholder(canonical: dict) -> dict:
    canonical["criteria"] = []
    for step in canonical.get("steps") or []:
        child = step["question"]
        own = [ref for ref in child["criteria"] if ref != _UNMAPPED_PLACEHOLDER]
        # a step that would inherit the scenario's criteria still does, once the scenario has some
        child["criteria"] = own or None
    return canonical


def load_question(data: dict, *, unmapped: bool = False) -> Question:
    """Validate question JSON and compile it for marking; raises ValidationError.

    Every question evidences at least one criterion, except that with ``unmapped=True`` a question
    whose ``criteria`` is empty (or absent) is accepted, checked in every other respect, with
    ``criteria: []``: an imported question waiting in the bank for a tutor to map it. Such a
    question can be previewed and exported, but a quiz does not take it until it is mapped.
    """
    if unmapped and isinstance(data, dict) and not data.get("criteria"):
        canonical = _without_placeholder(_canonical(dict(data, criteria=[_UNMAPPED_PLACEHOLDER])))
        return Question(canonical, compile_question(canonical))
    canonical = _canonical(data)
    return Question(canonical, compile_question(canonical))


def dump_question(question: Question | dict, *, unmapped: bool = False) -> dict:
    """The canonical JSON form of a question (a fresh copy); ``unmapped`` as for load_question."""
    if isinstance(question, Question):
        return question.to_dict()
    return load_question(question, unmapped=unmapped).to_dict()


def error_paths(error: ValidationError) -> list[tuple[str, str]]:
    """Flatten nested messages into ("steps.1.question.options", "message") pairs."""
    out: list[tuple[str, str]] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + [str(key)])
        elif isinstance(node, list):
            for value in node:
                walk(value, path)
        else:
            out.append((".".join(path), str(node)))

    walk(error.messages, [])
    return out
