"""Every authoring route as anonymous, learner, tutor of another organisation, tutor and admin."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from course.authoring import quizzes, service, uploads
from course.authoring.models import Course
from course.extensions import db
from course.models import Organisation
from tests.authoring.conftest import choice
from tests.helpers import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
VALUES = {"slug": "care", "module_slug": "risks", "page_slug": "why", "index": 0, "name": "photo.png"}


@pytest.fixture
def world(units_app: Flask, create_user, save_questions) -> dict[str, Any]:
    """Organisation "Ours" with a full course; users of every kind, some in "Theirs"."""
    with units_app.app_context():
        ours, theirs = Organisation(name="Ours"), Organisation(name="Theirs")
        db.session.add_all([ours, theirs])
        db.session.commit()
        ids = {"ours": ours.id, "theirs": theirs.id}
    save_questions(ids["ours"], [choice("q1", ["HSCCLD327/K13"])])
    with units_app.app_context():
        ours = db.session.get(Organisation, ids["ours"])
        course = service.create_course(organisation=ours, user=None, title="Care", frameworks=["HSCCLD327"])
        module = service.add_module(course, title="Risks", outcomes=["HSCCLD327/K.1"])
        service.add_page(module, title="Why", body="Because.")
        quizzes.add_fixed_question(quizzes.set_quiz(module), "q1")
        uploads.add_upload(course, filename="photo.png", data=PNG)
        db.session.commit()
    users = {
        "learner": create_user("learner", ids["ours"]),
        "other_learner": create_user("learner", ids["theirs"]),
        "other_tutor": create_user("tutor", ids["theirs"]),
        "other_admin": create_user("admin", ids["theirs"]),
        "tutor": create_user("tutor", ids["ours"]),
        "admin": create_user("admin", ids["ours"]),
    }
    return {"app": units_app, "users": users, **ids}


def authoring_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every authoring route, with the fixture's values."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("authoring."):
            continue
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{k: VALUES[k] for k in rule.arguments})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


def course_state(app: Flask) -> tuple:
    with app.app_context():
        course = db.session.scalar(db.select(Course))
        m = course.modules[0]
        return (course.slug, course.title, [(x.slug, x.title, x.target_minutes) for x in course.modules],
                [p.slug for p in m.pages], m.quiz.items if m.quiz else None, [u.filename for u in course.uploads])


def test_the_table_covers_every_authoring_view(world):
    endpoints = {e for e, _, _ in authoring_routes(world["app"])}
    assert {"authoring.courses", "authoring.new_course", "authoring.course", "authoring.module",
            "authoring.edit_page", "authoring.quiz", "authoring.coverage", "authoring.coverage_print",
            "authoring.export", "authoring.import_document", "authoring.file", "authoring.files",
            "authoring.preview", "authoring.add_quiz_draw"} <= endpoints


def test_anonymous_is_sent_to_sign_in(world):
    client = world["app"].test_client()
    for endpoint, method, url in authoring_routes(world["app"]):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login?next="), (method, url)


def test_learners_are_refused_everything_but_their_organisations_images(world):
    app = world["app"]
    before = course_state(app)
    for who in ("learner", "other_learner"):
        client = app.test_client()
        login(client, world["users"][who].email)
        for endpoint, method, url in authoring_routes(app):
            response = client.open(url, method=method)
            if endpoint == "authoring.file":
                expected = 200 if who == "learner" else 404
                assert response.status_code == expected, (who, url)
            else:
                assert response.status_code == 403, (who, method, url)
    assert course_state(app) == before


@pytest.mark.parametrize("who", ["other_tutor", "other_admin"])
def test_another_organisations_tutors_get_404_and_change_nothing(world, who):
    app = world["app"]
    before = course_state(app)
    client = app.test_client()
    login(client, world["users"][who].email)
    for endpoint, method, url in authoring_routes(app):
        response = client.open(url, method=method, data={"direction": "up", "title": "Hijacked"})
        if endpoint in ("authoring.courses", "authoring.new_course", "authoring.import_document"):
            assert response.status_code in (200, 422), (method, url)
            assert "Care" not in response.get_data(as_text=True).replace("carecourse", ""), url
        else:
            assert response.status_code == 404, (who, method, url)
    assert course_state(app) == before


# GETs that are not pages: a quiz form's POST address sends the browser back to the builder (303),
# and the live draw count, sent no draw, says what it lacks (422; tests/authoring/test_quiz_builder.py).
NOT_PAGES = {"authoring.quiz_draws_page": 303, "authoring.quiz_questions_page": 303,
             "authoring.draw_per_criterion_page": 303, "authoring.move_quiz_item_page": 303,
             "authoring.delete_quiz_item_page": 303, "authoring.delete_quiz_page": 303, "authoring.draw_count": 422}


@pytest.mark.parametrize("who", ["tutor", "admin"])
def test_the_organisations_tutors_and_admins_reach_every_page(world, who):
    app = world["app"]
    client = app.test_client()
    login(client, world["users"][who].email)
    for endpoint, method, url in authoring_routes(app):
        if method != "GET":
            continue
        response = client.get(url)
        assert response.status_code == NOT_PAGES.get(endpoint, 200), (who, url, response.status_code)
    listing = client.get("/courses/").get_data(as_text=True)
    assert '<a href="/courses/care/">Care</a>' in listing
