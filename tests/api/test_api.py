"""The JSON API: OpenAPI document, auth (session, CSRF, tokens), roles, organisation scoping,
CRUD, pagination, and JSON errors with the right status for bad input."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from course.extensions import db
from tests.api.conftest import token_for
from tests.helpers import sign_in_without_form
from tests.questions.conftest import sc_question

ENDPOINTS = [
    ("GET", "/api/v1/frameworks"),
    ("GET", "/api/v1/frameworks/TESTFW"),
    ("GET", "/api/v1/courses"),
    ("POST", "/api/v1/courses"),
    ("GET", "/api/v1/courses/c1"),
    ("PATCH", "/api/v1/courses/c1"),
    ("DELETE", "/api/v1/courses/c1"),
    ("GET", "/api/v1/courses/c1/modules"),
    ("POST", "/api/v1/courses/c1/modules"),
    ("GET", "/api/v1/courses/c1/modules/m1"),
    ("PATCH", "/api/v1/courses/c1/modules/m1"),
    ("DELETE", "/api/v1/courses/c1/modules/m1"),
    ("GET", "/api/v1/courses/c1/modules/m1/pages"),
    ("POST", "/api/v1/courses/c1/modules/m1/pages"),
    ("GET", "/api/v1/courses/c1/modules/m1/pages/p1"),
    ("PATCH", "/api/v1/courses/c1/modules/m1/pages/p1"),
    ("DELETE", "/api/v1/courses/c1/modules/m1/pages/p1"),
    ("GET", "/api/v1/courses/c1/quizzes"),
    ("GET", "/api/v1/courses/c1/modules/m1/quiz"),
    ("PUT", "/api/v1/courses/c1/modules/m1/quiz"),
    ("DELETE", "/api/v1/courses/c1/modules/m1/quiz"),
    ("GET", "/api/v1/questions"),
    ("POST", "/api/v1/questions"),
    ("GET", "/api/v1/questions/q1"),
    ("PUT", "/api/v1/questions/q1"),
    ("DELETE", "/api/v1/questions/q1"),
    ("GET", "/api/v1/questions/q1/versions"),
    ("GET", "/api/v1/questions/q1/versions/1"),
    ("PUT", "/api/v1/questions/q1/versions/1"),
]
OBJECT_ENDPOINTS = [(m, u) for m, u in ENDPOINTS if "/c1" in u or "/q1" in u]
# Readable by learners too (their own record): tested for every role in tests/evidence/test_api.py.
RECORD_ENDPOINTS = [("GET", "/api/v1/courses/c1/learners/7/criteria")]


def assert_error(response, status: int, errors: dict | None = None) -> dict:
    """The response is the API's JSON error with ``status`` (and exactly ``errors`` when given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) >= {"code", "status", "message", "errors"}
    assert body["code"] == status
    if errors is not None:
        assert body["errors"] == errors
    return body


def test_openapi_document_lists_every_endpoint(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.0.3"
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops
                  if method != "parameters"}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api-docs.openapi_json":
            path = rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
            routed |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
    assert {(m, u.replace("c1", "{slug}").replace("m1", "{module_slug}").replace("p1", "{page_slug}")
             .replace("q1", "{question_id}").replace("TESTFW", "{code}").replace("versions/1", "versions/{version}")
             .replace("learners/7", "learners/{user_id}"))
            for m, u in ENDPOINTS + RECORD_ENDPOINTS} == routed
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}


@pytest.mark.parametrize("method,url", ENDPOINTS)
def test_anonymous_gets_401(client, org_a, method, url):
    body = assert_error(client.open(url, method=method, json={}), 401)
    assert body["status"] == "Unauthorized"


@pytest.mark.parametrize("method,url", ENDPOINTS)
def test_learner_gets_403(client, org_a, login_as, method, url):
    login_as("learner", org="Org A")
    assert_error(client.open(url, method=method, json={}), 403)


@pytest.mark.parametrize("method,url", OBJECT_ENDPOINTS)
def test_tutor_of_another_organisation_gets_404_and_changes_nothing(app, client, org_a, login_as, method, url):
    login_as("tutor", org="Org B")
    body = {"title": "Hijack"} if method != "PUT" or "quiz" in url else dict(sc_question("q1", title="Hijack"))
    assert_error(client.open(url, method=method, json=body), 404)
    from course.authoring.models import Course
    from course.bank.models import QuestionVersion

    with app.app_context():
        assert db.session.scalar(select(Course.title)) == "Course one"
        assert db.session.scalars(select(QuestionVersion.title)).all() == ["Trust"]


def test_other_organisations_lists_are_empty(client, org_a, login_as):
    login_as("tutor", org="Org B")
    assert client.get("/api/v1/courses").get_json() == []
    assert client.get("/api/v1/questions").get_json() == []
    assert len(client.get("/api/v1/frameworks").get_json()) == 1  # frameworks are shared


# --------------------------------------------------------------------------- auth


def test_bearer_token_works_without_a_session_or_csrf(csrf_app, create_framework, create_user):
    from course.api.models import ApiToken

    client = csrf_app.test_client()
    with csrf_app.app_context():
        from course.frameworks.service import store_framework
        from tests.helpers import framework_doc

        store_framework(framework_doc("TESTFW"), source="test")
        db.session.commit()
    user = create_user("tutor", org="Org T")
    secret = token_for(csrf_app, user)
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post("/api/v1/questions", json=sc_question("tok"), headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["id"] == "tok"
    with csrf_app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.last_used_at is not None
        assert token.token_hash != secret and secret not in token.token_hash
    assert_error(client.get("/api/v1/questions", headers={"Authorization": "Bearer nope"}), 401)


def test_session_requests_need_the_csrf_header_for_unsafe_methods(csrf_app, create_user):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        from course.frameworks.service import store_framework
        from tests.helpers import framework_doc

        store_framework(framework_doc("TESTFW"), source="test")
        db.session.commit()
    user = create_user("tutor", org="Org T")
    sign_in_without_form(csrf_app, client, user)
    page = client.get("/questions/").get_data(as_text=True)
    csrf = page.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]
    assert client.get("/api/v1/questions").status_code == 200  # safe: no token needed
    body = assert_error(client.post("/api/v1/questions", json=sc_question("s1")), 400)
    assert "CSRF" in body["message"]
    response = client.post("/api/v1/questions", json=sc_question("s1"), headers={"X-CSRFToken": csrf})
    assert response.status_code == 201


def test_token_page_creates_shows_once_and_revokes(app, client, login_as):
    from course.api.models import ApiToken

    user = login_as("tutor", org="Org A")
    html = client.post("/account/api-tokens/", data={"name": "sync script"}).get_data(as_text=True)
    secret = html.split('id="new-token" readonly value="', 1)[1].split('"', 1)[0]
    assert secret.startswith("cc_")
    html = client.get("/account/api-tokens/").get_data(as_text=True)
    assert "sync script" in html and secret not in html and "never" in html
    other = app.test_client()
    assert other.get("/api/v1/courses", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    assert client.post(f"/account/api-tokens/{token_id}/revoke").status_code == 302
    assert_error(other.get("/api/v1/courses", headers={"Authorization": f"Bearer {secret}"}), 401)


def test_tokens_of_others_cannot_be_revoked(app, client, login_as, create_user):
    owner = create_user("tutor", org="Org A")
    token_for(app, owner)
    login_as("tutor", org="Org A")
    from course.api.models import ApiToken

    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert client.post(f"/account/api-tokens/{token_id}/revoke").status_code == 404


def test_learner_token_is_refused(app, client, create_user):
    learner = create_user("learner", org="Org A")
    secret = token_for(app, learner)
    assert_error(client.get("/api/v1/courses", headers={"Authorization": f"Bearer {secret}"}), 403)


# --------------------------------------------------------------------------- resources


def test_frameworks(client, api_tutor):
    assert client.get("/api/v1/frameworks").get_json() == [
        {"code": "TESTFW", "kind": "nos", "title": "Test framework TESTFW", "glh": None, "version": "1"}]
    fw = client.get("/api/v1/frameworks/TESTFW").get_json()
    assert [o["ref"] for o in fw["outcomes"]] == ["TESTFW/P.1", "TESTFW/K.1"]
    assert fw["outcomes"][1]["criteria"][0] == {"code": "K1", "ref": "TESTFW/K1", "kind": "knowledge",
                                                "text": "know the first thing", "workplace": False}
    assert_error(client.get("/api/v1/frameworks/NOPE"), 404)


def test_course_module_page_quiz_crud(client, api_tutor):
    response = client.post("/api/v1/courses", json={"title": "Second", "slug": "c2", "frameworks": ["TESTFW"]})
    assert response.status_code == 201
    assert response.get_json()["frameworks"] == ["TESTFW"] and response.get_json()["modules"] == []
    assert client.patch("/api/v1/courses/c2", json={"title": "Second course"}).get_json()["title"] == "Second course"
    module = client.post("/api/v1/courses/c2/modules", json={"title": "Intro", "slug": "intro",
                                                              "outcomes": ["TESTFW/K.1"], "target_minutes": 45})
    assert module.status_code == 201
    assert module.get_json() == {"slug": "intro", "title": "Intro", "position": 0, "outcomes": ["TESTFW/K.1"],
                                 "target_minutes": 45, "workplace": [], "pages": [], "has_quiz": False}
    page = client.post("/api/v1/courses/c2/modules/intro/pages",
                       json={"title": "Welcome", "body": "Hi <script>alert(1)</script> **there**"})
    assert page.status_code == 201
    assert page.get_json()["slug"] == "welcome"
    assert "<script>" not in page.get_json()["html"] and "<strong>there</strong>" in page.get_json()["html"]
    quiz = client.put("/api/v1/courses/c2/modules/intro/quiz",
                      json={"pass_mark": 0.5, "items": [{"draw": {"count": 1, "criterion": "TESTFW/K1"}}]})
    assert quiz.status_code == 200
    assert quiz.get_json()["items"] == [{"draw": {"count": 1, "criterion": "TESTFW/K1"}}]
    assert quiz.get_json()["pass_mark"] == 0.5
    assert [q["module"] for q in client.get("/api/v1/courses/c2/quizzes").get_json()] == ["intro"]
    assert client.delete("/api/v1/courses/c2/modules/intro/quiz").status_code == 204
    assert_error(client.get("/api/v1/courses/c2/modules/intro/quiz"), 404)
    assert client.delete("/api/v1/courses/c2/modules/intro/pages/welcome").status_code == 204
    assert client.delete("/api/v1/courses/c2/modules/intro").status_code == 204
    assert client.delete("/api/v1/courses/c2").status_code == 204
    assert_error(client.get("/api/v1/courses/c2"), 404)


def test_quiz_items_errors_name_the_item(client, api_tutor):
    body = assert_error(client.put("/api/v1/courses/c1/modules/m1/quiz",
                                   json={"items": [{"question": "q1", "version": 1},
                                                   {"draw": {"count": 5, "criterion": "TESTFW/K1"}}]}), 422)
    assert body["errors"] == {"items.1.draw.count": [
        "draw of 5 questions evidencing TESTFW/K1 has only 0 candidate(s) in your question bank"]}


def test_questions_create_get_versions(client, api_tutor):
    response = client.post("/api/v1/questions", json=sc_question("q2", title="Second"))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["id"], body["version"], body["in_use"], body["is_current"]) == ("q2", 1, False, True)
    assert body["question"]["options"][0] == {"id": "a", "text": "Listening", "correct": True, "feedback": "Yes."}
    assert client.get("/api/v1/questions/q2").get_json()["title"] == "Second"
    assert [q["id"] for q in client.get("/api/v1/questions?type=single_choice").get_json()] == ["q1", "q2"]
    assert [q["id"] for q in client.get("/api/v1/questions?q=second").get_json()] == ["q2"]


def mark_in_use(app, question_id: str) -> None:
    from course.bank.models import QuestionVersion

    with app.app_context():
        for row in db.session.scalars(select(QuestionVersion).where(QuestionVersion.question_id == question_id)):
            row.in_use = True
        db.session.commit()


def test_put_question_edits_in_place_then_versions_once_in_use(app, client, api_tutor):
    edited = client.put("/api/v1/questions/q1", json=sc_question("q1", title="Edited"))
    assert edited.status_code == 200 and edited.get_json()["version"] == 1
    mark_in_use(app, "q1")
    again = client.put("/api/v1/questions/q1", json=sc_question("q1", title="Edited again"))
    assert again.status_code == 200 and again.get_json()["version"] == 2
    versions = client.get("/api/v1/questions/q1/versions").get_json()
    assert [(v["version"], v["title"], v["is_current"]) for v in versions] == [(2, "Edited again", True),
                                                                             (1, "Edited", False)]
    assert client.get("/api/v1/questions/q1/versions/1").get_json()["title"] == "Edited"


def test_409_editing_a_version_in_use_in_place(app, client, api_tutor):
    mark_in_use(app, "q1")
    body = assert_error(client.put("/api/v1/questions/q1/versions/1", json=sc_question("q1", title="X")), 409)
    assert body["errors"] == {"version": ["Version 1 is used by attempts; save it as a new version."]}


def test_409_concurrent_edit(client, api_tutor, app):
    mark_in_use(app, "q1")
    assert client.put("/api/v1/questions/q1", json=sc_question("q1", title="First writer")).status_code == 200
    body = assert_error(client.put("/api/v1/questions/q1", json=sc_question("q1", title="Second writer")), 409)
    assert body["errors"] == {"version": [
        "Version 2 was saved after the version 1 you edited; reload it and edit again."]}
    assert_error(client.put("/api/v1/questions/q1/versions/1", json=sc_question("q1")), 409)


def test_409_duplicates(client, api_tutor):
    assert_error(client.post("/api/v1/courses", json={"title": "Again", "slug": "c1", "frameworks": ["TESTFW"]}), 409,
                 {"slug": ["Your organisation already has a course with the slug 'c1'."]})
    assert_error(client.post("/api/v1/questions", json=sc_question("q1")), 409,
                 {"id": ["Your bank already has a question with the id 'q1'."]})
    assert_error(client.post("/api/v1/courses/c1/modules", json={"title": "M", "slug": "m1"}), 409)


def test_pagination(client, api_tutor):
    for n in range(2, 6):
        assert client.post("/api/v1/questions", json=sc_question(f"q{n}")).status_code == 201
    response = client.get("/api/v1/questions?page=2&page_size=2")
    assert [q["id"] for q in response.get_json()] == ["q3", "q4"]
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 5, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2, "previous_page": 1, "next_page": 3}
    assert_error(client.get("/api/v1/questions?page=0"), 422, {"page": ["Must be greater than or equal to 1."]})
    assert_error(client.get("/api/v1/questions?page_size=1000"), 422)


# --------------------------------------------------------------------------- bad input

BODY_ENDPOINTS = [
    ("POST", "/api/v1/courses"),
    ("PATCH", "/api/v1/courses/c1"),
    ("POST", "/api/v1/courses/c1/modules"),
    ("PATCH", "/api/v1/courses/c1/modules/m1"),
    ("POST", "/api/v1/courses/c1/modules/m1/pages"),
    ("PATCH", "/api/v1/courses/c1/modules/m1/pages/p1"),
    ("PUT", "/api/v1/courses/c1/modules/m1/quiz"),
    ("POST", "/api/v1/questions"),
    ("PUT", "/api/v1/questions/q1"),
    ("PUT", "/api/v1/questions/q1/versions/1"),
]
BAD_BODIES = [
    ("not an object", []),
    ("a string", "hello"),
    ("a number", 42),
    ("wrong types", {"title": 5, "slug": ["x"], "target_minutes": "10", "pass_mark": "high", "id": 3,
                     "body": False, "attempts": 1.5, "shuffle": "yes", "type": None}),
    ("unknown field", {"title": "Fine", "colour": "red"}),
    ("huge string", {"title": "x" * 100_000, "slug": "y" * 5000}),
    ("nested junk", {"title": {"a": {"b": [1, 2]}}, "items": "all", "frameworks": [None]}),
]


@pytest.mark.parametrize("method,url", BODY_ENDPOINTS)
def test_malformed_json_is_400(client, api_tutor, method, url):
    response = client.open(url, method=method, data='{"title": "x",', content_type="application/json")
    assert_error(response, 400, {})


@pytest.mark.parametrize("name,bad", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
@pytest.mark.parametrize("method,url", BODY_ENDPOINTS)
def test_bad_bodies_are_422_with_field_errors(client, api_tutor, method, url, name, bad):
    body = assert_error(client.open(url, method=method, json=bad), 422)
    assert body["errors"], body
    assert all(isinstance(k, str) and isinstance(v, list) and all(isinstance(m, str) for m in v)
               for k, v in body["errors"].items())


def test_field_level_messages(client, api_tutor):
    assert_error(client.post("/api/v1/courses", json={"title": "", "frameworks": ["TESTFW"], "colour": 1}), 422,
                 {"title": ["Length must be between 1 and 300."], "colour": ["Unknown field."]})
    assert_error(client.post("/api/v1/courses/c1/modules", json={"title": "M", "target_minutes": "10"}), 422,
                 {"target_minutes": ["Not a valid integer."]})
    assert_error(client.post("/api/v1/courses/c1/modules", json={"title": "M", "outcomes": ["TESTFW/Z.9"]}), 422,
                 {"outcomes": ["TESTFW/Z.9 is not an outcome of this course's frameworks."]})
    bad = sc_question("q9")
    bad["options"][1]["correct"] = True
    bad["criteria"] = ["TESTFW/K1", "NOPE/K1"]
    assert_error(client.post("/api/v1/questions", json=bad), 422,
                 {"options": ["Exactly one option must be correct."], "criteria": ["Unknown criterion 'NOPE/K1'."]})
    bad = sc_question("q9")
    bad["options"][0]["id"] = "a b"
    assert_error(client.post("/api/v1/questions", json=bad), 422,
                 {"options.0.id": ["Not a valid identifier: 'a b'."]})


def test_overlong_question_id_is_422(client, api_tutor):
    assert_error(client.post("/api/v1/questions", json=sc_question("q" * 121)), 422,
                 {"id": ["longer than 120 characters"]})


def test_unknown_api_path_and_nothing_stored_after_errors(app, client, api_tutor):
    from course.authoring.models import Course

    client.post("/api/v1/courses", json={"title": "x" * 100_000, "frameworks": ["TESTFW"]})
    with app.app_context():
        assert db.session.scalars(select(Course.slug)).all() == ["c1"]


def test_nul_characters_and_huge_ids_are_refused_not_500(client, api_tutor):
    assert_error(client.post("/api/v1/courses", json={"title": "a\u0000b", "frameworks": ["TESTFW"]}), 422,
                 {"_schema": ["Text may not contain NUL characters."]})
    assert_error(client.get("/api/v1/courses/c%00"), 404)
    assert_error(client.get("/api/v1/questions/q1/versions/99999999999999999999"), 404)
    assert client.get("/api/v1/questions?criterion=a%00b").status_code == 200
