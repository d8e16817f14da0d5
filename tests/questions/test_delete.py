"""Taking a question out of the bank: deleted when unused, retired when attempts used it, refused
while a quiz needs it (a fixed item, or a draw that would be left short)."""
from __future__ import annotations

from typing import Any

import pytest

from course.authoring import service as authoring
from course.authoring import quizzes as authoring_quizzes
from course.extensions import db
from course.models import Organisation
from tests.api.conftest import org_a, token_for  # noqa: F401 (org_a: a fixture)
from tests.api.test_api import assert_error
from tests.helpers import sign_in_without_form
from tests.questions.conftest import sc_question


@pytest.fixture
def quiz_with(app, tutor):
    """``quiz_with(items)``: course "Care basics", module "Trust", its quiz holding ``items``."""

    def make(items: list[dict[str, Any]]) -> None:
        with app.app_context():
            org = db.session.get(Organisation, tutor.organisation_id)
            course = authoring.create_course(organisation=org, user=None, title="Care basics", slug="basics",
                                             frameworks=["TESTFW"])
            module = authoring.add_module(course, title="Trust", slug="trust", outcomes=["TESTFW/K.1"])
            authoring_quizzes.set_quiz_items(authoring_quizzes.set_quiz(module, title="Check"), items)
            db.session.commit()

    return make


def test_an_unused_question_is_deleted_with_every_version(client, tutor, put_question, stored):
    put_question(tutor.organisation_id, sc_question("q1"))
    put_question(tutor.organisation_id, sc_question("q1", title="Trust, revised"), in_use=False)
    page = client.get("/questions/q1/delete").get_data(as_text=True)
    assert "every version of it (1) will be <strong>deleted</strong>" in page
    assert 'href="/questions/q1/delete">Delete</a>' in client.get("/questions/q1").get_data(as_text=True)
    response = client.post("/questions/q1/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/questions/"
    assert stored("q1") == []
    assert "Question &#39;q1&#39; deleted." in client.get("/questions/").get_data(as_text=True)
    assert client.get("/questions/q1").status_code == 404


def test_a_question_attempts_used_is_retired_and_its_versions_kept(client, tutor, put_question, stored):
    put_question(tutor.organisation_id, sc_question("q1"), in_use=True)
    assert "so it will be <strong>retired</strong>, not erased" in client.get("/questions/q1/delete").get_data(
        as_text=True)
    assert client.post("/questions/q1/delete").status_code == 302
    assert [(v["version"], v["current"], v["in_use"]) for v in stored("q1")] == [(1, False, True)]
    listed = client.get("/questions/").get_data(as_text=True)
    assert "0 questions" in listed and "retired: attempts that used it keep it" in listed
    assert client.get("/questions/q1").status_code == 404
    # the version stays readable for the attempts' review and regrading
    assert client.get("/questions/q1/preview?version=1").status_code == 200
    # the id can be used again: it goes on from the kept version
    response = client.post("/questions/new?type=true_false", data={
        "id": "q1", "title": "T", "stem": "S", "criteria": ["TESTFW/K1"], "answer": "true"})
    assert response.status_code == 302
    assert [(v["version"], v["current"]) for v in stored("q1")] == [(1, False), (2, True)]


def test_a_fixed_question_of_a_quiz_is_not_removed(client, tutor, put_question, stored, quiz_with):
    put_question(tutor.organisation_id, sc_question("q1"))
    quiz_with([{"question": "q1", "version": 1}])
    page = client.get("/questions/q1/delete").get_data(as_text=True)
    message = "Care basics › Trust: it is a fixed question of this quiz; take it out of the quiz first"
    assert "This question cannot be deleted yet" in page and message in page and "the question</button>" not in page
    response = client.post("/questions/q1/delete")
    assert response.status_code == 409 and message in response.get_data(as_text=True)
    assert [v["current"] for v in stored("q1")] == [True]


def test_a_question_a_draw_needs_is_not_removed(client, tutor, put_question, stored, quiz_with):
    for qid in ("q1", "q2", "q3"):
        put_question(tutor.organisation_id, sc_question(qid))
    quiz_with([{"draw": {"count": 3, "criterion": "TESTFW/K1"}}])
    response = client.post("/questions/q2/delete")
    assert response.status_code == 409
    assert ("Care basics › Trust: without it, the draw of 3 questions evidencing TESTFW/K1 has only 2 "
            "candidate(s) in your question bank") in response.get_data(as_text=True)
    assert [v["current"] for v in stored("q2")] == [True]
    put_question(tutor.organisation_id, sc_question("q4"))
    assert client.post("/questions/q2/delete").status_code == 302
    assert stored("q2") == []


def test_only_the_organisations_authors_may_remove(app, client, tutor, put_question, create_user, login):
    put_question(tutor.organisation_id, sc_question("q1"))
    other, learner, anonymous = app.test_client(), app.test_client(), app.test_client()
    login(other, create_user("tutor", "Org B").email)
    assert other.post("/questions/q1/delete").status_code == 404
    login(learner, create_user("learner", "Org A").email)
    assert learner.post("/questions/q1/delete").status_code == 403
    assert anonymous.post("/questions/q1/delete").status_code == 302
    assert client.get("/questions/q1").status_code == 200


def test_removing_needs_the_csrf_token(csrf_app, create_framework, create_user):
    from course.bank.service import save_questions

    create_framework("TESTFW")
    user = create_user("tutor", "Org A")
    with csrf_app.app_context():
        save_questions([sc_question("q1")], organisation=user.organisation_id, user=None)
        db.session.commit()
    client = csrf_app.test_client()
    sign_in_without_form(csrf_app, client, user)
    page = client.get("/questions/q1/delete").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/questions/q1/delete").status_code == 400
    assert client.get("/questions/q1").status_code == 200
    assert client.post("/questions/q1/delete", data={"csrf_token": token}).status_code == 302
    assert client.get("/questions/q1").status_code == 404


def test_the_api_removes_or_says_why_not(app, org_a, create_user):
    from course.bank.service import save_questions

    secret = token_for(app, create_user("tutor", org_a.id))
    client = app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    body = assert_error(client.delete("/api/v1/questions/q1", headers=auth), 409, {
        "id": ["Course one › Module one: it is a fixed question of this quiz; take it out of the quiz first"]})
    assert body["message"] == "The question conflicts with stored data."
    with app.app_context():
        save_questions([sc_question("spare")], organisation=org_a.id, user=None)
        db.session.commit()
    response = client.delete("/api/v1/questions/spare", headers=auth)
    assert response.status_code == 204 and response.data == b""
    assert_error(client.get("/api/v1/questions/spare", headers=auth), 404)
    assert_error(client.delete("/api/v1/questions/spare", headers=auth), 404)
