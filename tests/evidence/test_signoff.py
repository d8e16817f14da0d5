"""Mapping sign-off: which question versions are signed, what invalidates a sign-off, signing one
question or a module's quiz, the audit entry; and the course gate (SCORM export and summative quiz
start refused while a mapping is unsigned, lifted once signed)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course.evidence import signoff
from course.evidence.models import AuditEntry, MappingSignoff
from course.extensions import db
from course.models import User
from tests.evidence.iqa_fixtures import K1, K2, QUESTIONS, IqaCourse, get_course, iqa_course  # noqa: F401
from tests.helpers import DEFAULT_PASSWORD, login

M1_ERROR = ("quiz m1: error: module 'Knowing': 2 questions not signed off by an internal quality assurer: "
            "q1 v1, q2 v1. This course requires every question's criteria mapping signed off before export "
            "(course settings).")
M2_ERROR = ("quiz m2: error: module 'Practising': 2 questions not signed off by an internal quality assurer: "
            "q2 v1, q3 v1. This course requires every question's criteria mapping signed off before export "
            "(course settings).")


def _states(course) -> dict[str, list[tuple[str, int, tuple[str, ...], str]]]:
    return {mm.module.slug: [(q.question_id, q.version, q.criteria, q.state) for q in mm.questions]
            for mm in signoff.course_mappings(course)}


def _ivy(fx: IqaCourse) -> User:
    return db.session.get(User, fx.users["iqa"].id)


def _save(question_id: str, *, in_use: bool, **changes) -> None:
    """Edit a bank question as a tutor would (a new version when an attempt used it)."""
    from course.bank.models import QuestionVersion
    from course.bank.service import save_questions

    row = db.session.scalar(select(QuestionVersion).where(QuestionVersion.question_id == question_id,
                                                          QuestionVersion.is_current.is_(True)))
    row.in_use = in_use
    data = dict(next(q for q in QUESTIONS if q["id"] == question_id), **changes)
    save_questions([data], organisation=row.organisation_id, user=None)
    db.session.commit()


def test_every_question_a_quiz_can_show_starts_unsigned(app, iqa_course):
    with app.app_context():
        assert _states(get_course()) == {
            "m1": [("q1", 1, (K1,), "unsigned"), ("q2", 1, (K1, K2), "unsigned")],
            "m2": [("q2", 1, (K1, K2), "unsigned"), ("q3", 1, (K2,), "unsigned")],
        }


def test_signing_a_question_signs_it_in_every_quiz_with_an_audit_entry(app, iqa_course):
    with app.app_context():
        course = get_course()
        signed = signoff.sign_question(course, "q2", _ivy(iqa_course), "Both criteria fit.")
        db.session.commit()
        assert [q.describe() for q in signed] == ["q2 v1"]
        assert _states(course) == {
            "m1": [("q1", 1, (K1,), "unsigned"), ("q2", 1, (K1, K2), "signed")],
            "m2": [("q2", 1, (K1, K2), "signed"), ("q3", 1, (K2,), "unsigned")],
        }
        row = db.session.scalar(select(MappingSignoff))
        assert (row.organisation_id, row.question_id, row.version, row.criteria, row.signed_by_id, row.comment) == (
            iqa_course.org_id, "q2", 1, [K1, K2], iqa_course.users["iqa"].id, "Both criteria fit.")
        entry = db.session.scalar(select(AuditEntry))
        assert (entry.action, entry.subject_type, entry.subject_id, entry.course_id, entry.actor_id, entry.old,
                entry.new) == ("mapping.signed", "question", "q2", course.id, iqa_course.users["iqa"].id, None,
                               {"version": 1, "criteria": [K1, K2]})


def test_an_unchanged_new_version_stays_signed_and_a_changed_mapping_needs_signing_again(app, iqa_course):
    with app.app_context():
        course = get_course()
        signoff.sign_question(course, "q3", _ivy(iqa_course))
        db.session.commit()
        _save("q3", in_use=True, stem="Records are kept confidential.")  # v2, same criteria
        assert _states(course)["m2"][1] == ("q3", 2, (K2,), "signed")
        _save("q3", in_use=True, criteria=[K2, K1])  # v3, criteria changed
        assert _states(course)["m2"][1] == ("q3", 3, (K1, K2), "changed")
        mapping = next(q for q in signoff.course_mappings(course)[1].questions if q.question_id == "q3")
        assert (mapping.state_label, mapping.describe(), mapping.signoff.version) == (
            "Changed since signing", "q3 v3 (changed since signing)", 1)
        signoff.sign_question(course, "q3", _ivy(iqa_course))
        db.session.commit()
        assert _states(course)["m2"][1] == ("q3", 3, (K1, K2), "signed")
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.old, e.new) for e in entries] == [
            (None, {"version": 1, "criteria": [K2]}),
            ({"version": 1, "criteria": [K2]}, {"version": 3, "criteria": [K1, K2]}),
        ]


def test_a_version_edited_in_place_with_other_criteria_is_signed_again_on_its_row(app, iqa_course):
    with app.app_context():
        course = get_course()
        signoff.sign_question(course, "q3", _ivy(iqa_course))
        db.session.commit()
        _save("q3", in_use=False, criteria=[K2, K1])  # no attempt used v1: edited in place
        assert _states(course)["m2"][1] == ("q3", 1, (K1, K2), "changed")
        signoff.sign_question(course, "q3", _ivy(iqa_course))
        db.session.commit()
        assert _states(course)["m2"][1] == ("q3", 1, (K1, K2), "signed")
        assert [(r.version, r.criteria) for r in db.session.scalars(select(MappingSignoff))] == [(1, [K1, K2])]
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 2


def test_signing_a_module_signs_all_its_unsigned_questions(app, iqa_course):
    with app.app_context():
        course = get_course()
        signoff.sign_question(course, "q2", _ivy(iqa_course))
        m2 = course.modules[1]
        signed = signoff.sign_module(course, m2, _ivy(iqa_course))
        db.session.commit()
        assert [q.describe() for q in signed] == ["q3 v1"]
        assert [q.state for q in signoff.course_mappings(course)[1].questions] == ["signed", "signed"]
        assert signoff.sign_module(course, m2, _ivy(iqa_course)) == []
        assert [e.subject_id for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == ["q2", "q3"]


@pytest.mark.parametrize("question_id, message", [
    ("zz", "No quiz of this course uses a question 'zz'."),
    ("q1", "Question 'q1' is already signed off."),
])
def test_signing_what_cannot_be_signed_is_refused(app, iqa_course, question_id, message):
    with app.app_context():
        course = get_course()
        signoff.sign_question(course, "q1", _ivy(iqa_course))
        db.session.commit()
        with pytest.raises(signoff.SignoffError) as caught:
            signoff.sign_question(course, question_id, _ivy(iqa_course))
        db.session.rollback()
        assert caught.value.message == message
        assert db.session.scalar(select(func.count()).select_from(MappingSignoff)) == 1


# --------------------------------------------------------------------------- the course gate


def _require(app, on: bool = True) -> None:
    with app.app_context():
        get_course().require_signed_mappings = on
        db.session.commit()


def test_the_gate_blocks_the_scorm_export_until_every_mapping_is_signed(app, iqa_course):
    from course.publishing.service import PackageOptions, build_checked_package

    with app.app_context():
        course = get_course()
        assert build_checked_package(course, PackageOptions()).errors == []  # the gate is off by default
        course.require_signed_mappings = True
        assert [str(p) for p in build_checked_package(course, PackageOptions()).errors] == [M1_ERROR, M2_ERROR]
        signoff.sign_module(course, course.modules[0], _ivy(iqa_course))
        assert [str(p) for p in build_checked_package(course, PackageOptions()).errors] == [
            "quiz m2: error: module 'Practising': 1 question not signed off by an internal quality assurer: q3 v1. "
            "This course requires every question's criteria mapping signed off before export (course settings)."]
        signoff.sign_module(course, course.modules[1], _ivy(iqa_course))
        assert build_checked_package(course, PackageOptions()).errors == []


def test_the_scorm_download_is_refused_with_the_unsigned_questions_then_allowed(app, client, iqa_course):
    _require(app)
    assert login(client, "tutor@a.test", DEFAULT_PASSWORD).status_code == 302
    refused = client.get("/courses/care/scorm/download?standard=1.2")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "2 questions not signed off by an internal quality assurer: q1 v1, q2 v1." in page
    assert "2 questions not signed off by an internal quality assurer: q2 v1, q3 v1." in page
    assert '<a href="/iqa/courses/care/mappings">see the mapping sign-off</a>' in page
    with app.app_context():
        course = get_course()
        for module in course.modules:
            signoff.sign_module(course, module, _ivy(iqa_course))
        db.session.commit()
    allowed = client.get("/courses/care/scorm/download?standard=1.2")
    assert (allowed.status_code, allowed.mimetype) == (200, "application/zip")


def test_the_cli_export_is_refused_with_the_same_errors(app, iqa_course, tmp_path):
    _require(app)
    out = tmp_path / "care.zip"
    result = app.test_cli_runner().invoke(args=["export-scorm", "care", "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [M1_ERROR, M2_ERROR]
    assert "error: 2 error(s): no package written" in result.stderr
    assert not out.exists()


def _enrol_liz(app) -> None:
    from course.learning import enrolment

    with app.app_context():
        enrolment.enrol_learner(get_course(), name="Liz Learner", email="liz@a.test")
        db.session.commit()


def test_the_gate_keeps_a_summative_quiz_closed_until_signed(app, client, iqa_course):
    from course.learning.models import Attempt

    _require(app)
    _enrol_liz(app)
    assert login(client, "liz@a.test", DEFAULT_PASSWORD).status_code == 302
    refused = client.post("/learn/care/m1/attempts", follow_redirects=True)
    assert refused.request.path == "/learn/"
    assert signoff.QUIZ_AWAITING_QA in refused.get_data(as_text=True).replace("&#39;", "'")
    assert signoff.QUIZ_AWAITING_QA == (
        "This quiz is awaiting quality assurance: an internal quality assurer has not yet signed off which "
        "criteria its questions evidence. It opens as soon as they have; ask your tutor when.")
    # The formative quiz is not held back, though its questions are unsigned too.
    assert client.post("/learn/care/m2/attempts").headers["Location"] == "/learn/care/m2"
    with app.app_context():
        assert [a.module.slug for a in db.session.scalars(select(Attempt))] == ["m2"]
        course = get_course()
        signoff.sign_module(course, course.modules[0], _ivy(iqa_course))
        db.session.commit()
    opened = client.post("/learn/care/m1/attempts")
    assert opened.headers["Location"] == "/learn/care/m1"
    with app.app_context():
        assert sorted(a.module.slug for a in db.session.scalars(select(Attempt))) == ["m1", "m2"]


def test_start_attempt_refuses_with_409_and_the_reason(app, iqa_course):
    from course.learning import attempts
    from course.learning.errors import Conflict

    _require(app)
    with app.app_context():
        course = get_course()
        lee = db.session.get(User, iqa_course.users["lee"].id)
        with pytest.raises(Conflict) as caught:
            attempts.start_attempt(lee, course.modules[0])
        assert (caught.value.status, caught.value.message, caught.value.payload) == (
            409, signoff.QUIZ_AWAITING_QA, {"reason": "awaiting_quality_assurance"})


def test_the_tutor_sees_why_on_the_quiz_page(app, client, iqa_course):
    _require(app)
    assert login(client, "tutor@a.test", DEFAULT_PASSWORD).status_code == 302
    page = client.get("/courses/care/modules/m1/quiz").get_data(as_text=True)
    assert ("<strong>Awaiting quality assurance: learners cannot start this summative quiz.</strong> This course "
            "requires an internal quality assurer to sign off every question's criteria, and 2 questions it "
            "can show are not signed off: q1 v1, q2 v1.") in page
    assert 'href="/iqa/courses/care/mappings"' in page
    assert "awaiting-qa" not in client.get("/courses/care/modules/m2/quiz").get_data(as_text=True)  # formative


def test_the_course_settings_form_turns_the_gate_on(app, client, iqa_course):
    assert login(client, "tutor@a.test", DEFAULT_PASSWORD).status_code == 302
    form = client.get("/courses/care/settings").get_data(as_text=True)
    assert ("Require an internal quality assurer&#39;s sign-off of every question&#39;s criteria before export "
            "and summative quizzes") in form
    response = client.post("/courses/care/settings", data={
        "title": "Care at work", "slug": "care", "language": "en-GB", "require_signed_mappings": "y"})
    assert response.status_code == 302
    with app.app_context():
        course = get_course()
        assert (course.require_signed_mappings, course.block_export_on_findings) == (True, False)
