"""A small course whose every report figure is worked out by hand in the tests.

TESTFW (GLH 10): K.1 with K1, K2 (knowledge); P.1 with P1, P2 (workplace).
Module m1 ("Choices", outcomes TESTFW/K.1, target 60 min) has a summative quiz (pass mark 0.6, fixed order):
  q1 single choice (a right; b, c wrong), evidences K1
  q2 true/false (true right), evidences K2
  q3 single choice (a right; b wrong), evidences K1 and K2
Module m2 ("Practice", outcomes TESTFW/P.1, target 30 min) has no quiz.

First attempts (item scores q1 q2 q3, total):
  Ann (cohort A)  a, true,  a  -> 1 1 1, 3   passed
  Ben (cohort A)  a, true,  b  -> 1 1 0, 2   passed (2/3 >= 0.6); second attempt a, true, a -> 1 1 1, 3
  Cat (cohort B)  b, true,  b  -> 0 1 0, 1   not passed
  Dan (cohort B)  c, false, a  -> 0 0 1, 1   not passed
Criterion rule (pass mark 0.6 per criterion): Ann K1 2/2, K2 2/2; Ben K1 1/2, K2 1/2, then 2/2 and 2/2;
Cat K1 0/2, K2 1/2; Dan K1 1/2, K2 1/2. So K1 and K2 are "Knowledge shown" for Ann and Ben only;
P1 and P2 are workplace criteria: "Not started" for everyone (no workplace evidence).
Time: Ann 1800 s on m1 (today), 1200 s on m2 (2 days ago) and m2 read to the end; Ben 3600 s on m1;
Cat 600 s on m2. Offline: Ann 90 min (yesterday, TESTFW/K.1), Dan 30 min (yesterday, no reference).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from course.authoring.models import Course, CourseFramework, Module, Page, Quiz
from course.extensions import db
from course.models import Framework, Organisation, User

K1, K2 = "TESTFW/K1", "TESTFW/K2"

QUESTIONS = [
    {"id": "q1", "version": 1, "type": "single_choice", "title": "Who decides", "stem": "Who decides?",
     "criteria": [K1], "shuffle": False,
     "options": [{"id": "a", "text": "The person", "correct": True}, {"id": "b", "text": "The family", "correct": False},
                 {"id": "c", "text": "The manager", "correct": False}]},
    {"id": "q2", "version": 1, "type": "true_false", "title": "Consent", "stem": "Consent can be withdrawn.",
     "criteria": [K2], "answer": True},
    {"id": "q3", "version": 1, "type": "single_choice", "title": "First step", "stem": "What first?",
     "criteria": [K1, K2], "shuffle": False,
     "options": [{"id": "a", "text": "Ask the person", "correct": True}, {"id": "b", "text": "Decide for them", "correct": False}]},
]

FIRST = {"ann": ["a", True, "a"], "ben": ["a", True, "b"], "cat": ["b", True, "b"], "dan": ["c", False, "a"]}


@dataclass
class ReportCourse:
    """Ids of the fixture."""

    org_id: int
    course_id: int
    slug: str
    m1: int
    m2: int
    users: dict[str, int]
    emails: dict[str, str]
    attempts: dict[str, list[int]]
    tutor: User
    today: dt.date


@pytest.fixture
def report_course(app: Flask, create_framework: Callable[..., Framework], create_user: Callable[..., User]) -> ReportCourse:
    """The course of the module docstring, committed."""
    from course.bank.service import save_questions
    from course.learning import attempts, enrolment, submission
    from course.learning.models import ModuleProgress, OfflineLearning, TimeLog, TimeOnTask
    from course.models.base import utcnow

    create_framework("TESTFW", glh=10)
    tutor = create_user("tutor", "Provider A", email="tutor@a.test")
    names = {"ann": ("Ann Archer", "A"), "ben": ("Ben Brook", "A"), "cat": ("Cat Cole", "B"), "dan": ("Dan Dale", "B")}
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Provider A"))
        fw = db.session.scalar(select(Framework).where(Framework.code == "TESTFW"))
        save_questions([dict(q) for q in QUESTIONS], organisation=org.id, user=None)
        course = Course(organisation_id=org.id, slug="care-basics", title="Care basics")
        course.course_frameworks.append(CourseFramework(framework_id=fw.id, position=0))
        m1 = Module(position=0, slug="m1", title="Choices", outcomes=["TESTFW/K.1"], target_minutes=60)
        m1.pages = [Page(position=0, slug="p", title="Page", body="Text.")]
        # Summative: its results are evidence of knowledge (course.evidence.status).
        m1.quiz = Quiz(title="Check", pass_mark=0.6, grading="highest", attempts=0, shuffle=False, mode="summative",
                       feedback="after_submission", items=[{"question": q["id"], "version": 1} for q in QUESTIONS])
        m2 = Module(position=1, slug="m2", title="Practice", outcomes=["TESTFW/P.1"], target_minutes=30,
                    workplace=["TESTFW/P1"])
        m2.pages = [Page(position=0, slug="p", title="Page", body="Text.")]
        course.modules += [m1, m2]
        db.session.add(course)
        db.session.flush()
        users, emails, attempt_ids = {}, {}, {}
        for key, (name, cohort) in names.items():
            email = f"{key}@a.test"
            enrolled, _ = enrolment.enrol_learner(course, name=name, email=email, cohort=cohort)
            users[key], emails[key] = enrolled.user_id, email
        for key, responses in FIRST.items():
            user = db.session.get(User, users[key])
            attempt = attempts.start_attempt(user, m1, seed=1)
            submission.submit_attempt(attempt, responses)
            attempt_ids[key] = [attempt.id]
        ben = db.session.get(User, users["ben"])
        second = attempts.start_attempt(ben, m1, seed=2)
        submission.submit_attempt(second, ["a", True, "a"])
        attempt_ids["ben"].append(second.id)
        today = utcnow().date()
        for key, module, seconds, day in (("ann", m1, 1800, today), ("ann", m2, 1200, today - dt.timedelta(days=2)),
                                          ("ben", m1, 3600, today), ("cat", m2, 600, today)):
            db.session.add(TimeOnTask(user_id=users[key], module_id=module.id, seconds=seconds))
            db.session.add(TimeLog(user_id=users[key], module_id=module.id, day=day, seconds=seconds))
        db.session.add(ModuleProgress(user_id=users["ann"], module_id=m2.id, pages_seen=1, pages_done=True))
        tutor_row = db.session.get(User, tutor.id)
        db.session.add(OfflineLearning(learner_id=users["ann"], course_id=course.id, date=today - dt.timedelta(days=1),
                                       minutes=90, activity="Shadowing a senior carer", outcomes=["TESTFW/K.1"],
                                       recorded_by_id=tutor_row.id))
        db.session.add(OfflineLearning(learner_id=users["dan"], course_id=course.id, date=today - dt.timedelta(days=1),
                                       minutes=30, activity="Team meeting", outcomes=[], recorded_by_id=tutor_row.id))
        db.session.commit()
        return ReportCourse(org.id, course.id, course.slug, m1.id, m2.id, users, emails, attempt_ids, tutor, today)
