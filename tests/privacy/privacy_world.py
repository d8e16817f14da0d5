"""The privacy tests' world, imported by each test module: two organisations, two courses with
different retention periods, and a scripted learner (Ann) with records on both.

Organisation A: admin, assessor "A Assessor", IQA "A Iqa", learners Ann Archer and Bea Brook.
Organisation B: admin and learner Cy Cole.
- "Care at work" (retention 3 years, module "Consent"): Ann's finished attempt (2 answers, 1.5 of
  2, passed), 600 s online over 2 days, page progress, one evidence with one file, a decision
  (met) reviewed by the IQA (agreed), audit entry "evidence.recorded". All dated today.
  Bea's attempt there answers "BEA-SECRET".
- "Old course" (retention 1 year, module "Basics"): Ann's enrolment, one attempt (1 answer), 120 s
  of time, one offline record, all dated 2022-03-01, so past retention.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask

from course.api.models import ApiToken
from course.authoring.models import Course, Module
from course.evidence.models import AuditEntry, CriterionDecision, EvidenceFile, IqaReview, WorkplaceEvidence
from course.extensions import db
from course.learning.models import (
    AnswerMark,
    Attempt,
    Enrolment,
    ModuleProgress,
    OfflineLearning,
    TimeLog,
    TimeOnTask,
)
from course.models import User

UTC = dt.timezone.utc
OLD = dt.datetime(2022, 3, 1, 10, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class World:
    users: dict[str, User]
    care: int
    old: int
    evidence_id: int
    file_id: int


def _attempt(user_id: int, module_id: int, answers: list[tuple[str, float, float]], when: dt.datetime) -> Attempt:
    score = sum(a[1] for a in answers)
    top = sum(a[2] for a in answers)
    attempt = Attempt(user_id=user_id, module_id=module_id, number=1, seed=7, status="finished",
                      quiz_snapshot={"title": "Quiz"}, started_at=when, submitted_at=when, finished_at=when,
                      created_at=when, updated_at=when, score=score, max_score=top, fraction=score / top,
                      passed=score / top >= 0.5, criteria_results={"TESTFW/K1": {"score": score, "max": top,
                                                                                  "fraction": score / top, "met": True}},
                      responses={str(i): a[0] for i, a in enumerate(answers)})
    attempt.marks = [AnswerMark(position=i, question_id=f"q-{i}", version=1, response=a[0], auto_score=a[1],
                                score=a[1], max_score=a[2], fraction=a[1] / a[2], correct=a[1] == a[2],
                                feedback=[f"Feedback {i}"], criteria=["TESTFW/K1"]) for i, a in enumerate(answers)]
    return attempt


@pytest.fixture
def world(app: Flask, create_user: Callable[..., User]) -> World:
    from course.models.base import utcnow

    users = {
        "admin": create_user("admin", "Provider A", email="admin@a.test", name="A Admin"),
        "assessor": create_user("assessor", "Provider A", email="assessor@a.test", name="A Assessor"),
        "iqa": create_user("iqa", "Provider A", email="iqa@a.test", name="A Iqa"),
        "tutor": create_user("tutor", "Provider A", email="tutor@a.test", name="A Tutor"),
        "ann": create_user("learner", "Provider A", email="ann@a.test", name="Ann Archer"),
        "bea": create_user("learner", "Provider A", email="bea@a.test", name="Bea Brook"),
        "b_admin": create_user("admin", "Provider B", email="admin@b.test", name="B Admin"),
        "cy": create_user("learner", "Provider B", email="cy@b.test", name="Cy Cole"),
    }
    ann, bea = users["ann"].id, users["bea"].id
    now = utcnow()
    with app.app_context():
        org_a = users["admin"].organisation_id
        care = Course(organisation_id=org_a, slug="care", title="Care at work", assessment_retention_years=3)
        care.modules.append(Module(position=0, slug="consent", title="Consent"))
        old = Course(organisation_id=org_a, slug="old", title="Old course", assessment_retention_years=1)
        old.modules.append(Module(position=0, slug="basics", title="Basics"))
        db.session.add_all([care, old])
        db.session.flush()
        m_care, m_old = care.modules[0].id, old.modules[0].id
        db.session.add_all([
            Enrolment(user_id=ann, course_id=care.id, cohort="Spring"),
            Enrolment(user_id=bea, course_id=care.id),
            Enrolment(user_id=ann, course_id=old.id, enrolled_at=OLD, created_at=OLD, updated_at=OLD),
            _attempt(ann, m_care, [("b", 1.0, 1.0), ("ANN-ANSWER", 0.5, 1.0)], now),
            _attempt(bea, m_care, [("BEA-SECRET", 0.0, 1.0)], now),
            _attempt(ann, m_old, [("c", 1.0, 1.0)], OLD),
            TimeOnTask(user_id=ann, module_id=m_care, seconds=600, last_heartbeat_at=now),
            TimeLog(user_id=ann, module_id=m_care, day=now.date() - dt.timedelta(days=1), seconds=400),
            TimeLog(user_id=ann, module_id=m_care, day=now.date(), seconds=200),
            ModuleProgress(user_id=ann, module_id=m_care, pages_seen=3, pages_done=True),
            TimeOnTask(user_id=ann, module_id=m_old, seconds=120, last_heartbeat_at=OLD),
            TimeLog(user_id=ann, module_id=m_old, day=OLD.date(), seconds=120),
            OfflineLearning(learner_id=ann, course_id=old.id, date=OLD.date(), minutes=60, activity="Workshop",
                            recorded_by_id=users["tutor"].id, created_at=OLD, updated_at=OLD),
        ])
        evidence = WorkplaceEvidence(course_id=care.id, learner_id=ann, recorded_by_id=ann, kind="observation",
                                     occurred_on=now.date(), title="Lunch choices",
                                     description="I offered a choice of lunch.", claimed=["TESTFW/P1"],
                                     declared_at=now, assessed_at=now)
        evidence.files.append(EvidenceFile(filename="my notes.pdf", content_type="application/pdf",
                                           size=len(PDF), sha256="0" * 64, data=PDF))
        db.session.add(evidence)
        db.session.flush()
        decision = CriterionDecision(evidence_id=evidence.id, course_id=care.id, learner_id=ann,
                                     criterion_ref="TESTFW/P1", outcome="met", comment="Clear and safe.",
                                     assessor_id=users["assessor"].id)
        db.session.add(decision)
        db.session.flush()
        db.session.add_all([
            IqaReview(decision_id=decision.id, iqa_id=users["iqa"].id, outcome="agreed", comment="Sound."),
            AuditEntry(organisation_id=org_a, actor_id=ann, action="evidence.recorded", subject_type="evidence",
                       subject_id=str(evidence.id), course_id=care.id, learner_id=ann, new={"title": "Lunch choices"}),
            AuditEntry(organisation_id=org_a, actor_id=bea, action="evidence.recorded", subject_type="evidence",
                       subject_id="999", course_id=care.id, learner_id=bea, new={"title": "BEA-EVIDENCE"}),
        ])
        ApiToken.issue(db.session.get(User, ann), "script")
        db.session.commit()
        return World(users=users, care=care.id, old=old.id, evidence_id=evidence.id, file_id=evidence.files[0].id)
