"""API fixtures: Org A with a course c1 (module m1 with page p1 and a quiz) and a question q1."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from course.extensions import db
from tests.questions.conftest import sc_question


@pytest.fixture
def org_a(app: Flask, create_framework: Callable, create_org: Callable) -> Any:
    """Organisation "Org A" owning course c1 (TESTFW; module m1, page p1, quiz on q1) and question q1."""
    from course.authoring import service as authoring
    from course.authoring import quizzes as authoring_quizzes
    from course.bank.service import save_questions
    from course.models import Organisation

    create_framework("TESTFW")
    org = create_org("Org A")
    with app.app_context():
        organisation = db.session.get(Organisation, org.id)
        save_questions([sc_question("q1")], organisation=org.id, user=None)
        course = authoring.create_course(organisation=organisation, user=None, title="Course one", slug="c1",
                                         frameworks=["TESTFW"])
        module = authoring.add_module(course, title="Module one", slug="m1", outcomes=["TESTFW/K.1"])
        authoring.add_page(module, title="Page one", slug="p1", body="Hello")
        quiz = authoring_quizzes.set_quiz(module, title="Quiz one")
        authoring_quizzes.set_quiz_items(quiz, [{"question": "q1", "version": 1}])
        db.session.commit()
    return org


@pytest.fixture
def api_tutor(client: Any, org_a: Any, login_as: Callable) -> Any:
    """A tutor of Org A signed in on ``client``."""
    return login_as("tutor", org="Org A")


def token_for(app: Flask, user: Any) -> str:
    """A fresh API token of ``user``."""
    from course.api.models import ApiToken
    from course.models import User

    with app.app_context():
        _, secret = ApiToken.issue(db.session.get(User, user.id), "test")
        db.session.commit()
    return secret
