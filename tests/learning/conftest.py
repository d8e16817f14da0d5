"""Fixtures for the learning tests: a small course with a quiz of every kind, a learner on it."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from course.authoring.models import Course, CourseFramework, Module, Page, Quiz
from course.extensions import db
from course.models import Framework, Organisation, User

K1, K2 = "TESTFW/K1", "TESTFW/K2"


def q_single(qid: str = "q-sc", criteria: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    """Single choice: "a" is right (1 point)."""
    return {
        "id": qid, "version": 1, "type": "single_choice", "title": "Who decides", "stem": "Who decides what Mr Okafor eats?",
        "criteria": criteria or [K1], "shuffle": True,
        "options": [
            {"id": "a", "text": "Mr Okafor", "correct": True, "feedback": "Yes: it is his choice."},
            {"id": "b", "text": "His daughter", "correct": False, "feedback": "No."},
            {"id": "c", "text": "The manager", "correct": False, "feedback": ""},
        ], **kw,
    }


def q_tf(qid: str = "q-tf", criteria: list[str] | None = None) -> dict[str, Any]:
    """True/false: true is right (1 point)."""
    return {"id": qid, "version": 1, "type": "true_false", "title": "Consent", "stem": "Consent can be withdrawn.",
            "criteria": criteria or [K2], "answer": True, "feedback_true": "Right.", "feedback_false": "It can."}


def q_essay(qid: str = "q-essay", points: float = 2.0) -> dict[str, Any]:
    """Essay worth ``points``, marked by a tutor."""
    return {"id": qid, "version": 1, "type": "essay", "title": "Reflect", "stem": "Reflect on a choice you supported.",
            "criteria": [K2], "points": points, "marker_guidance": "Look for the person's voice."}


def q_scenario(qid: str = "q-scen") -> dict[str, Any]:
    """Scenario (2 points): s1 single choice ("b" branches to s3), s2 true/false, s3 single choice."""
    return {
        "id": qid, "version": 1, "type": "scenario", "title": "Mrs Patel's move", "stem": "Read the case, then answer each step.",
        "criteria": [K1], "points": 2.0,
        "case": {"person": "Mrs Patel, 81", "setting": "Her home", "situation": "Her son wants her to move."},
        "steps": [
            {"id": "s1", "question": {"id": "c1", "type": "single_choice", "stem": "Her son rings you. What do you do first?",
                                      "options": [{"id": "a", "text": "Ask Mrs Patel what she wants", "correct": True},
                                                  {"id": "b", "text": "Agree with her son", "correct": False}]},
             "branches": {"b": "s3"}},
            {"id": "s2", "question": {"id": "c2", "type": "true_false", "stem": "She can refuse the move.", "answer": True},
             "next": "end"},
            {"id": "s3", "question": {"id": "c3", "type": "single_choice", "stem": "Who should you talk to now?",
                                      "options": [{"id": "a", "text": "Mrs Patel", "correct": True},
                                                  {"id": "b", "text": "Nobody", "correct": False}]},
             "next": "end"},
        ],
    }


@dataclass
class LearningCourse:
    """Ids of what ``make_course`` built."""

    org_id: int
    course_id: int
    course_slug: str
    module_id: int
    module_slug: str
    quiz_id: int | None
    learner: User
    tutor: User
    pages: int


@pytest.fixture
def make_course(app: Flask, create_framework: Callable[..., Framework], create_user: Callable[..., User]) -> Callable[..., LearningCourse]:
    """``make_course(questions=[...], items=None, **quiz_settings)``: an organisation with a tutor, an
    enrolled learner, a course on TESTFW with one module (two pages) whose quiz holds the questions
    as fixed items in order (or ``items``). ``quiz=None`` for a module without a quiz."""
    counter = iter(range(1, 1000))

    def make(questions: list[dict[str, Any]] | None = None, items: list[dict[str, Any]] | None = None, *,
             quiz: bool = True, enrol: bool = True, org_name: str | None = None, glh: int | None = 10,
             **settings: Any) -> LearningCourse:
        n = next(counter)
        with app.app_context():
            fw = db.session.scalar(db.select(Framework).where(Framework.code == "TESTFW"))
        if fw is None:
            fw = create_framework("TESTFW", glh=glh)
        org_name = org_name or f"Provider {n}"
        tutor = create_user("tutor", org_name)
        learner = create_user("learner", org_name)
        from course.bank.service import save_questions
        from course.learning import enrolment

        with app.app_context():
            org = db.session.scalar(db.select(Organisation).where(Organisation.name == org_name))
            qs = copy.deepcopy(questions if questions is not None else [q_single(), q_tf()])
            if qs:
                save_questions(qs, organisation=org.id, user=None)
            course = Course(organisation_id=org.id, slug=f"course-{n}", title=f"Relationships {n}", description="A course.")
            course.course_frameworks.append(CourseFramework(framework_id=fw.id, position=0))
            module = Module(position=0, slug="m01-choices", title="Choices and rights", outcomes=["TESTFW/K.1"],
                            target_minutes=30)
            module.pages = [
                Page(position=0, slug="intro", title="Why choice matters", body="People choose for **themselves**."),
                Page(position=1, slug="rights", title="Rights", body="Everyone has rights."),
            ]
            if quiz:
                defaults = {"title": "Check your understanding", "pass_mark": 0.5, "criterion_threshold": None,
                            "attempts": 0, "grading": "highest", "shuffle": False, "feedback": "after_submission"}
                defaults.update(settings)
                module.quiz = Quiz(items=items if items is not None else [{"question": q["id"], "version": 1} for q in qs],
                                   **defaults)
            course.modules.append(module)
            db.session.add(course)
            db.session.flush()
            if enrol:
                enrolment.enrol_learner(course, name=learner.name, email=learner.email, cohort="Spring")
            db.session.commit()
            return LearningCourse(org.id, course.id, course.slug, module.id, module.slug,
                                  module.quiz.id if module.quiz else None, learner, tutor, 2)

    return make


@pytest.fixture
def ctx(app: Flask):
    """An app context for service tests; the session is cleaned up after."""
    with app.app_context():
        yield
        db.session.rollback()


def load(model: Any, ident: int) -> Any:
    """A model instance by primary key in the current session."""
    return db.session.get(model, ident)
