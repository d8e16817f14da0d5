"""Who may read a learner's criteria: the learner's page, the criteria map and the API, for every
role, anonymous and another organisation; and the criteria map's fixed number of queries."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from course.extensions import db
from course.models import User
from tests.evidence.states_fixtures import (  # noqa: F401  (the fixture)
    K1,
    P1,
    P2,
    T0,
    EvidenceCourse,
    attempt,
    decision,
    evidence,
    evidence_course,
    review,
    rule,
)
from tests.helpers import login

STAFF = ("tutor", "admin", "assessor", "iqa")


def _learner_client(app: Flask, ec: EvidenceCourse) -> FlaskClient:
    with app.app_context():
        db.session.get(User, ec.learner_id).set_password("a long enough password")
        db.session.commit()
    client = app.test_client()
    assert login(client, ec.learner_email, "a long enough password").status_code == 302
    return client


def test_anonymous(client: FlaskClient, evidence_course: EvidenceCourse) -> None:
    ec = evidence_course
    page = client.get(f"/learn/courses/{ec.slug}/criteria")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    api = client.get(f"/api/v1/courses/{ec.slug}/learners/{ec.learner_id}/criteria")
    assert api.status_code == 401 and api.get_json()["error"] == "unauthorized"


def test_the_learner_reads_their_own_record_only(app: Flask, evidence_course: EvidenceCourse,
                                                 create_user: Callable[..., User]) -> None:
    ec = evidence_course
    client = _learner_client(app, ec)
    page = client.get(f"/learn/courses/{ec.slug}/criteria")
    assert page.status_code == 200 and "<h1>My criteria: Evidence course</h1>" in page.text
    assert "4 Not started." in page.text
    body = client.get(f"/api/v1/courses/{ec.slug}/learners/{ec.learner_id}/criteria").get_json()
    assert (body["course"], body["learner"]) == (ec.slug, ec.learner_id)
    assert [(c["ref"], c["label"], c["quiz_can_meet"]) for c in body["criteria"]] == [
        ("TESTFW/P1", "Not started", False), ("TESTFW/P2", "Not started", False),
        ("TESTFW/K1", "Not started", True), ("TESTFW/K2", "Not started", True)]
    assert body["criteria"][2]["reasons"] == ["No summative quiz result or workplace evidence yet."]
    # Another learner of the same organisation, enrolled too: the first learner gets 404 for them.
    other = create_user("learner", "Provider A", email="other@a.test")
    with app.app_context():
        from course.authoring.models import Course
        from course.learning import enrolment

        enrolment.enrol_learner(db.session.get(Course, ec.course_id), name=other.name, email=other.email)
        db.session.commit()
    refused = client.get(f"/api/v1/courses/{ec.slug}/learners/{other.id}/criteria")
    assert refused.status_code == 404 and refused.get_json()["error"] == "not_found"
    for url in (f"/reports/courses/{ec.course_id}/learners/{ec.learner_id}/criteria",
                f"/reports/courses/{ec.course_id}/learners/{ec.learner_id}/criteria.csv"):
        assert client.get(url).status_code == 403, url


def test_a_learner_not_enrolled_gets_404(client: FlaskClient, evidence_course: EvidenceCourse,
                                         login_as: Callable[..., User]) -> None:
    ec = evidence_course
    stranger = login_as("learner", org="Provider A")
    assert client.get(f"/learn/courses/{ec.slug}/criteria").status_code == 404
    assert client.get(f"/api/v1/courses/{ec.slug}/learners/{stranger.id}/criteria").status_code == 404
    assert client.get(f"/api/v1/courses/{ec.slug}/learners/{ec.learner_id}/criteria").status_code == 404


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_the_organisation(client: FlaskClient, evidence_course: EvidenceCourse,
                                   login_as: Callable[..., User], role: str) -> None:
    ec = evidence_course
    login_as(role, org="Provider A")
    # The learner's own page is the learner's.
    assert client.get(f"/learn/courses/{ec.slug}/criteria").status_code == 403
    api = client.get(f"/api/v1/courses/{ec.slug}/learners/{ec.learner_id}/criteria")
    assert api.status_code == 200 and len(api.get_json()["criteria"]) == 4
    # Someone who is not a learner on the course: 404.
    assert client.get(f"/api/v1/courses/{ec.slug}/learners/{ec.assessor_id}/criteria").status_code == 404
    assert client.get(f"/api/v1/courses/nope/learners/{ec.learner_id}/criteria").status_code == 404
    # The criteria map stays the tutors' and admins' report.
    expected = 200 if role in ("tutor", "admin") else 403
    base = f"/reports/courses/{ec.course_id}/learners/{ec.learner_id}/criteria"
    assert [client.get(u).status_code for u in (base, f"{base}.csv", f"{base}.xlsx")] == [expected] * 3


@pytest.mark.parametrize("role", (*STAFF, "learner"))
def test_another_organisation_gets_404(client: FlaskClient, evidence_course: EvidenceCourse,
                                       login_as: Callable[..., User], role: str) -> None:
    ec = evidence_course
    login_as(role, org="Provider B")
    api = client.get(f"/api/v1/courses/{ec.slug}/learners/{ec.learner_id}/criteria")
    assert api.status_code == 404 and api.get_json()["error"] == "not_found"
    assert client.get(f"/learn/courses/{ec.slug}/criteria").status_code == (404 if role == "learner" else 403)
    if role in ("tutor", "admin"):
        assert client.get(f"/reports/courses/{ec.course_id}/learners/{ec.learner_id}/criteria").status_code == 404


def test_the_criteria_map_runs_a_fixed_number_of_queries(app: Flask, client: FlaskClient,
                                                         evidence_course: EvidenceCourse,
                                                         login_as: Callable[..., User], count_queries: Callable) -> None:
    """However much evidence and how many attempts a learner has, the map's query count is the same."""
    ec = evidence_course
    login_as("tutor", org="Provider A")
    url = f"/reports/courses/{ec.course_id}/learners/{ec.learner_id}/criteria"
    client.get(url)  # warm up
    counts = []
    for n in range(3):
        with app.app_context():
            attempt(ec, {K1: rule(1.0)}, number=n + 1)
            review(ec, decision(ec, evidence(ec, [P1], f"Observation {n}"), P1, "met", T0), "agreed", T0)
            evidence(ec, [P2], f"Witness {n}")
            db.session.commit()
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= 15, counts
