"""A course whose criteria can be put in every state by writing rows directly.

Kept out of conftest.py on purpose: test modules import the fixture (``from ... import
evidence_course``), so other test files of tests/evidence keep their own conftest.

TESTFW (helpers.framework_doc): P.1 with P1, P2 (performance, workplace); K.1 with K1, K2 (knowledge).
Course "Evidence course" (slug evidence-course) of Provider A:
  m1 "Choices" (outcomes TESTFW/K.1 and TESTFW/P.1), a summative quiz, pass mark 0.5, fixed order:
     q-k1 single choice ("a" right) evidencing K1; q-essay, an essay (1 point) tagged to P1 and P2;
  m2 "Practice" (outcome TESTFW/K.1), a formative quiz with q-k1.
Users: Tess Tutor, Asha Assessor, Ian Iqa and the learner Lee Learner (enrolled), all of Provider A.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from course.authoring.models import Course, CourseFramework, Module, Page, Quiz
from course.extensions import db
from course.models import Framework, Organisation, User

K1, K2, P1, P2 = "TESTFW/K1", "TESTFW/K2", "TESTFW/P1", "TESTFW/P2"
T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)

Q_K1 = {"id": "q-k1", "version": 1, "type": "single_choice", "title": "Who decides", "stem": "Who decides?",
        "criteria": [K1], "shuffle": False,
        "options": [{"id": "a", "text": "The person", "correct": True}, {"id": "b", "text": "The family", "correct": False}]}
Q_ESSAY = {"id": "q-essay", "version": 1, "type": "essay", "title": "Reflect", "stem": "Reflect on a shift you worked.",
           "criteria": [P1, P2], "points": 1.0, "marker_guidance": "Look for the person's voice."}


@dataclass
class EvidenceCourse:
    """Ids and emails of the fixture."""

    org_id: int
    course_id: int
    slug: str
    m1: int
    quiz1: int
    m2: int
    quiz2: int
    learner_id: int
    learner_email: str
    tutor_email: str
    assessor_id: int
    assessor_email: str
    iqa_id: int
    iqa_email: str


@pytest.fixture
def evidence_course(app: Flask, create_framework: Callable[..., Framework],
                    create_user: Callable[..., User]) -> EvidenceCourse:
    from course.bank.service import save_questions
    from course.learning import enrolment

    create_framework("TESTFW", glh=10)
    tutor = create_user("tutor", "Provider A", name="Tess Tutor", email="tutor@a.test")
    assessor = create_user("assessor", "Provider A", name="Asha Assessor", email="assessor@a.test")
    iqa = create_user("iqa", "Provider A", name="Ian Iqa", email="iqa@a.test")
    learner = create_user("learner", "Provider A", name="Lee Learner", email="lee@a.test")
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Provider A"))
        fw = db.session.scalar(select(Framework).where(Framework.code == "TESTFW"))
        save_questions([dict(Q_K1), dict(Q_ESSAY)], organisation=org.id, user=None)
        course = Course(organisation_id=org.id, slug="evidence-course", title="Evidence course")
        course.course_frameworks.append(CourseFramework(framework_id=fw.id, position=0))
        m1 = Module(position=0, slug="m1", title="Choices", outcomes=["TESTFW/K.1", "TESTFW/P.1"], target_minutes=30)
        m1.pages = [Page(position=0, slug="p", title="Page", body="Text.")]
        m1.quiz = Quiz(title="Check", pass_mark=0.5, grading="highest", attempts=0, shuffle=False, mode="summative",
                       feedback="after_submission", items=[{"question": "q-k1", "version": 1},
                                                           {"question": "q-essay", "version": 1}])
        m2 = Module(position=1, slug="m2", title="Practice", outcomes=["TESTFW/K.1"], target_minutes=10)
        m2.pages = [Page(position=0, slug="p", title="Page", body="Text.")]
        m2.quiz = Quiz(title="Practice", pass_mark=0.5, grading="highest", attempts=0, shuffle=False, mode="formative",
                       feedback="after_submission", items=[{"question": "q-k1", "version": 1}])
        course.modules += [m1, m2]
        db.session.add(course)
        db.session.flush()
        enrolment.enrol_learner(course, name=learner.name, email=learner.email)
        db.session.commit()
        return EvidenceCourse(org.id, course.id, course.slug, m1.id, m1.quiz.id, m2.id, m2.quiz.id, learner.id,
                              learner.email, tutor.email, assessor.id, assessor.email, iqa.id, iqa.email)


# ---------------------------------------------------------------- rows written directly


def attempt(ec: EvidenceCourse, results: dict[str, dict[str, Any]], *, formative: bool = False, number: int = 1,
            at: dt.datetime = T0) -> int:
    """A finished attempt at m1's summative quiz (m2's formative one) with these criteria results."""
    from course.learning.models import Attempt

    row = Attempt(user_id=ec.learner_id, module_id=ec.m2 if formative else ec.m1,
                  quiz_id=ec.quiz2 if formative else ec.quiz1, number=number, seed=1,
                  quiz_snapshot={"pass_mark": 0.5, "mode": "formative" if formative else "summative", "bank": []},
                  questions=[], responses={}, criteria_results=results, status="finished", submitted_at=at,
                  finished_at=at, score=1.0, max_score=1.0, fraction=1.0, passed=True)
    db.session.add(row)
    db.session.flush()
    return row.id


def rule(fraction: float, met: bool = True) -> dict[str, Any]:
    """One criterion's result in an attempt."""
    return {"score": fraction, "max": 1.0, "fraction": fraction, "met": met}


def evidence(ec: EvidenceCourse, claimed: list[str], title: str, at: dt.datetime = T0) -> int:
    """Workplace evidence the learner submitted claiming ``claimed``, awaiting the assessor."""
    from course.evidence.models import WorkplaceEvidence

    row = WorkplaceEvidence(course_id=ec.course_id, learner_id=ec.learner_id, recorded_by_id=ec.learner_id,
                            kind="observation", occurred_on=at.date(), title=title, description="At work.",
                            claimed=claimed, declared_at=at, created_at=at, updated_at=at)
    db.session.add(row)
    db.session.flush()
    return row.id


def decision(ec: EvidenceCourse, evidence_id: int, ref: str, outcome: str, at: dt.datetime,
             comment: str = "") -> int:
    """The assessor's decision on the evidence for ``ref``."""
    from course.evidence.models import CriterionDecision

    row = CriterionDecision(evidence_id=evidence_id, course_id=ec.course_id, learner_id=ec.learner_id,
                            criterion_ref=ref, outcome=outcome, comment=comment, assessor_id=ec.assessor_id,
                            decided_at=at)
    db.session.add(row)
    db.session.flush()
    return row.id


def review(ec: EvidenceCourse, decision_id: int, outcome: str, at: dt.datetime, actions: str = "") -> int:
    """The IQA's review of a decision."""
    from course.evidence.models import IqaReview

    row = IqaReview(decision_id=decision_id, iqa_id=ec.iqa_id, outcome=outcome, actions=actions, reviewed_at=at)
    db.session.add(row)
    db.session.flush()
    return row.id
