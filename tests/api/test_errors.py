"""The API's contract, one class of answer at a time: the error body on every status (also for
errors raised before any view runs: unknown path, unknown method, overlong URL), X-Pagination as
the document declares it, every operation's declared statuses, and invalid input refused with
422 naming the field where the document says it is invalid. tests/api/test_contract.py checks
the same against generated requests."""
from __future__ import annotations

import json
from typing import Any

import jsonschema_rs  # comes with schemathesis; the validator it checks responses with
import pytest
from sqlalchemy import select

from course.extensions import db
from tests.api.conftest import token_for
from tests.questions.conftest import sc_question

ERROR_KEYS = {"code", "status", "message", "errors", "error"}


def document(client: Any) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def validator(doc: dict, component: str) -> Any:
    """A JSON Schema validator for ``#/components/schemas/<component>`` of the document (OpenAPI
    3.0's schemas are JSON Schema draft 4's, with its boolean exclusiveMinimum)."""
    return jsonschema_rs.Draft4Validator({"$ref": f"#/components/schemas/{component}",
                                          "components": doc["components"]})


def assert_api_error(client: Any, response: Any, status: int, message: str, errors: dict | None = None) -> dict:
    """``response`` is exactly the documented Error body for ``status``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert validator(document(client), "Error").is_valid(body), body
    status_names = {400: ("Bad Request", "bad_request"), 401: ("Unauthorized", "unauthorized"),
                    403: ("Forbidden", "forbidden"), 404: ("Not Found", "not_found"),
                    405: ("Method Not Allowed", "method_not_allowed"), 409: ("Conflict", "conflict"),
                    412: ("Precondition Failed", "precondition_failed"),
                    414: ("Request URI Too Long", "request_uri_too_long"),
                    422: ("Unprocessable Entity", "unprocessable_entity")}
    assert (body["code"], body["status"], body["error"]) == (status, *status_names[status])
    assert body["message"] == message
    assert body["errors"] == (errors or {})
    return body


# --------------------------------------------------------------------------- error bodies


def test_every_status_answers_the_documented_error_body(app, client, api_tutor, create_user):
    assert_api_error(client, client.post("/api/v1/courses", data='{"title":', content_type="application/json"),
                     400, "The JSON body was refused: not JSON: Expecting value (line 1, column 10)")  # names where
    assert_api_error(client, app.test_client().get("/api/v1/courses"), 401,
                     "Sign in, or send an API token as 'Authorization: Bearer <token>'.")
    learner = token_for(app, create_user("learner", org="Org A"))
    assert_api_error(client, client.get("/api/v1/courses", headers={"Authorization": f"Bearer {learner}"}),
                     403, "Your account does not have access to this API.")
    assert_api_error(client, client.get("/api/v1/courses/nope"), 404, "Your organisation has no course 'nope'.")
    assert_api_error(client, client.post("/api/v1/courses", json={"title": "C", "slug": "c1", "frameworks": ["TESTFW"]}),
                     409, "Your organisation already has a course with the slug 'c1'.",
                     {"slug": ["Your organisation already has a course with the slug 'c1'."]})
    assert_api_error(client, client.patch("/api/v1/courses/c1", json={"title": "T"},
                                          headers={"If-Match": '"2000-01-01T00:00:00.000000Z"'}),
                     412, "The course has changed since the version you edited; nothing was saved.",
                     {"If-Match": ["Someone saved the course after this version. GET it for its current "
                                   "ETag and apply your change to that."]})
    assert_api_error(client, client.get("/api/v1/questions?page_size=101"), 422, "The data sent is not valid.",
                     {"page_size": ["Must be greater than or equal to 1 and less than or equal to 100."]})


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1", "/api/v1/courses/c1/nope", "/api/v1/courses/"])
def test_an_unknown_api_path_is_the_api_404(client, api_tutor, path):
    for method in ("GET", "POST", "DELETE"):
        assert_api_error(client, client.open(path, method=method, json={}), 404,
                         "There is no API endpoint at this address; /api/v1/openapi.json lists them.")


@pytest.mark.parametrize("method,path,allow", [
    ("TRACE", "/api/v1/frameworks/TESTFW", "GET, HEAD, OPTIONS"),
    ("DELETE", "/api/v1/frameworks", "GET, HEAD, OPTIONS"),
    ("POST", "/api/v1/courses/c1", "DELETE, GET, HEAD, OPTIONS, PATCH"),
    ("PATCH", "/api/v1/courses/c1/modules/m1/quiz", "DELETE, GET, HEAD, OPTIONS, PUT"),
    ("TRACE", "/api/v1/openapi.json", "GET, HEAD, OPTIONS"),
])
def test_an_unsupported_method_is_405_with_allow(client, api_tutor, method, path, allow):
    response = client.open(path, method=method)
    assert_api_error(client, response, 405, f"{method} is not allowed at this address; it takes {allow}.")
    assert response.headers["Allow"] == allow


def test_405_comes_before_the_csrf_check_of_a_signed_in_session(csrf_app, create_framework, create_user):
    client = csrf_app.test_client()
    user = create_user("tutor", org="Org T")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    response = client.delete("/api/v1/frameworks")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert set(response.get_json()) == ERROR_KEYS
    assert client.post("/api/v1/nothing-here").get_json()["code"] == 404


def test_an_overlong_url_is_the_api_414_and_the_longest_valid_one_is_not(client, api_tutor):
    longest = "é" * 200  # q, tag and criterion at their maximum, percent-encoded
    url = f"/api/v1/questions?type={'t' * 40}&q={longest}&tag={longest}&criterion={longest}&page=1&page_size=100"
    assert client.get(url).status_code == 200
    response = client.get("/api/v1/questions?q=" + "x" * 8200)
    assert_api_error(client, response, 414, "The URL is too long: the API takes at most 8,192 characters of "
                                            "path and query string.")
    assert_api_error(client, client.get("/api/v1/courses/" + "c" * 8200), 414,
                     "The URL is too long: the API takes at most 8,192 characters of path and query string.")


def test_the_app_outside_the_api_keeps_its_own_errors(client, api_tutor):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    other_api = client.get("/api/v2/nothing")
    assert other_api.status_code == 404 and set(other_api.get_json()) == {"error", "code", "message"}


# --------------------------------------------------------------------------- the document


def test_every_operation_declares_its_error_statuses_with_the_error_body(client):
    doc = document(client)
    declared = {}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method == "parameters" or path == "/api/v1/openapi.json":
                continue
            responses = operation["responses"]
            assert "default" not in responses, (method, path)
            declared[f"{method.upper()} {path}"] = sorted(int(s) for s in responses)
            for status, response in responses.items():
                if int(status) >= 400:
                    response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]] \
                        if "$ref" in response else response
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert declared["GET /api/v1/courses"] == [200, 401, 403, 414, 422]
    assert declared["POST /api/v1/courses"] == [201, 400, 401, 403, 404, 409, 413, 414, 422]
    assert declared["PATCH /api/v1/courses/{slug}"] == [200, 400, 401, 403, 404, 409, 412, 413, 414, 422]
    assert declared["DELETE /api/v1/courses/{slug}/modules/{module_slug}"] == [204, 400, 401, 403, 404, 409, 414]
    assert declared["GET /api/v1/questions/{question_id}/versions/{version}"] == [200, 401, 403, 404, 414]
    assert doc["components"]["schemas"]["Error"]["required"] == sorted(ERROR_KEYS)
    assert doc["components"]["schemas"]["Error"]["additionalProperties"] is False


def test_x_pagination_is_json_as_the_document_declares(client, api_tutor):
    for n in range(2, 6):
        assert client.post("/api/v1/questions", json=sc_question(f"q{n}")).status_code == 201
    doc = document(client)
    header = doc["components"]["headers"]["PAGINATION"]
    assert "schema" not in header
    assert header["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}}
    assert doc["paths"]["/api/v1/questions"]["get"]["responses"]["200"]["headers"] == {
        "X-Pagination": {"$ref": "#/components/headers/PAGINATION"}}
    response = client.get("/api/v1/questions?page=2&page_size=2")
    metadata = json.loads(response.headers["X-Pagination"])
    assert metadata == {"total": 5, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2,
                        "previous_page": 1, "next_page": 3}
    assert validator(doc, "PaginationMetadata").is_valid(metadata)


# --------------------------------------------------------------------------- invalid input


@pytest.mark.parametrize("body,errors", [
    ({"title": " \t ", "frameworks": ["TESTFW"]}, {"title": ["Enter a title (not only spaces)."]}),
    ({"title": "Care", "frameworks": ["TESTFW"], "language": "English"},
     {"language": ["Not a language tag (e.g. en-GB)."]}),
    ({"title": "Care", "frameworks": ["TESTFW"], "language": "00"}, {"language": ["Not a language tag (e.g. en-GB)."]}),
])
def test_what_the_document_forbids_is_refused_with_422_naming_the_field(app, client, api_tutor, body, errors):
    assert not validator(document(client), "CourseCreate").is_valid(body)
    assert_api_error(client, client.post("/api/v1/courses", json=body), 422, "The data sent is not valid.", errors)
    from course.authoring.models import Course

    with app.app_context():
        assert db.session.scalars(select(Course.slug)).all() == ["c1"]


@pytest.mark.parametrize("version", [0, 2**31, 2**63])
def test_a_quiz_item_version_out_of_range_is_refused_naming_it(app, client, api_tutor, version):
    items = [{"question": "q1", "version": version}]
    assert not validator(document(client), "QuizIn").is_valid({"items": items})
    assert_api_error(client, client.put("/api/v1/courses/c1/modules/m1/quiz", json={"items": items}), 422,
                     "The data sent is not valid.",
                     {"items.0.version": ["a version is a whole number from 1 to 2147483647"]})
    assert client.get("/api/v1/courses/c1/modules/m1/quiz").get_json()["items"] == [{"question": "q1", "version": 1}]


@pytest.mark.parametrize("item,errors", [
    ({"question": "q1"}, {"items.0.version": ["a version is a whole number from 1 to 2147483647"]}),
    ({"question": "q1", "version": 1, "note": "x"}, {"items.0": ["a fixed item is {question, version}"]}),
    ({"draw": {"count": 1}}, {"items.0.draw": ["a draw names exactly one of a criterion or a tag"]}),
    ({"draw": {"count": 1, "criterion": "TESTFW/K1", "tag": "t"}},
     {"items.0.draw": ["a draw names exactly one of a criterion or a tag"]}),
    ({"draw": {"count": 1, "tag": "  "}}, {"items.0.draw": ["a draw names exactly one of a criterion or a tag"]}),
    ({"draw": {"count": 0, "tag": "t"}}, {"items.0.draw.count": ["a draw takes a whole number of questions, 1 or more"]}),
])
def test_quiz_items_the_document_forbids_are_refused(client, api_tutor, item, errors):
    assert not validator(document(client), "QuizIn").is_valid({"items": [item]})
    assert_api_error(client, client.put("/api/v1/courses/c1/modules/m1/quiz", json={"items": [item]}), 422,
                     "The data sent is not valid.", errors)


def test_a_malformed_quiz_item_is_422_even_with_a_stale_if_match(client, api_tutor):
    # RFC 9110 13.2.1: a request that fails before its content is processed ignores preconditions.
    response = client.put("/api/v1/courses/c1/modules/m1/quiz", json={"items": [{"question": "q1", "version": [1]}]},
                          headers={"If-Match": '"2000-01-01T00:00:00.000000Z"'})
    assert_api_error(client, response, 422, "The data sent is not valid.",
                     {"items.0.version": ["a version is a whole number from 1 to 2147483647"]})


def test_quiz_items_the_document_allows_are_accepted(client, api_tutor):
    items = [{"question": "q1", "version": 1}, {"draw": {"count": 1, "tag": "nothing-tagged"}}]
    assert validator(document(client), "QuizIn").is_valid({"items": items[:1]})
    assert validator(document(client), "QuizIn").is_valid({"items": items[1:]})
    response = client.put("/api/v1/courses/c1/modules/m1/quiz", json={"items": items[:1]})
    assert response.status_code == 200 and response.get_json()["items"] == items[:1]


# --------------------------------------------------------------------------- the question JSON


def test_the_document_describes_the_question_json_by_type(client):
    doc = document(client)
    body = doc["paths"]["/api/v1/questions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Question"}
    question = doc["components"]["schemas"]["Question"]
    assert sorted(question["discriminator"]["mapping"]) == [
        "essay", "matching", "multiple_response", "numeric", "ordering", "scenario", "short_answer",
        "single_choice", "true_false"]
    check = validator(doc, "Question")
    assert check.is_valid(sc_question("q9"))
    assert not check.is_valid(sc_question("q9", points=0))
    assert not check.is_valid(sc_question("q9", type="hotspot"))
    assert not check.is_valid(sc_question("q9", colour="red"))
    edit = doc["paths"]["/api/v1/questions/{question_id}"]["put"]["requestBody"]["content"]["application/json"]
    assert edit["schema"] == {"allOf": [{"$ref": "#/components/schemas/Question"}], "required": ["version"]}


@pytest.mark.parametrize("kind", [{}, ["single_choice"]])
def test_a_question_type_that_is_not_a_string_is_422_not_500(client, api_tutor, kind):
    assert_api_error(client, client.post("/api/v1/questions", json=sc_question("q9", type=kind)), 422,
                     "The question is not valid.",
                     {"type": [f"Unknown question type {kind!r}; expected one of single_choice, multiple_response, "
                               "true_false, matching, ordering, short_answer, numeric, essay, scenario."]})


@pytest.mark.parametrize("url", ["/api/v1/questions/q1", "/api/v1/questions/q1/versions/1"])
def test_an_edit_names_the_question_by_its_own_id(client, api_tutor, url):
    without = sc_question("q1", title="Changed")
    del without["id"]
    assert_api_error(client, client.put(url, json=without), 422, "The question is not valid.",
                     {"id": ["Missing data for required field."]})
    assert_api_error(client, client.put(url, json=sc_question("q2", title="Changed")), 422,
                     "The question is not valid.", {"id": ["The id is the question's own, 'q1'; it cannot change."]})
    assert client.get("/api/v1/questions/q1").get_json()["title"] == "Trust"
    assert client.put(url, json=sc_question("q1", title="Changed")).get_json()["title"] == "Changed"
