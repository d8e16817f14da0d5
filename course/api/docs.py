"""What the OpenAPI document declares beyond what flask-smorest infers from the views: the
error statuses each operation can answer, with the ``Error`` body, and the bounds of the path
parameters. The document is checked against the running API by schemathesis
(tests/api/test_contract.py), so what is declared here is what a script can rely on."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from course.api.core import MAX_URL_LENGTH
from course.api.schemas import IDENT, ErrorSchema

STALE = ("Someone saved it after the version named in If-Match; nothing was changed. GET it for "
         "its current ETag and apply your change to that version.")

DESCRIPTIONS = {
    400: "The body is not valid JSON, or a signed-in session sent no valid X-CSRFToken header.",
    401: "No valid API token (or signed-in session).",
    403: "The account is not a tutor's or an admin's.",
    404: "Your organisation has nothing at this address.",
    409: "The change clashes with stored data; errors names the field.",
    412: STALE,
    413: "The body is larger than the server takes.",
    414: f"The path and query string are longer than {MAX_URL_LENGTH:,} characters.",
    422: "The data sent is not valid; errors names each field at fault and what is wrong with it.",
}
# Every operation needs a token (401), a tutor's or admin's (403), and a URL of bounded length.
EVERY_OPERATION = (401, 403, 414)
# What an operation with a JSON body can answer besides: not JSON or no CSRF token, too large,
# not valid.
WITH_BODY = (400, 413, 422)


def errors(blp: Blueprint, *statuses: int | tuple[int, str]) -> Callable[[Any], Any]:
    """Declare the operation's error responses, each with the ``Error`` body: 401, 403 and 414
    (every operation), and ``statuses``, each a status or (status, description)."""
    declared: dict[int, str] = {status: DESCRIPTIONS[status] for status in EVERY_OPERATION}
    for item in statuses:
        status, description = item if isinstance(item, tuple) else (item, DESCRIPTIONS[item])
        declared[status] = description

    def decorator(view: Any) -> Any:
        for status, description in declared.items():
            view = blp.alt_response(status, schema=ErrorSchema, description=description)(view)
        return view

    return decorator


def _path(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"in": "path", "name": name, "required": True, "description": description, "schema": schema}


def _slug(name: str, of: str) -> dict[str, Any]:
    return _path(name, f"The {of}'s slug.",
                 {"type": "string", "minLength": 1, "maxLength": 100, "pattern": IDENT})


SLUG = _slug("slug", "course")
MODULE_SLUG = _slug("module_slug", "module")
PAGE_SLUG = _slug("page_slug", "page")
CODE = _path("code", "The framework's code, e.g. HSCCLD327.",
             {"type": "string", "minLength": 1, "maxLength": 64})
QUESTION_ID = _path("question_id", "The question's id.",
                    {"type": "string", "minLength": 1, "maxLength": 120, "pattern": IDENT})
USER_ID = _path("user_id", "The learner's user id.",
                {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})
VERSION = _path("version", "The version number.",
                {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})


def document_questions(api: Any) -> None:
    """Add the question JSON (docs/formats.md) to the document, from question_bank's own
    schemas: a component per type (``SingleChoiceQuestion``, ...) and ``Question``, their
    ``oneOf`` by ``type``; a scenario step's question is one of the step types. What JSON Schema
    cannot say (exactly one correct option, known criteria, gaps named in the stem, steps that
    form no cycle) the bank checks, with a 422 naming the field."""
    from question_bank.schemas import (
        CHILD_SCHEMAS,
        TYPE_SCHEMAS,
        ChildQuestionField,
        StrictBool,
        StrictInt,
        StrictNumber,
    )

    from course.questions.service import RESERVED_IDS
    from question_bank.limits import QUESTION_ID_CHARS

    for field, json_type in ((StrictBool, "boolean"), (StrictNumber, "number"), (StrictInt, "integer"),
                             (ChildQuestionField, "object")):
        api.register_field(field, json_type, None)
    components = api.spec.components

    def one_of(schemas: dict[str, Any], suffix: str) -> dict[str, Any]:
        refs = {}
        for type_name, schema in schemas.items():
            name = "".join(part.title() for part in type_name.split("_")) + suffix
            components.schema(name, schema=schema)
            properties = components.schemas[name]["properties"]
            properties["type"] = {"type": "string", "enum": [type_name]}
            properties["id"]["maxLength"] = QUESTION_ID_CHARS
            properties["points"]["exclusiveMinimum"] = True  # apispec leaves out min_inclusive=False
            refs[type_name] = f"#/components/schemas/{name}"
        return {"oneOf": [{"$ref": ref} for ref in refs.values()],
                "discriminator": {"propertyName": "type", "mapping": refs}}

    steps = one_of(CHILD_SCHEMAS, "StepQuestion")
    question = one_of(TYPE_SCHEMAS, "Question")
    for ref in question["discriminator"]["mapping"].values():
        component = components.schemas[ref.rsplit("/", 1)[1]]
        # The server numbers versions: PUT /questions/{id} needs the one edited, the others none.
        component["required"] = [name for name in component["required"] if name != "version"]
        component["properties"]["id"]["not"] = {"enum": sorted(RESERVED_IDS)}
    components.schemas["Step"]["properties"]["question"] = steps
    components.schema("Question", component=question)
    for schema in list(components.schemas.values()):
        _bound_integers(schema)


def _bound_integers(schema: Any) -> None:
    """Give every integer without bounds the range the app's JSON reader takes (question_bank.
    safe_json refuses larger ones with 400), so the document promises nothing it refuses."""
    from question_bank.limits import JSON_MAX_INTEGER

    if isinstance(schema, dict):
        if schema.get("type") == "integer":
            schema.setdefault("maximum", JSON_MAX_INTEGER)
            schema.setdefault("minimum", -JSON_MAX_INTEGER)
        for value in schema.values():
            _bound_integers(value)
    elif isinstance(schema, list):
        for value in schema:
            _bound_integers(value)
