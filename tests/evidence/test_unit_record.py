"""The learner's unit record: exact rows and states for a scripted learner, and who may see it.

The scripted learner (Lee) on course "Record course", unit RECFW (URN R/650/2231, level 3,
credit 4, GLH 27, no TQT given: 4 x 10 = 40 hours):

  1 "Know the basics" (knowledge): 1.1, 1.2
  2 "Work safely" (performance, assessed at work): 2.1, 2.2, 2.3

- a finished attempt at the summative quiz of module "Basics" met 1.1 (80%), not 1.2 (40%);
- evidence "Observed handover" (observation, declared) claims 2.1 and 2.2: the assessor met 2.1
  and referred 2.2; the IQA agreed with the 2.1 decision;
- evidence "Reflective account on safety" (not declared) claims 2.3 and awaits the assessor.

So the states are: 1.1 Knowledge shown, 1.2 Not started, 2.1 IQA confirmed, 2.2 Referred,
2.3 Evidence submitted (all from course.evidence.status).

Time: 1500 s online on "Basics" (25 minutes); a guided session of 60 minutes (RECFW/2), a supervised
assessment of 30 minutes (RECFW/2.1), 120 minutes off the job (RECFW/1) and 20 guided minutes with
no reference (the course only). GLH: 90 minutes = "1.5 hours of 27 hours"; TQT: 25 + 60 + 30 + 120
= 235 minutes = "3.9 hours of 40 hours".
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from course.authoring.models import Course, CourseFramework, Module, Page, Quiz
from course.evidence.models import CriterionDecision, IqaReview, WorkplaceEvidence
from course.extensions import db
from course.learning.models import Attempt, Enrolment, OfflineLearning, TimeOnTask
from course.models import Framework, Organisation, User
from tests.helpers import login

OUTCOMES = [
    {"code": "1", "title": "Know the basics", "kind": "knowledge", "criteria": [
        {"code": "1.1", "kind": "knowledge", "text": "Explain what consent means", "workplace": False},
        {"code": "1.2", "kind": "knowledge", "text": "Describe how to record consent", "workplace": False}]},
    {"code": "2", "title": "Work safely", "kind": "performance", "criteria": [
        {"code": "2.1", "kind": "performance", "text": "Hand over a shift safely", "workplace": True},
        {"code": "2.2", "kind": "performance", "text": "Report a concern", "workplace": True},
        {"code": "2.3", "kind": "performance", "text": "Reflect on a safety incident", "workplace": True}]},
]
ROLES_SEEING = ("tutor", "assessor", "iqa", "admin")


@dataclass
class Scripted:
    course_id: int
    framework_id: int
    other_framework_id: int
    lee: int
    mo: int
    emails: dict[str, str]


@pytest.fixture
def scripted(app: Flask, create_framework, create_user) -> Scripted:
    create_framework("RECFW", kind="qcf", title="Safe and consenting care", glh=27, outcomes=OUTCOMES)
    create_framework("OTHERFW")
    emails = {}
    for role in ROLES_SEEING:
        emails[role] = create_user(role, "Provider R", email=f"{role}@r.test", name=f"R {role}").email
    emails["stranger"] = create_user("tutor", "Provider S", email="tutor@s.test").email
    lee = create_user("learner", "Provider R", email="lee@r.test", name="Lee Lane")
    mo = create_user("learner", "Provider R", email="mo@r.test", name="Mo More")
    emails["lee"], emails["mo"] = lee.email, mo.email
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Provider R"))
        fw = db.session.scalar(select(Framework).where(Framework.code == "RECFW"))
        fw.urn, fw.level, fw.credit, fw.tqt = "R/650/2231", "3", 4, None
        other = db.session.scalar(select(Framework).where(Framework.code == "OTHERFW"))
        assessor = db.session.scalar(select(User).where(User.email == "assessor@r.test"))
        iqa = db.session.scalar(select(User).where(User.email == "iqa@r.test"))
        tutor = db.session.scalar(select(User).where(User.email == "tutor@r.test"))
        course = Course(organisation_id=org.id, slug="record-course", title="Record course")
        course.course_frameworks.append(CourseFramework(framework_id=fw.id, position=0))
        m1 = Module(position=0, slug="basics", title="Basics", outcomes=["RECFW/1"], target_minutes=60)
        m1.pages = [Page(position=0, slug="p", title="Page", body="Text.")]
        m1.quiz = Quiz(title="Check", pass_mark=0.6, mode="summative", items=[])
        course.modules.append(m1)
        db.session.add(course)
        db.session.flush()
        for learner in (lee, mo):
            db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
        finished = dt.datetime(2026, 11, 2, 10, tzinfo=dt.timezone.utc)
        db.session.add(Attempt(user_id=lee.id, module_id=m1.id, quiz_id=m1.quiz.id, number=1, seed=1,
                               status="finished", finished_at=finished, fraction=0.6, passed=True,
                               criteria_results={"RECFW/1.1": {"score": 4, "max": 5, "fraction": 0.8, "met": True},
                                                 "RECFW/1.2": {"score": 2, "max": 5, "fraction": 0.4, "met": False}}))
        handover = WorkplaceEvidence(course_id=course.id, learner_id=lee.id, recorded_by_id=lee.id, kind="observation",
                                     occurred_on=dt.date(2026, 11, 3), title="Observed handover",
                                     claimed=["RECFW/2.1", "RECFW/2.2"], declared_at=dt.datetime(2026, 11, 3, 12, tzinfo=dt.timezone.utc),
                                     assessed_at=dt.datetime(2026, 11, 4, 9, tzinfo=dt.timezone.utc))
        reflective = WorkplaceEvidence(course_id=course.id, learner_id=lee.id, recorded_by_id=lee.id,
                                       kind="reflective_account", occurred_on=dt.date(2026, 11, 5),
                                       title="Reflective account on safety", claimed=["RECFW/2.3"])
        db.session.add_all([handover, reflective])
        db.session.flush()
        met = CriterionDecision(evidence_id=handover.id, course_id=course.id, learner_id=lee.id,
                                criterion_ref="RECFW/2.1", outcome="met", comment="Clear and complete.",
                                assessor_id=assessor.id, decided_at=dt.datetime(2026, 11, 4, 9, tzinfo=dt.timezone.utc))
        referred = CriterionDecision(evidence_id=handover.id, course_id=course.id, learner_id=lee.id,
                                     criterion_ref="RECFW/2.2", outcome="referred", comment="No concern arose.",
                                     assessor_id=assessor.id, decided_at=dt.datetime(2026, 11, 4, 9, tzinfo=dt.timezone.utc))
        db.session.add_all([met, referred])
        db.session.flush()
        db.session.add(IqaReview(decision_id=met.id, iqa_id=iqa.id, outcome="agreed",
                                 reviewed_at=dt.datetime(2026, 11, 6, 15, tzinfo=dt.timezone.utc)))
        db.session.add(TimeOnTask(user_id=lee.id, module_id=m1.id, seconds=1500))
        for kind, minutes, refs in (("guided_session", 60, ["RECFW/2"]), ("assessment", 30, ["RECFW/2.1"]),
                                    ("off_the_job", 120, ["RECFW/1"]), ("guided_session", 20, [])):
            db.session.add(OfflineLearning(learner_id=lee.id, course_id=course.id, date=dt.date(2026, 11, 1),
                                           minutes=minutes, activity=f"{kind} activity", kind=kind, outcomes=refs,
                                           recorded_by_id=tutor.id))
        db.session.commit()
        return Scripted(course.id, fw.id, other.id, lee.id, mo.id, emails)


def url(s: Scripted, user_id: int | None = None, framework_id: int | None = None) -> str:
    return (f"/record/courses/{s.course_id}/learners/{user_id or s.lee}"
            f"/units/{framework_id or s.framework_id}")


def text(html: str) -> str:
    """The words a reader sees: inline tags vanish, block tags separate words."""
    html = re.sub(r"</?(time|strong|span|a)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rows(html: str) -> dict[str, str]:
    """Each criterion row's text, by code."""
    out = {}
    for code, body in re.findall(r'<tr id="criterion-([^"]+)">(.*?)</tr>', html, re.S):
        out[code] = text(body)
    return out


def test_the_service_gives_each_criterion_its_state_from_status(app: Flask, scripted: Scripted) -> None:
    from course.evidence import record

    with app.app_context():
        found = record.find(db.session.scalar(select(Course.organisation_id).where(Course.id == scripted.course_id)),
                            scripted.course_id, scripted.lee, scripted.framework_id)
        assert found is not None
        data = record.unit_record(*found, today=dt.date(2026, 12, 6))
        assert [(o.code, [(c.code, c.status.label) for c in o.criteria]) for o in data.outcomes] == [
            ("1", [("1.1", "Knowledge shown"), ("1.2", "Not started")]),
            ("2", [("2.1", "IQA confirmed"), ("2.2", "Referred"), ("2.3", "Evidence submitted")]),
        ]
        by_code = {c.code: c for c in data.criteria}
        assert [(e.title, e.kind, e.decision, e.declared) for e in by_code["2.2"].evidence] == [
            ("Observed handover", "Observation", "referred", True)]
        assert [(e.title, e.decision, e.declared) for e in by_code["2.3"].evidence] == [
            ("Reflective account on safety", "awaiting the assessor", False)]
        assert [(q.module_title, q.number, q.fraction, q.met, q.summative) for q in by_code["1.2"].quizzes] == [
            ("Basics", 1, 0.4, False, True)]
        assert by_code["2.1"].status.decision.assessor == "R assessor"
        assert by_code["2.1"].status.decision.review_by == "R iqa"
        t = data.time
        assert (t.self_study_seconds, t.guided_minutes, t.assessment_minutes, t.off_the_job_minutes) == (1500, 60, 30, 120)
        assert (data.figures.glh, data.figures.tqt, data.figures.tqt_source) == (27, 40, "credit")
        assert (t.glh_minutes, t.tqt_minutes) == (90, 235)
        # Lee's other learner, Mo, has nothing: every criterion not started, no time.
        mo = record.find(found[0].organisation_id, scripted.course_id, scripted.mo, scripted.framework_id)
        assert {c.status.label for c in record.unit_record(*mo).criteria} == {"Not started"}


def test_the_learner_sees_their_own_record_with_every_row(client: FlaskClient, scripted: Scripted) -> None:
    assert login(client, scripted.emails["lee"]).status_code == 302
    response = client.get(url(scripted))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text(html)
    assert "Unit record: Safe and consenting care" in page
    for fact in ("Learner Lee Lane (lee@r.test)", "Course Record course", "Unit RECFW", "Unit reference R/650/2231",
                 "Level 3", "Credit 4", "GLH 27", "TQT 40 hours (credit × 10 hours)",
                 f"Printed {dt.date.today().strftime('%-d %B %Y').lstrip('0')}"):
        assert fact in page, fact
    found = rows(html)
    assert list(found) == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    assert found["1.1"].startswith("1.1 Explain what consent means knowledge Knowledge shown Quiz rule met in Basics, "
                                   "attempt 1 (80%, 2026-11-02).")
    assert "Summative quiz Basics, attempt 1: 80%, rule met (2 Nov 2026)" in found["1.1"]
    assert "Not started" in found["1.2"] and "Summative quiz Basics, attempt 1: 40%, rule not met" in found["1.2"]
    assert ("2.1 Hand over a shift safely performance, assessed at work IQA confirmed" in found["2.1"])
    assert ("Decision: met by R assessor on 4 Nov 2026, against “Observed handover”: Clear and complete."
            in found["2.1"])
    assert "IQA: agreed by R iqa on 6 Nov 2026" in found["2.1"]
    assert "Observation: “Observed handover”, 3 Nov 2026; met" in found["2.1"]
    assert "Referred" in found["2.2"] and "Decision: referred by R assessor on 4 Nov 2026" in found["2.2"]
    assert "Observation: “Observed handover”, 3 Nov 2026; referred" in found["2.2"]
    assert found["2.3"].startswith("2.3 Reflect on a safety incident performance, assessed at work Evidence submitted")
    assert ("Reflective account: “Reflective account on safety”, 5 Nov 2026; awaiting the assessor; "
            "not declared the learner's own work") in found["2.3"]
    for line in ("Online self-study 25 minutes TQT", "Guided sessions with a tutor 1 hour GLH and TQT",
                 "Supervised assessments and observations 30 minutes GLH and TQT",
                 "Off-the-job training 2.0 hours TQT, and listed on its own", "Guided learning (GLH) 1.5 hours of 27 hours",
                 "Total qualification time (TQT) 3.9 hours of 40 hours"):
        assert line in page, line
    assert ("Online study counts toward total qualification time (TQT); guided learning hours (GLH) are time "
            "with a tutor or assessor") in page


def test_the_print_stylesheet_is_linked_for_print(client: FlaskClient, scripted: Scripted) -> None:
    login(client, scripted.emails["lee"])
    html = client.get(url(scripted)).get_data(as_text=True)
    assert re.search(r'<link rel="stylesheet" href="/static/unit-record-print.css[^"]*" media="print">', html)
    css = client.get("/static/unit-record-print.css").get_data(as_text=True)
    assert "size: A4" in css and "display: table-header-group" in css and ".site-header" in css


@pytest.mark.parametrize("role", ROLES_SEEING)
def test_staff_of_the_organisation_see_the_record(client: FlaskClient, scripted: Scripted, role: str) -> None:
    login(client, scripted.emails[role])
    response = client.get(url(scripted))
    assert response.status_code == 200
    assert list(rows(response.get_data(as_text=True))) == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    # Mo's record too, with every criterion not started.
    mo = rows(client.get(url(scripted, scripted.mo)).get_data(as_text=True))
    assert all("Not started" in r for r in mo.values()) and len(mo) == 5


def test_a_learner_cannot_see_another_learners_record(client: FlaskClient, scripted: Scripted) -> None:
    login(client, scripted.emails["mo"])
    assert client.get(url(scripted)).status_code == 404
    assert client.get(url(scripted, scripted.mo)).status_code == 200


def test_another_organisation_gets_404(client: FlaskClient, scripted: Scripted) -> None:
    login(client, scripted.emails["stranger"])
    assert client.get(url(scripted)).status_code == 404


@pytest.mark.parametrize("role", ROLES_SEEING)
def test_unknown_course_learner_or_unit_is_404(client: FlaskClient, scripted: Scripted, role: str) -> None:
    login(client, scripted.emails[role])
    assert client.get(url(scripted, framework_id=scripted.other_framework_id)).status_code == 404  # not in the course
    assert client.get(url(scripted, user_id=999)).status_code == 404
    assert client.get(f"/record/courses/999/learners/{scripted.lee}/units/{scripted.framework_id}").status_code == 404


def test_anonymous_is_sent_to_sign_in(client: FlaskClient, scripted: Scripted) -> None:
    response = client.get(url(scripted))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_dashboard_shows_time_by_kind_and_links_the_record(client: FlaskClient, scripted: Scripted) -> None:
    login(client, scripted.emails["lee"])
    page = " ".join(client.get("/learn/").get_data(as_text=True).split())
    # The course: the unit's time plus 20 guided minutes with no reference: GLH 110 minutes, TQT 255.
    assert "<dt>Online study</dt><dd>25 minutes</dd>" in page
    assert "Guided learning with a tutor or assessor</dt><dd>1.8 hours of the 27 guided learning hours (GLH)" in page
    assert "<dt>Off-the-job training</dt><dd>2.0 hours</dd>" in page
    assert "All your study</dt><dd>4.2 hours of the 40 hours of total qualification time (TQT)" in page
    assert f'<a href="{url(scripted)}">RECFW: Safe and consenting care</a>' in page
