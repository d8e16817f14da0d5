"""The quality-assurance pages: every route for every role and for another organisation, what each
page shows, bad input refused with nothing saved, and the audit trail's CSV row by row."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from course.evidence.models import AuditEntry, IqaReview, MappingSignoff, SamplingPlan
from course.extensions import db
from tests.evidence.iqa_fixtures import K1, K2, P1, IqaCourse, get_course, iqa_course  # noqa: F401
from tests.helpers import DEFAULT_PASSWORD, login

# Who signs in for each role; "other" is an IQA of another organisation.
WHO = {"admin": "admin@a.test", "tutor": "tutor@a.test", "assessor": "ada@a.test", "iqa": "iqa@a.test",
       "learner": "liz@a.test", "other": "iqa@b.test", "anonymous": None}

OK_IQA = {"admin": 200, "iqa": 200, "tutor": 403, "assessor": 403, "learner": 403, "other": 404}
POST_IQA = {"admin": 302, "iqa": 302, "tutor": 403, "assessor": 403, "learner": 403, "other": 404}
READ_ALL = {"admin": 200, "iqa": 200, "tutor": 200, "assessor": 200, "learner": 403, "other": 404}

# (method, path, form data, expected status by role); anonymous users are always sent to sign in.
ROUTES = [
    ("GET", "/iqa/", None, {**READ_ALL, "other": 200}),
    ("GET", "/iqa/courses/care/", None, OK_IQA),
    ("POST", "/iqa/courses/care/plan", {"strategy": "percentage", "percentage": "50"}, POST_IQA),
    ("GET", "/iqa/courses/care/decisions/1", None, OK_IQA),
    ("POST", "/iqa/courses/care/decisions/1/reviews", {"outcome": "agreed"}, POST_IQA),
    ("GET", "/iqa/courses/care/mappings", None, {**OK_IQA, "tutor": 200}),
    ("POST", "/iqa/courses/care/mappings/questions", {"question_id": "q1"}, POST_IQA),
    ("POST", "/iqa/courses/care/mappings/modules/m1", {}, POST_IQA),
    ("GET", "/iqa/courses/care/audit", None, READ_ALL),
    ("GET", "/iqa/courses/care/audit.csv", None, READ_ALL),
]


@pytest.mark.parametrize("method, path, data, expected", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_every_route_for_every_role_and_another_organisation(app, iqa_course, method, path, data, expected):
    for role, email in WHO.items():
        client = app.test_client()
        if email is not None:
            assert login(client, email, DEFAULT_PASSWORD).status_code == 302, role
        response = client.open(path, method=method, data=data)
        if email is None:
            assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), path
        else:
            assert response.status_code == expected[role], f"{role} {method} {path}: {response.status_code}"


def test_another_organisations_course_and_decision_are_not_found(app, client, iqa_course):
    assert login(client, "iqa@a.test", DEFAULT_PASSWORD).status_code == 302
    for path in ("/iqa/courses/other/", "/iqa/courses/other/mappings", "/iqa/courses/other/audit",
                 "/iqa/courses/other/audit.csv", f"/iqa/courses/care/decisions/{iqa_course.other_decision}",
                 "/iqa/courses/care/decisions/999"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/iqa/courses/care/decisions/{iqa_course.other_decision}/reviews",
                       data={"outcome": "agreed"}).status_code == 404
    assert client.post("/iqa/courses/care/mappings/modules/nope").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IqaReview)) == 0


def test_the_index_lists_only_the_users_organisations_courses(app, client, iqa_course):
    assert login(client, "iqa@b.test", DEFAULT_PASSWORD).status_code == 302
    page = client.get("/iqa/").get_data(as_text=True)
    assert "Other provider&#39;s course" in page and "Care at work" not in page
    assert '<a href="/iqa/">Quality assurance</a>' in page.replace(' aria-current="page"', "")  # the nav item
    tutor = app.test_client()
    login(tutor, "tutor@a.test", DEFAULT_PASSWORD)
    page = tutor.get("/iqa/").get_data(as_text=True)
    assert "/iqa/courses/care/mappings" in page and "/iqa/courses/care/audit" in page
    assert 'href="/iqa/courses/care/"' not in page
    assert ">Quality assurance</a></li>" not in page  # the nav item is for IQAs and admins


def _iqa(app):
    client = app.test_client()
    assert login(client, "iqa@a.test", DEFAULT_PASSWORD).status_code == 302
    return client


def test_the_course_page_explains_and_lists_the_sample(app, iqa_course):
    client = _iqa(app)
    page = client.get("/iqa/courses/care/").get_data(as_text=True)
    assert "<p>10 current decisions made up to " in page
    assert "For every assessor, 25% of their decisions in each calendar quarter, rounded up, and at least one." in page
    assert "4 decisions sampled, 0 reviewed." in page
    for n in (1, 3, 6, 10):
        assert f'<tr id="decision-{n}">' in page
    assert '<tr id="decision-2">' not in page
    assert "This course has no saved plan yet" in page
    assert "<strong>TESTFW/P1</strong>: do the first thing" in page


def test_saving_the_plan_from_the_form(app, iqa_course):
    client = _iqa(app)
    bob = iqa_course.users["bob"].id
    response = client.post("/iqa/courses/care/plan", data={
        "strategy": "new_assessor_fully", "percentage": "30", "new_assessor_ids": [str(bob)]})
    assert response.headers["Location"] == "/iqa/courses/care/"
    page = client.get("/iqa/courses/care/").get_data(as_text=True)
    assert "Sampling plan saved." in page
    assert "6 decisions sampled, 0 reviewed." in page
    assert "Every decision of a new assessor (Bob Assessor) is sampled." in page


@pytest.mark.parametrize("data, message", [
    ({"strategy": "percentage", "percentage": "0"}, "Percentage is a whole number from 1 to 100."),
    ({"strategy": "percentage", "percentage": "20", "criteria": ["TESTFW/Z9"]},
     "Criteria: &#39;TESTFW/Z9&#39; is not one of this course&#39;s criteria."),
    ({"strategy": "percentage", "percentage": "20", "learner_ids": ["1"] * 501}, "learner_ids: at most 500 choices."),
])
def test_a_bad_plan_from_the_form_is_refused_and_changes_nothing(app, iqa_course, data, message):
    client = _iqa(app)
    response = client.post("/iqa/courses/care/plan", data=data)
    assert response.status_code == 422
    assert f"<li>{message}</li>" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SamplingPlan)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_the_decision_page_shows_the_evidence_criterion_and_comment(app, iqa_course):
    from course.evidence.models import CriterionDecision, EvidenceFile

    with app.app_context():
        evidence_id = db.session.get(CriterionDecision, 1).evidence_id
        db.session.add(EvidenceFile(evidence_id=evidence_id, filename="observation.pdf", content_type="application/pdf",
                                    size=2048, sha256="0" * 64, data=b"%PDF-1.4 " + b"x" * 2039))
        db.session.commit()
    client = _iqa(app)
    page = client.get("/iqa/courses/care/decisions/1").get_data(as_text=True)
    assert '<p id="criterion-text"><strong>TESTFW/P1</strong>: do the first thing</p>' in page
    assert '<p id="assessor-comment">Seen doing it (1).</p>' in page
    assert '<p id="evidence-description">What happened 1.</p>' in page
    assert "<h2 id=\"evidence-heading\">The evidence: Evidence 1</h2>" in page
    assert "<dt>Assessor</dt><dd>Ada Assessor</dd>" in page
    assert "<dt>Learner</dt><dd>Lee Learner</dd>" in page
    assert "Not reviewed yet." in page
    assert "<li>observation.pdf (application/pdf, 2,048 bytes)</li>" in page


def test_confirming_and_sending_back_from_the_form(app, iqa_course):
    client = _iqa(app)
    response = client.post("/iqa/courses/care/decisions/3/reviews", data={"outcome": "agreed"})
    assert response.headers["Location"] == "/iqa/courses/care/"
    response = client.post("/iqa/courses/care/decisions/6/reviews",
                           data={"outcome": "action", "actions": "Add the date and place observed."})
    assert response.status_code == 302
    page = client.get("/iqa/courses/care/").get_data(as_text=True)
    assert "You sent back the decision on TESTFW/P2." in page
    assert "4 decisions sampled, 2 reviewed." in page
    decision = client.get("/iqa/courses/care/decisions/6").get_data(as_text=True)
    assert "<strong>Sent back with actions</strong> by Ivy IQA on " in decision
    assert ". Actions: Add the date and place observed.</li>" in decision


def test_a_review_without_actions_is_refused_from_the_form(app, iqa_course):
    client = _iqa(app)
    response = client.post("/iqa/courses/care/decisions/1/reviews", data={"outcome": "action", "actions": ""})
    assert response.status_code == 422
    assert ("<li>Say what the assessor must do: actions are required when you send a decision back.</li>"
            in response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IqaReview)) == 0


def test_the_mappings_page_signs_questions_and_modules(app, iqa_course):
    client = _iqa(app)
    page = client.get("/iqa/courses/care/mappings").get_data(as_text=True)
    assert '<p id="summary-m1">0 of 2 questions signed off.</p>' in page
    assert "<li><strong>K1</strong>: know the first thing</li><li><strong>K2</strong>: know the second thing</li>" in page
    assert page.count(">Sign off<span") == 4
    assert client.post("/iqa/courses/care/mappings/questions", data={"question_id": "q2"}).status_code == 302
    page = client.get("/iqa/courses/care/mappings").get_data(as_text=True)
    assert "Signed off q2 v1." in page
    assert '<p id="summary-m1">1 of 2 questions signed off.</p>' in page
    assert '<p id="summary-m2">1 of 2 questions signed off.</p>' in page
    client.post("/iqa/courses/care/mappings/modules/m2")
    page = client.get("/iqa/courses/care/mappings").get_data(as_text=True)
    assert "Signed off 1 question of Practising." in page
    assert '<p id="summary-m2">2 of 2 questions signed off.</p>' in page
    again = client.post("/iqa/courses/care/mappings/questions", data={"question_id": "q2"}, follow_redirects=True)
    assert "Question &#39;q2&#39; is already signed off." in again.get_data(as_text=True)
    with app.app_context():
        assert sorted(r.question_id for r in db.session.scalars(select(MappingSignoff))) == ["q2", "q3"]


def test_the_tutor_reads_the_mappings_without_sign_buttons(app, client, iqa_course):
    assert login(client, "tutor@a.test", DEFAULT_PASSWORD).status_code == 302
    page = client.get("/iqa/courses/care/mappings").get_data(as_text=True)
    assert "Sign off" not in page and "Not signed" in page
    assert "This course does not require signed mappings" in page


def _audit_story(app, iqa_course: IqaCourse) -> None:
    """Three entries at fixed times: a plan, a review of Lee's decision 1, a sign-off."""
    from course.evidence import iqa, sampling, signoff
    from course.evidence.models import CriterionDecision
    from course.models import User

    with app.app_context():
        course = get_course()
        ivy = db.session.get(User, iqa_course.users["iqa"].id)
        sampling.save_plan(course, ivy, strategy="percentage", percentage=10)
        iqa.review_decision(course, db.session.get(CriterionDecision, 1), ivy, outcome="action",
                            actions="=Add the place")
        signoff.sign_question(course, "q1", ivy)
        for n, entry in enumerate(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)), start=1):
            entry.at = dt.datetime(2026, 12, n, 9, 30, tzinfo=dt.timezone.utc)
        db.session.commit()


def test_the_audit_trail_csv_row_by_row(app, iqa_course):
    _audit_story(app, iqa_course)
    client = _iqa(app)
    response = client.get("/iqa/courses/care/audit.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-care.csv"'
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).split("\r\n") == [
        "When (UTC),Who,Action,Subject,Learner,Old,New",
        '2026-12-03 09:30:00,Ivy IQA,mapping.signed,question q1,,,"{""criteria"":[""TESTFW/K1""],""version"":1}"',
        '2026-12-02 09:30:00,Ivy IQA,review.made,decision 1,Lee Learner,,"{""actions"":""=Add the place"",'
        '""comment"":"""",""criterion"":""TESTFW/P1"",""outcome"":""action"",""review_id"":1}"',
        '2026-12-01 09:30:00,Ivy IQA,plan.changed,sampling plan 1,,,"{""assessor_ids"":[],""criteria"":[],'
        '""evidence_kinds"":[],""learner_ids"":[],""new_assessor_ids"":[],""percentage"":10,'
        '""strategy"":""percentage""}"',
        "",
    ]
    lee = iqa_course.users["lee"].id
    only_lee = client.get(f"/iqa/courses/care/audit.csv?learner={lee}").get_data(as_text=True).split("\r\n")
    assert [line.split(",")[2] for line in only_lee[1:-1]] == ["review.made"]
    signed = client.get("/iqa/courses/care/audit.csv?action=mapping.signed").get_data(as_text=True).split("\r\n")
    assert [line.split(",")[2] for line in signed[1:-1]] == ["mapping.signed"]


def test_the_audit_page_shows_who_when_and_old_to_new_with_filters(app, iqa_course):
    _audit_story(app, iqa_course)
    client = app.test_client()
    assert login(client, "ada@a.test", DEFAULT_PASSWORD).status_code == 302  # assessors read it
    page = client.get("/iqa/courses/care/audit").get_data(as_text=True)
    assert '<p id="audit-count" role="status">3 entries.</p>' in page
    assert '<time datetime="2026-12-02T09:30:00+00:00">2 Dec 2026 09:30</time>' in page
    assert "<li>outcome: (none) → action</li>" in page
    assert "<li>criteria: (none) → TESTFW/K1</li>" in page
    assert "<li>strategy: (none) → percentage</li>" in page
    lee = iqa_course.users["lee"].id
    filtered = client.get(f"/iqa/courses/care/audit?learner={lee}&action=review.made").get_data(as_text=True)
    assert '<p id="audit-count" role="status">1 entry.</p>' in filtered
    assert f'<option value="{lee}" selected>Lee Learner</option>' in filtered
    assert client.get("/iqa/courses/care/audit?learner=999").status_code == 400
    assert client.get("/iqa/courses/care/audit?action=deleted").status_code == 400
