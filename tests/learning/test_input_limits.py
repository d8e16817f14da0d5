"""The player's API refuses deep JSON, NaN and oversize bodies with a JSON 400/413 naming the
problem, and changes nothing; an enrolment CSV holds at most 2,000 learners."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course.authoring.models import Course
from course.extensions import db
from course.learning import enrolment as enrolments
from course.learning.models import Attempt, Enrolment
from tests.helpers import login
from tests.learning.test_views import launch_of, open_module

DEEP = "[" * 5000 + "]" * 5000
# Each endpoint's body, with @@ where the refused value goes.
BODIES = {
    "answers": '{"index": 0, "response": @@, "question": "q-sc", "version": 1}',
    "state": '{"state": {"v": 1, "m": @@}, "location": "0:q1"}',
    "heartbeat": '{"active_seconds": @@}',
    "submit": '{"responses": [@@, true]}',
}
WHERE = {"answers": "response", "state": "state.m", "heartbeat": "active_seconds", "submit": "responses[0]"}


@pytest.fixture
def player(client, make_course, app):
    """(client, the attempt's API address) for a learner in an open attempt."""
    c = make_course()
    login(client, c.learner.email)
    return client, launch_of(open_module(client, c))["app"]["api"]


def attempt_row(app) -> tuple:
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        return attempt.status, attempt.revision, attempt.state, attempt.responses


def post(client, url: str, body: str):
    return client.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize("endpoint", list(BODIES))
def test_json_nested_5000_deep_is_400_naming_the_problem(player, app, endpoint):
    client, api = player
    before = attempt_row(app)
    body = BODIES[endpoint].replace("@@", DEEP)
    start = body.index(DEEP)
    opened = body[:start].count("{") + body[:start].count("[")  # levels open before the deep part
    column = start + (64 - opened) + 1  # 1-based column of the bracket opening level 65
    response = post(client, f"{api}/{endpoint}", body)
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "bad_request", "code": 400,
        "message": f"The JSON body was refused: nested more than 64 levels deep (line 1, column {column})"}
    assert attempt_row(app) == before


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
@pytest.mark.parametrize("endpoint", list(BODIES))
def test_nan_and_infinite_numbers_are_400_naming_where(player, app, endpoint, literal):
    client, api = player
    before = attempt_row(app)
    response = post(client, f"{api}/{endpoint}", BODIES[endpoint].replace("@@", literal))
    problem = ("1e999 is too large a number" if literal == "1e999"
               else f"{literal} is not allowed: JSON numbers are finite")
    assert response.status_code == 400
    assert response.get_json() == {"error": "bad_request", "code": 400,
                                   "message": f"The JSON body was refused: {WHERE[endpoint]}: {problem}"}
    assert attempt_row(app) == before


def test_a_body_over_4_mib_is_413_before_it_is_read(player, app):
    client, api = player
    before = attempt_row(app)
    body = '{"state": {"v": 1, "text": "' + "x" * (4 * 1024 * 1024) + '"}, "location": "0:q1"}'
    response = post(client, f"{api}/state", body)
    assert response.status_code == 413
    assert response.get_json() == {"error": "request_entity_too_large", "code": 413,
                                   "message": "The upload is too large. This page takes at most 4 MiB."}
    assert attempt_row(app) == before


def test_an_enrolment_csv_of_more_than_2000_learners_is_refused(make_course, ctx):
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    data = "name,email\n" + "".join(f"Learner {n},learner{n}@example.org\n" for n in range(2001))
    with pytest.raises(enrolments.CsvError) as info:
        enrolments.enrol_from_csv(course, data.encode())
    assert info.value.problems == ["the file has 2,001 rows, at most 2,000 (split it into several files)"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
