"""A course with assessors' decisions to sample and quizzes whose mappings an IQA signs off.

Provider A, course "care" built on TESTFW (P1, P2 workplace; K1, K2 knowledge):
  module m1 "Knowing": a summative quiz with fixed questions q1 (K1) and q2 (K1, K2);
  module m2 "Practising": a formative quiz drawing 1 question evidencing TESTFW/K2 (q2 or q3).
People: admin, tutor, assessors Ada and Bob, IQAs Ivy and Ian, learners Lee and Mia (enrolled),
a learner Liz with a password (for the route matrix). Provider B has its own IQA and course "other".

Decisions (``DECISIONS``: key, learner, criterion, assessor, date, evidence kind), ids 1..11 in
this order; decision 11 supersedes decision 4 (so 4 is superseded).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from course.authoring.models import Course, CourseFramework, Module, Quiz
from course.evidence.models import CriterionDecision, WorkplaceEvidence
from course.extensions import db
from course.models import Framework, Organisation, User

P1, P2, K1, K2 = "TESTFW/P1", "TESTFW/P2", "TESTFW/K1", "TESTFW/K2"

QUESTIONS = [
    {"id": "q1", "version": 1, "type": "true_false", "title": "Consent first", "stem": "Ask before helping.", "criteria": [K1],
     "answer": True},
    {"id": "q2", "version": 1, "type": "true_false", "title": "Withdrawn consent", "stem": "Consent can be withdrawn.",
     "criteria": [K2, K1], "answer": True},
    {"id": "q3", "version": 1, "type": "true_false", "title": "Records", "stem": "Records are confidential.", "criteria": [K2],
     "answer": True},
]

# (learner, criterion, assessor, decided on, kind); ids follow this order.
DECISIONS = [
    ("lee", P1, "ada", dt.date(2026, 7, 3), "observation"),           # 1
    ("lee", P2, "ada", dt.date(2026, 7, 20), "observation"),          # 2
    ("mia", P1, "ada", dt.date(2026, 8, 11), "product"),              # 3
    ("mia", P2, "ada", dt.date(2026, 9, 1), "product"),               # 4 (superseded by 11)
    ("lee", P1, "ada", dt.date(2026, 9, 29), "witness_testimony"),    # 5
    ("lee", P2, "ada", dt.date(2026, 10, 2), "observation"),          # 6
    ("mia", P1, "ada", dt.date(2026, 11, 5), "observation"),          # 7
    ("lee", P1, "bob", dt.date(2026, 10, 15), "product"),             # 8
    ("mia", P1, "bob", dt.date(2026, 11, 20), "observation"),         # 9
    ("mia", P2, "bob", dt.date(2026, 11, 21), "reflective_account"),  # 10
    ("mia", P2, "ada", dt.date(2026, 9, 2), "product"),               # 11 (replaces 4)
]


@dataclass
class IqaCourse:
    """Ids and users of the fixture."""

    org_id: int
    course_id: int
    slug: str
    users: dict[str, User]
    decisions: dict[int, int]  # position in DECISIONS (1-based) -> decision id
    other_slug: str
    other_decision: int


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.timezone.utc)


def _course(org_id: int, slug: str, title: str, fw: Framework) -> Course:
    course = Course(organisation_id=org_id, slug=slug, title=title)
    course.course_frameworks.append(CourseFramework(framework_id=fw.id, position=0))
    return course


@pytest.fixture
def iqa_course(app: Flask, create_framework: Callable[..., Framework], create_user: Callable[..., User]) -> IqaCourse:
    """The course of the module docstring, committed."""
    from course.bank.service import save_questions
    from course.learning import enrolment

    create_framework("TESTFW")
    users = {
        "admin": create_user("admin", "Provider A", email="admin@a.test", name="Amy Admin"),
        "tutor": create_user("tutor", "Provider A", email="tutor@a.test", name="Tom Tutor"),
        "ada": create_user("assessor", "Provider A", email="ada@a.test", name="Ada Assessor"),
        "bob": create_user("assessor", "Provider A", email="bob@a.test", name="Bob Assessor"),
        "iqa": create_user("iqa", "Provider A", email="iqa@a.test", name="Ivy IQA"),
        "iqa2": create_user("iqa", "Provider A", email="ian@a.test", name="Ian IQA"),
        "liz": create_user("learner", "Provider A", email="liz@a.test", name="Liz Learner"),
        "other_iqa": create_user("iqa", "Provider B", email="iqa@b.test", name="Olga IQA"),
    }
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Provider A"))
        org_b = db.session.scalar(select(Organisation).where(Organisation.name == "Provider B"))
        fw = db.session.scalar(select(Framework).where(Framework.code == "TESTFW"))
        save_questions([dict(q) for q in QUESTIONS], organisation=org.id, user=None)
        course = _course(org.id, "care", "Care at work", fw)
        m1 = Module(position=0, slug="m1", title="Knowing", outcomes=["TESTFW/K.1"], target_minutes=30)
        m1.quiz = Quiz(title="Knowing: quiz", mode="summative", pass_mark=0.5, attempts=3, grading="highest",
                       shuffle=False, feedback="after_submission",
                       items=[{"question": "q1", "version": 1}, {"question": "q2", "version": 1}])
        m2 = Module(position=1, slug="m2", title="Practising", outcomes=["TESTFW/P.1"], target_minutes=30)
        m2.quiz = Quiz(title="Practising: quiz", mode="formative", pass_mark=0.5, attempts=0, grading="highest",
                       shuffle=False, feedback="immediate", items=[{"draw": {"count": 1, "criterion": K2}}])
        course.modules += [m1, m2]
        other = _course(org_b.id, "other", "Other provider's course", fw)
        db.session.add_all([course, other])
        db.session.flush()
        for key, name in (("lee", "Lee Learner"), ("mia", "Mia Learner")):
            enrolled, _ = enrolment.enrol_learner(course, name=name, email=f"{key}@a.test")
            users[key] = db.session.get(User, enrolled.user_id)
        ids: dict[int, int] = {}
        for n, (learner, ref, assessor, day, kind) in enumerate(DECISIONS, start=1):
            evidence = WorkplaceEvidence(course_id=course.id, learner_id=users[learner].id, kind=kind, occurred_on=day,
                                         title=f"Evidence {n}", description=f"What happened {n}.", claimed=[ref],
                                         recorded_by_id=users[learner].id)
            db.session.add(evidence)
            db.session.flush()
            decision = CriterionDecision(evidence_id=evidence.id, course_id=course.id, learner_id=users[learner].id,
                                         criterion_ref=ref, outcome="met", comment=f"Seen doing it ({n}).",
                                         assessor_id=users[assessor].id, decided_at=_at(day))
            if n == 11:
                decision.supersedes_id = ids[4]
                db.session.get(CriterionDecision, ids[4]).superseded = True
            db.session.add(decision)
            db.session.flush()
            ids[n] = decision.id
        other_learner = User(email="x@b.test", name="Xena", role="learner", organisation_id=org_b.id)
        db.session.add(other_learner)
        db.session.flush()
        ev = WorkplaceEvidence(course_id=other.id, learner_id=other_learner.id, kind="observation",
                               occurred_on=dt.date(2026, 10, 1), title="Theirs", claimed=[P1])
        db.session.add(ev)
        db.session.flush()
        theirs = CriterionDecision(evidence_id=ev.id, course_id=other.id, learner_id=other_learner.id,
                                   criterion_ref=P1, outcome="met", decided_at=_at(dt.date(2026, 10, 1)))
        db.session.add(theirs)
        db.session.commit()
        for key in ("lee", "mia"):  # detached with their columns loaded, like the factories' users
            db.session.refresh(users[key])
            db.session.expunge(users[key])
        return IqaCourse(org.id, course.id, "care", users, ids, "other", theirs.id)


def get_course(slug: str = "care", org_id: int | None = None) -> Course:
    """The stored course (inside an app context)."""
    stmt = select(Course).where(Course.slug == slug)
    if org_id is not None:
        stmt = stmt.where(Course.organisation_id == org_id)
    return db.session.scalar(stmt)
