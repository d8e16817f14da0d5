"""Question-authoring fixtures: a framework (TESTFW: P1, P2, K1, K2), a tutor signed in, helpers."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from course.bank.models import QuestionVersion
from course.extensions import db


@pytest.fixture
def tutor(app: Flask, client: Any, create_framework: Callable, login_as: Callable) -> Any:
    """A tutor of "Org A" signed in on ``client``, with framework TESTFW stored."""
    create_framework("TESTFW")
    return login_as("tutor", org="Org A")


@pytest.fixture
def stored(app: Flask) -> Callable[..., list[dict]]:
    """``stored(question_id)``: every version's data, oldest first, with version/in_use/current."""

    def read(question_id: str) -> list[dict]:
        with app.app_context():
            rows = db.session.scalars(select(QuestionVersion).where(QuestionVersion.question_id == question_id)
                                      .order_by(QuestionVersion.version)).all()
            return [{"data": r.data, "version": r.version, "in_use": r.in_use, "current": r.is_current,
                     "org": r.organisation_id} for r in rows]

    return read


@pytest.fixture
def put_question(app: Flask) -> Callable[..., None]:
    """``put_question(org_id, question, in_use=False)``: store a question straight in the bank."""
    from course.bank.service import save_questions

    def put(org_id: int, question: dict, in_use: bool = False) -> None:
        with app.app_context():
            row = save_questions([question], organisation=org_id, user=None)[0]
            row.in_use = in_use
            db.session.commit()

    return put


def sc_question(qid: str = "q1", **overrides: Any) -> dict[str, Any]:
    """A valid single-choice question on TESTFW/K1."""
    q = {"id": qid, "version": 1, "type": "single_choice", "title": "Trust", "stem": "Which builds trust?",
         "criteria": ["TESTFW/K1"],
         "options": [{"id": "a", "text": "Listening", "correct": True, "feedback": "Yes."},
                     {"id": "b", "text": "Rushing", "correct": False, "feedback": "No."}]}
    q.update(overrides)
    return q


from tests.browser.conftest import browser, browser_page, live_server  # noqa: E402,F401
