"""Erasure by an admin: the preview, the typed-email confirmation, what is kept and deleted, audit."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from course.api.models import ApiToken
from course.evidence.models import AuditEntry, CriterionDecision, EvidenceFile, IqaReview, WorkplaceEvidence
from course.extensions import db
from course.learning.models import AnswerMark, Attempt, Enrolment, OfflineLearning, TimeLog, TimeOnTask
from course.models import User
from course.models.users import UserSession
from tests.helpers import login
from tests.privacy.privacy_world import World, world  # noqa: F401  (fixture)


def _n(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_preview_lists_what_is_kept_and_deleted(client, world: World) -> None:
    ann = world.users["ann"]
    login(client, world.users["admin"].email)
    page = client.get(f"/privacy/learners/{ann.id}/erase")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    kept = text.split('<ul id="kept">')[1].split("</ul>")[0]
    deleted = text.split('<ul id="deleted">')[1].split("</ul>")[0]
    assert "Care at work" in kept and "Old course" not in kept
    assert ("1 enrolment, 1 quiz attempts, 2 marked answers, 4 time and progress records, "
            "1 pieces of workplace evidence, 1 evidence files, 1 assessor decisions, 1 IQA reviews, "
            "1 audit entries") in kept
    assert "Old course" in deleted and "1 enrolment, 1 quiz attempts, 1 marked answers, 2 time and progress records, 1 offline learning records" in deleted
    assert "Last activity 1 Mar 2022; retention ended 1 Mar 2023" in deleted
    assert "Erased learner #%d" % ann.id in text


def test_wrong_email_changes_nothing(app: Flask, client, world: World) -> None:
    ann = world.users["ann"]
    login(client, world.users["admin"].email)
    response = client.post(f"/privacy/learners/{ann.id}/erase", data={"email": "bea@a.test"})
    assert response.status_code == 422
    assert b"That is not this learner&#39;s email address: nothing was erased." in response.data
    assert client.post(f"/privacy/learners/{ann.id}/erase", data={"email": ""}).status_code == 422
    with app.app_context():
        assert db.session.get(User, ann.id).name == "Ann Archer"
        assert _n(Attempt, Attempt.user_id == ann.id) == 2
        assert _n(AuditEntry, AuditEntry.action == "learner.erased") == 0


def test_erasure_keeps_records_within_retention_anonymised_and_deletes_the_rest(app: Flask, client, world: World) -> None:
    ann, bea = world.users["ann"], world.users["bea"]
    learner_client = app.test_client()
    login(learner_client, ann.email)
    login(client, world.users["admin"].email)
    response = client.post(f"/privacy/learners/{ann.id}/erase", data={"email": "  ANN@a.test "})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/privacy/learners/{ann.id}/erased")
    outcome = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Erased learner #{ann.id}: erased" in outcome
    assert "1 session(s) ended; 1 API token(s) revoked" in outcome
    assert ("Records deleted (retention passed, 1 course(s)): 1 enrolment, 1 quiz attempts, 1 marked answers, "
            "2 time and progress records, 1 offline learning records.") in outcome

    with app.app_context():
        user = db.session.get(User, ann.id)
        assert (user.name, user.email, user.password_hash, user.active) == (
            f"Erased learner #{ann.id}", f"erased-{ann.id}@erased.invalid", "", False)
        assert _n(UserSession, UserSession.user_id == ann.id) == 0
        assert _n(ApiToken, ApiToken.user_id == ann.id) == 0
        # Care at work (within 3 years): kept.
        assert _n(Enrolment, Enrolment.user_id == ann.id) == 1
        [attempt] = db.session.scalars(select(Attempt).where(Attempt.user_id == ann.id))
        assert (attempt.module.course_id, attempt.score, len(attempt.marks)) == (world.care, 1.5, 2)
        assert _n(CriterionDecision, CriterionDecision.learner_id == ann.id) == 1
        assert _n(IqaReview) == 1 and _n(EvidenceFile) == 1 and _n(WorkplaceEvidence) == 1
        assert sorted(db.session.scalars(select(TimeLog.seconds).where(TimeLog.user_id == ann.id))) == [200, 400]
        # Old course (past 1 year): gone.
        assert _n(OfflineLearning) == 0 and _n(TimeOnTask, TimeOnTask.user_id == ann.id) == 1
        assert _n(AnswerMark) == 3  # Ann's 2 kept + Bea's 1
        assert _n(Attempt, Attempt.user_id == bea.id) == 1
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "learner.erased"))
        assert entry.actor_id == world.users["admin"].id and entry.learner_id == ann.id
        assert entry.new == {"reason": "request", "courses_kept": [world.care], "courses_deleted": [world.old],
                             "deleted": {"enrolments": 1, "attempts": 1, "answers": 1, "time_records": 2,
                                         "offline_learning": 1}, "sessions_ended": 1, "api_tokens_revoked": 1}
        assert "Ann" not in str(entry.new) and "ann@" not in str(entry.new)

    # The learner's browser is signed out, and the old password no longer works.
    assert learner_client.get("/learn/").status_code == 302
    assert login(app.test_client(), "ann@a.test").status_code != 302
    # Erased learners show as such; the form is gone.
    assert client.get(f"/privacy/learners/{ann.id}/erase").status_code == 302


def test_erasure_past_every_retention_deletes_everything(app: Flask, client, world: World) -> None:
    ann = world.users["ann"]
    with app.app_context():
        from course.authoring.models import Course

        db.session.get(Course, world.care).assessment_retention_years = 0
        db.session.commit()
    login(client, world.users["admin"].email)
    assert client.post(f"/privacy/learners/{ann.id}/erase", data={"email": "ann@a.test"}).status_code == 302
    with app.app_context():
        for model, column in ((Attempt, Attempt.user_id), (Enrolment, Enrolment.user_id),
                              (TimeLog, TimeLog.user_id), (WorkplaceEvidence, WorkplaceEvidence.learner_id),
                              (CriterionDecision, CriterionDecision.learner_id)):
            assert _n(model, column == ann.id) == 0, model
        assert _n(EvidenceFile) == 0 and _n(IqaReview) == 0
        assert _n(AuditEntry, AuditEntry.learner_id == ann.id, AuditEntry.action == "evidence.recorded") == 0
        assert _n(AuditEntry, AuditEntry.action == "evidence.recorded") == 1  # Bea's stays
        assert db.session.get(User, ann.id).email == f"erased-{ann.id}@erased.invalid"


def test_admin_of_another_organisation_cannot_erase(app: Flask, client, world: World) -> None:
    login(client, world.users["b_admin"].email)
    ann = world.users["ann"]
    assert client.get(f"/privacy/learners/{ann.id}/erase").status_code == 404
    assert client.post(f"/privacy/learners/{ann.id}/erase", data={"email": ann.email}).status_code == 404
    with app.app_context():
        assert db.session.get(User, ann.id).name == "Ann Archer"


def test_retention_years_on_the_course_settings_form(app: Flask, client, world: World) -> None:
    login(client, world.users["tutor"].email)
    page = client.get("/courses/care/settings")
    assert page.status_code == 200 and b'name="assessment_retention_years"' in page.data
    base = {"title": "Care at work", "slug": "care", "language": "en-GB"}
    import re
    version = re.search(rb'name="base_version"[^>]*value="([^"]*)"', page.data)
    if version:
        base["base_version"] = version.group(1).decode()
    bad = client.post("/courses/care/settings", data={**base, "assessment_retention_years": "41"})
    assert bad.status_code == 422 and b"Enter a whole number of years, 0 to 40." in bad.data
    good = client.post("/courses/care/settings", data={**base, "assessment_retention_years": "6"})
    assert good.status_code == 302
    with app.app_context():
        from course.authoring.models import Course

        assert db.session.get(Course, world.care).assessment_retention_years == 6


def test_erasure_form_needs_its_csrf_token(csrf_app: Flask) -> None:
    from course.models import Organisation
    from tests.helpers import sign_in_without_form

    with csrf_app.app_context():
        org = Organisation(name="Provider C")
        db.session.add(org)
        db.session.flush()
        admin = User(email="admin@c.test", name="C Admin", role="admin", organisation_id=org.id)
        learner = User(email="dee@c.test", name="Dee Dunn", role="learner", organisation_id=org.id)
        db.session.add_all([admin, learner])
        db.session.commit()
        learner_id = learner.id
        client = csrf_app.test_client()
        sign_in_without_form(csrf_app, client, admin)
    page = client.get(f"/privacy/learners/{learner_id}/erase")
    assert b'name="csrf_token"' in page.data
    refused = client.post(f"/privacy/learners/{learner_id}/erase", data={"email": "dee@c.test"})
    assert refused.status_code in (400, 422)
    with csrf_app.app_context():
        assert db.session.get(User, learner_id).name == "Dee Dunn"
