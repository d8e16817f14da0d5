"""The API matches its OpenAPI document: schemathesis generates requests from /api/v1/openapi.json
(valid and invalid ones, undeclared methods, missing headers) and checks every answer against
the document: status code declared, content type, body schema, headers, valid data accepted and
invalid data refused.

It runs in-process (WSGI, no server), with a fixed seed and a bounded number of examples per
operation, as a tutor of Org A with a bearer token; each operation gets a fresh database holding
framework TESTFW and Org A's course c1 (module m1, page p1, a quiz) and question q1, and about
half of the generated path parameters and references name them, so that answers other than 404
are checked too. A failure prints schemathesis's report with the request as a curl command.

Hypothesis also draws, now and then, constants it finds in the project's loaded modules, so the
file run alone may try other examples than the whole suite does (each run is repeatable).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from course import create_app
from tests.api.conftest import token_for

SEED = 20261123
EXAMPLES_PER_OPERATION = 25


class CurrentApp:
    """The WSGI app schemathesis calls: the app of the running test (each operation's test gets
    its own, on a fresh database), else the app that served the document at collection.

    (The schema is loaded at import rather than from a fixture because schemathesis's
    ``from_fixture`` loader does not run on pytest 9.2.)"""

    def __init__(self, app: Flask) -> None:
        self.default = self.app = app

    def __call__(self, environ: dict, start_response: Any) -> Any:
        return self.app(environ, start_response)


KNOWN = {  # what the fixture stores, so generated requests reach past "not found"
    "slug": ["c1"], "module_slug": ["m1"], "page_slug": ["p1"], "question_id": ["q1"],
    "code": ["TESTFW"], "version": [1],
}
CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    # NUL is refused in all text (PostgreSQL cannot store it), as the document's description says;
    # test_api.py checks that refusal.
    "generation": {"max-examples": EXAMPLES_PER_OPERATION, "database": "none", "allow-x00": False},
    "dictionaries": {name: {"values": values} for name, values in {
        **KNOWN,
        "frameworks": ["TESTFW"],
        "outcomes": ["TESTFW/K.1", "TESTFW/P.1"],
        "criteria": ["TESTFW/K1", "TESTFW/P1"],
    }.items()},
    "operations": [{
        # The question JSON is nine types deep: the coverage phase's boundary values for every
        # property of every type come to some 2,700 requests (15-20 s). POST /questions has them;
        # the two PUTs, which take the same body to the same checks, get more generated examples
        # (valid and invalid) in their place.
        "include-path-regex": "^/api/v1/questions/", "include-method": "PUT",
        "phases": {"coverage": {"enabled": False}},
        "generation": {"max-examples": 4 * EXAMPLES_PER_OPERATION},
    }],
    "parameters": {
        **{f"path.{name}": {"dictionary": name, "probability": 0.5} for name in KNOWN},
        "body.frameworks[*]": {"dictionary": "frameworks", "probability": 0.7},
        "body.outcomes[*]": {"dictionary": "outcomes", "probability": 0.7},
        "body.workplace[*]": {"dictionary": "criteria", "probability": 0.7},
        "body.criteria[*]": {"dictionary": "criteria", "probability": 0.7},
    },
})
# The document needs no database: an in-memory SQLite one that is never created will do.
TARGET = CurrentApp(create_app({"TESTING": True, "SECRET_KEY": "contract", "SQLALCHEMY_DATABASE_URI": "sqlite://"}))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", TARGET, config=CONFIG)

# A body field whose rule the document states in words but JSON Schema cannot express, because it
# names stored data (a framework, an outcome or criterion of the course's frameworks, a question
# in the bank, the question's own id and type) or ties fields together (one correct option, gaps
# named in the stem, steps without cycles: docs/formats.md). A schema-valid request may be
# refused with 422 for these fields only, and the 422 must name them.
QUESTION_RULES = ("criteria", "options", "premises", "responses", "items", "gaps", "stem", "answers",
                  "min_words", "steps", "wildcard")
BEYOND_SCHEMA: dict[str, tuple[str, ...]] = {
    "POST /api/v1/courses": ("frameworks",),
    "POST /api/v1/courses/{slug}/modules": ("outcomes", "workplace"),
    "PATCH /api/v1/courses/{slug}/modules/{module_slug}": ("outcomes", "workplace"),
    "PUT /api/v1/courses/{slug}/modules/{module_slug}/quiz": ("items",),
    "POST /api/v1/questions": QUESTION_RULES,
    "PUT /api/v1/questions/{question_id}": (*QUESTION_RULES, "id", "type"),
    "PUT /api/v1/questions/{question_id}/versions/{version}": (*QUESTION_RULES, "id", "type"),
}


def schema_valid_data_is_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's positive_data_acceptance, which also lets through 412 for a well-formed but
    stale If-Match, and 422 that names only fields in ``BEYOND_SCHEMA``."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == 412 and case.headers and "If-Match" in case.headers:
            return None
        if response.status_code == 422:
            blamed = set(json.loads(response.content)["errors"])
            allowed = BEYOND_SCHEMA.get(case.operation.label, ())
            if blamed and all(field.split(".")[0] in allowed for field in blamed):
                return None
        raise


def pagination_header_matches_the_document(ctx: Any, response: Any, case: Any) -> bool | None:
    """X-Pagination, declared as JSON content (which schemathesis does not check), is JSON that
    matches the document's PaginationMetadata schema."""
    values = response.headers.get("x-pagination")
    if not values:
        return None
    document = case.operation.schema.raw_schema
    metadata = document["components"]["schemas"]["PaginationMetadata"]
    errors = [e.message for e in jsonschema_rs.Draft4Validator(metadata).iter_errors(json.loads(values[0]))]
    assert not errors, f"X-Pagination {values[0]!r} does not match PaginationMetadata: {errors}"
    return None


@pytest.fixture
def tutor_token(app: Flask, org_a: Any, create_user: Any, create_framework: Any) -> Iterator[dict[str, str]]:
    """Org A's data, a tutor's bearer token header, and ``app`` as the app schemathesis calls."""
    create_framework("QCF-RELNET", outcomes=[{  # the criterion of the document's question example
        "code": "1", "title": "Understand factors affecting relationships", "kind": "knowledge",
        "criteria": [{"code": "1.2", "kind": "knowledge", "text": "explain the law", "workplace": False}]}])
    tutor = create_user("tutor", org_a.id)
    TARGET.app = app
    yield {"Authorization": f"Bearer {token_for(app, tutor)}"}
    TARGET.app = TARGET.default


@schema.parametrize()
# The app fixture is shared by one operation's examples on purpose: they act as one script would.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_matches_its_openapi_document(case: Any, tutor_token: dict[str, str]) -> None:
    case.call_and_validate(headers=tutor_token,
                           excluded_checks=[positive_data_acceptance],
                           additional_checks=[schema_valid_data_is_accepted,
                                              pagination_header_matches_the_document])
