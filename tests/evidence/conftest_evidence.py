"""The evidence tests' world, imported explicitly by each test module (not a conftest.py, which
another area of the evidence tests may own): two organisations with one user per role, a course
on TESTFW with an enrolled learner, and a marked essay tagged with performance criteria.

TESTFW: P.1 with P1, P2 (performance, workplace); K.1 with K1, K2 (knowledge). OTHERFW exists but
is not on the course. Module "Reflection" has a quiz with one essay question ("Reflect on
consent", 2 points) tagged TESTFW/P1, TESTFW/P2 and TESTFW/K1; Ann's attempt at it is marked 1.5.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from course.authoring.models import Course, CourseFramework, Module, Page, Quiz
from course.evidence.models import AuditEntry, CriterionDecision, EvidenceFile, WorkplaceEvidence
from course.extensions import db
from course.models import Framework, Organisation, User

P1, P2, K1, K2 = "TESTFW/P1", "TESTFW/P2", "TESTFW/K1", "TESTFW/K2"
ESSAY_ANSWER = "I asked Mr Okafor what he wanted for lunch and wrote his choice in his plan."

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 30
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 40
TEXT = "Witness statement: she asked before helping. Café £5.\n".encode()


def docx_bytes(with_document: bool = True, macros: bool = False) -> bytes:
    """A minimal zip shaped like a Word document (or like another zip when ``with_document`` is False)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if with_document else "other/thing.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


ESSAY_QUESTION = {"id": "q-reflect", "version": 1, "type": "essay", "title": "Reflect on consent",
                  "stem": "Describe a time you supported someone's choice.", "criteria": [P1, P2, K1], "points": 2.0}


@dataclass
class World:
    """Ids of what ``world`` built; ``users`` by key: admin, tutor, assessor, iqa, learner (Ann,
    enrolled), learner2 (Bea, enrolled), stranger (a learner of A, not enrolled), and the same
    roles of organisation B prefixed "b_"."""

    org_a: int
    org_b: int
    course_id: int
    course_b: int
    module_id: int
    users: dict[str, User]
    essay_item: int
    today: dt.date


@pytest.fixture
def world(app: Flask, create_framework: Callable[..., Framework], create_user: Callable[..., User]) -> World:
    from course.bank.service import save_questions
    from course.learning import attempts, enrolment, essays, submission
    from course.models.base import utcnow

    create_framework("TESTFW")
    create_framework("OTHERFW")
    users: dict[str, User] = {}
    for role in ("admin", "tutor", "assessor", "iqa"):
        users[role] = create_user(role, "Provider A", email=f"{role}@a.test", name=f"A {role.capitalize()}")
        users[f"b_{role}"] = create_user(role, "Provider B", email=f"{role}@b.test", name=f"B {role.capitalize()}")
    users["learner"] = create_user("learner", "Provider A", email="ann@a.test", name="Ann Archer")
    users["learner2"] = create_user("learner", "Provider A", email="bea@a.test", name="Bea Brook")
    users["stranger"] = create_user("learner", "Provider A", email="sam@a.test", name="Sam Stone")
    users["b_learner"] = create_user("learner", "Provider B", email="learner@b.test", name="Bob Bell")
    with app.app_context():
        org_a = db.session.scalar(select(Organisation).where(Organisation.name == "Provider A"))
        org_b = db.session.scalar(select(Organisation).where(Organisation.name == "Provider B"))
        fw = db.session.scalar(select(Framework).where(Framework.code == "TESTFW"))
        save_questions([dict(ESSAY_QUESTION)], organisation=org_a.id, user=None)
        course = Course(organisation_id=org_a.id, slug="care", title="Care at work")
        course.course_frameworks.append(CourseFramework(framework_id=fw.id, position=0))
        module = Module(position=0, slug="reflect", title="Reflection", outcomes=["TESTFW/P.1"], target_minutes=30)
        module.pages = [Page(position=0, slug="p", title="Page", body="Text.")]
        module.quiz = Quiz(title="Reflect", pass_mark=0.5, grading="highest", attempts=0, shuffle=False,
                           feedback="after_submission", items=[{"question": "q-reflect", "version": 1}])
        course.modules.append(module)
        other = Course(organisation_id=org_b.id, slug="care", title="Care elsewhere")
        other.course_frameworks.append(CourseFramework(framework_id=fw.id, position=0))
        db.session.add_all([course, other])
        db.session.flush()
        for key in ("learner", "learner2"):
            enrolment.enrol_learner(course, name=users[key].name, email=users[key].email)
        enrolment.enrol_learner(other, name=users["b_learner"].name, email=users["b_learner"].email)
        ann = db.session.get(User, users["learner"].id)
        attempt = attempts.start_attempt(ann, module, seed=1)
        submission.submit_attempt(attempt, [ESSAY_ANSWER])
        item = attempt.marks[0]
        essays.mark_essay(item, "", 1.5, "Good: you asked him.", tutor=db.session.get(User, users["tutor"].id))
        db.session.commit()
        return World(org_a.id, org_b.id, course.id, other.id, module.id, users, item.id, utcnow().date())


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context for service tests; the session is rolled back after."""
    with app.app_context():
        yield
        db.session.rollback()


def get(model: Any, ident: int) -> Any:
    return db.session.get(model, ident)


def counts() -> dict[str, int]:
    """Rows of each evidence table: "nothing written" is these unchanged."""
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) or 0
            for m in (WorkplaceEvidence, EvidenceFile, CriterionDecision, AuditEntry)}


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def valid_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"kind": "observation", "occurred_on": "2026-11-02", "title": "Supporting lunch choices",
                              "description": "My manager watched me offer Mr Okafor a choice of lunch.",
                              "claimed": [P1, P2]}
    fields.update(overrides)
    return fields
