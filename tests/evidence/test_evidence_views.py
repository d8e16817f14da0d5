"""The evidence pages: every route for every role and another organisation, and what each page
does with good and bad input (exact words a user reads; nothing written on a refusal)."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from course.authoring.models import Course
from course.evidence import records
from course.evidence.models import AuditEntry, CriterionDecision, WorkplaceEvidence
from course.extensions import db
from course.models import Framework, User
from tests.evidence.conftest_evidence import (ESSAY_ANSWER, EXE, K1, P1, P2, PNG, counts, valid_fields, world)
from tests.helpers import login

__all__ = ["world"]

# Everyone a route is tried as: the owner learner, another learner of the same organisation, a learner
# of the organisation not on the course, each staff role, and each role of another organisation.
PEOPLE = ("learner", "learner2", "stranger", "tutor", "assessor", "iqa", "admin",
          "b_learner", "b_tutor", "b_assessor", "b_iqa", "b_admin")


@pytest.fixture
def setup(app: Flask, world) -> dict[str, Any]:
    """A piece of evidence the tutor recorded for Ann (no declaration needed), with one PNG file."""
    with app.app_context():
        e = records.record_evidence(db.session.get(Course, world.course_id), db.session.get(User, world.users["learner"].id),
                                    db.session.get(User, world.users["tutor"].id), **valid_fields(claimed=[P1, P2, K1]),
                                    uploads=[records.FileUpload("photo.pdf", PNG)])
        db.session.commit()
        return {"evidence": e.id, "file": e.files[0].id, "course": world.course_id, "ann": world.users["learner"].id,
                "item": world.essay_item, "framework": db.session.scalar(select(Framework.id).where(Framework.code == "TESTFW"))}


def client_for(app: Flask, world, key: str | None) -> Any:
    client = app.test_client()
    if key is not None:
        assert login(client, world.users[key].email).status_code == 302
    return client


def statuses(app, world, method: str, url: str, data: Callable[[], Any] | None = None,
             people: tuple[str, ...] = PEOPLE) -> dict[str, int]:
    out = {}
    for key in (None, *people):
        response = client_for(app, world, key).open(url, method=method, data=data() if data else None)
        out[key or "anonymous"] = response.status_code
        if key is None:
            assert response.headers["Location"].startswith("/login?next=")
    return out


def expect(ok: int, allowed: set[str], forbidden: set[str]) -> dict[str, int]:
    """``ok`` for ``allowed``, 403 for ``forbidden`` roles, 404 for everyone else signed in."""
    out = {"anonymous": 302}
    for key in PEOPLE:
        out[key] = ok if key in allowed else 403 if key in forbidden else 404
    return out


LEARNERS = {"learner", "learner2", "stranger", "b_learner"}
STAFF = {"tutor", "assessor", "iqa", "admin"}
B_STAFF = {"b_tutor", "b_assessor", "b_iqa", "b_admin"}


# ---------------------------------------------------------------- the route-role matrix


def test_my_evidence_route(app, world, setup):
    assert statuses(app, world, "GET", "/evidence/") == {
        "anonymous": 302, **{k: 200 if k in LEARNERS else 403 for k in PEOPLE}}


def test_record_route(app, world, setup):
    url = f"/evidence/courses/{setup['course']}/learners/{setup['ann']}/new"
    assert statuses(app, world, "GET", url) == expect(200, {"learner", "tutor", "assessor", "admin"}, {"iqa", "b_iqa"})
    assert statuses(app, world, "POST", url, lambda: {}) == expect(422, {"learner", "tutor", "assessor", "admin"}, {"iqa", "b_iqa"})


def test_detail_and_download_routes(app, world, setup):
    viewers = {"learner", *STAFF}
    assert statuses(app, world, "GET", f"/evidence/{setup['evidence']}") == expect(200, viewers, set())
    assert statuses(app, world, "GET", f"/evidence/files/{setup['file']}") == expect(200, viewers, set())
    assert statuses(app, world, "GET", "/evidence/999999") == expect(404, set(), set())


def test_edit_and_files_routes(app, world, setup):
    changers = {"learner", "tutor", "assessor", "admin"}
    assert statuses(app, world, "GET", f"/evidence/{setup['evidence']}/edit") == expect(200, changers, {"iqa", "b_iqa"})
    assert statuses(app, world, "POST", f"/evidence/{setup['evidence']}/edit", lambda: {}) == expect(
        422, changers, {"iqa", "b_iqa"})
    assert statuses(app, world, "POST", f"/evidence/{setup['evidence']}/files", lambda: {}) == expect(
        422, changers, {"iqa", "b_iqa"})


def test_declare_route(app, world, setup):
    assert statuses(app, world, "POST", f"/evidence/{setup['evidence']}/declare", lambda: {}) == expect(
        422, {"learner"}, STAFF | B_STAFF)


def test_withdraw_route_refuses_everyone_else(app, world, setup):
    url = f"/evidence/{setup['evidence']}/withdraw"
    others = tuple(k for k in PEOPLE if k not in ("learner", "tutor", "assessor", "admin"))
    assert statuses(app, world, "POST", url, people=others) == {
        k: v for k, v in expect(302, set(), {"iqa", "b_iqa"}).items() if k in ("anonymous", *others)}
    with app.app_context():
        assert db.session.get(WorkplaceEvidence, setup["evidence"]) is not None


@pytest.mark.parametrize("who", ["learner", "tutor", "assessor", "admin"])
def test_withdraw_route_for_those_allowed(app, world, setup, who):
    response = client_for(app, world, who).post(f"/evidence/{setup['evidence']}/withdraw")
    assert response.status_code == 302
    assert response.headers["Location"] == ("/evidence/" if who == "learner"
                                            else f"/evidence/courses/{setup['course']}/learners/{setup['ann']}")
    with app.app_context():
        assert db.session.get(WorkplaceEvidence, setup["evidence"]) is None
        assert db.session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "evidence.withdrawn")) == world.users[who].id


def test_staff_list_routes(app, world, setup):
    url = f"/evidence/courses/{setup['course']}/learners/{setup['ann']}"
    assert statuses(app, world, "GET", url) == expect(200, STAFF, LEARNERS)
    assert statuses(app, world, "GET", "/evidence/learners") == expect(200, STAFF | B_STAFF, LEARNERS)
    assert statuses(app, world, "GET", f"/evidence/learners?course={setup['course']}") == expect(200, STAFF, LEARNERS)
    page = client_for(app, world, "b_tutor").get("/evidence/learners").get_data(as_text=True)
    assert "Ann Archer" not in page and "Care elsewhere" in page and "Bob Bell" in page


@pytest.mark.parametrize("who", ["assessor", "iqa"])
def test_assessor_and_iqa_reach_the_unit_record_from_a_learners_evidence(app, world, setup, who):
    """The unit record is their way to every criterion's state; no other page of theirs links to it."""
    client = client_for(app, world, who)
    page = client.get(f"/evidence/courses/{setup['course']}/learners/{setup['ann']}").get_data(as_text=True)
    links = re.findall(r'href="(/record/courses/[^"]+)">TESTFW: ', page)
    assert links == [f"/record/courses/{setup['course']}/learners/{setup['ann']}/units/{setup['framework']}"]
    record = client.get(links[0])
    assert record.status_code == 200 and 'id="criterion-P1"' in record.get_data(as_text=True)


def test_queue_route(app, world, setup):
    assert statuses(app, world, "GET", "/evidence/queue") == expect(
        200, {"assessor", "admin", "b_assessor", "b_admin"}, LEARNERS | {"tutor", "iqa", "b_tutor", "b_iqa"})
    assert "Supporting lunch choices" not in client_for(app, world, "b_assessor").get("/evidence/queue").get_data(as_text=True)
    assert client_for(app, world, "b_assessor").get(f"/evidence/queue?course={setup['course']}").status_code == 404


def test_assess_route(app, world, setup):
    url = f"/evidence/{setup['evidence']}/assess"
    forbidden = LEARNERS | {"tutor", "iqa", "b_tutor", "b_iqa"}
    assert statuses(app, world, "GET", url) == expect(200, {"assessor", "admin"}, forbidden)
    assert statuses(app, world, "POST", url, lambda: {}) == expect(422, {"assessor", "admin"}, forbidden)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(CriterionDecision.id))) == 0


def test_use_essay_route(app, world, setup):
    url = f"/evidence/essays/{setup['item']}/use"
    forbidden = LEARNERS | {"tutor", "iqa", "b_tutor", "b_iqa"}
    found = statuses(app, world, "POST", url, lambda: {"part": ""}, people=tuple(k for k in PEOPLE if k != "admin"))
    assert found == {k: v for k, v in expect(302, {"assessor"}, forbidden).items() if k != "admin"}
    with app.app_context():
        assert db.session.scalar(select(db.func.count(WorkplaceEvidence.id)).where(
            WorkplaceEvidence.answer_mark_id == setup["item"])) == 1
    again = client_for(app, world, "admin").post(url, data={"part": ""}, follow_redirects=True)
    assert "This essay is already evidence." in again.get_data(as_text=True)


# ---------------------------------------------------------------- the learner's journey


def test_learner_records_evidence_with_a_file_and_declaration(app, world):
    client = client_for(app, world, "learner")
    page = client.get("/evidence/").get_data(as_text=True)
    assert "Care at work" in page and "You have not recorded any evidence for this course yet." in page
    url = f"/evidence/courses/{world.course_id}/learners/{world.users['learner'].id}/new"
    form = client.get(url).get_data(as_text=True)
    assert records.DECLARATION in form and "<strong>P1</strong> do the first thing" in form
    response = client.post(url, data={
        **valid_fields(claimed=[P1, P2]), "declaration": records.DECLARATION,
        "files": [(io.BytesIO(PNG), "photo.pdf"), (io.BytesIO(b"Notes from the shift.\n"), "notes.txt")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Evidence \u201cSupporting lunch choices\u201d recorded." in page
    assert "photo.png" in page and "image/png" in page and "notes.txt" in page
    assert "Declared by the learner on" in page and "Awaiting the assessor" in page
    mine = client.get("/evidence/").get_data(as_text=True)
    assert "TESTFW/P1: <span class=\"ev-state ev-state-evidence_submitted\">Evidence submitted</span>" in mine


def test_a_bad_form_says_what_is_wrong_and_writes_nothing(app, world):
    client = client_for(app, world, "learner")
    url = f"/evidence/courses/{world.course_id}/learners/{world.users['learner'].id}/new"
    with app.app_context():
        before = counts()
    response = client.post(url, data={**valid_fields(title="", claimed=["OTHERFW/P1"]),
                                      "files": [(io.BytesIO(EXE), "cv.pdf")]}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Title: Enter a title." in page and "Criteria: Not a criterion of this course: OTHERFW/P1." in page
    response = client.post(url, data={**valid_fields(), "files": [(io.BytesIO(EXE), "cv.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert ("Files: cv.pdf is not a PDF, PNG, JPEG or WebP image, Word document (.docx) or plain text file "
            "(its content was checked, not its name).") in response.get_data(as_text=True)
    with app.app_context():
        assert counts() == before


def test_download_is_an_attachment_of_the_sniffed_type(app, world, setup):
    response = client_for(app, world, "assessor").get(f"/evidence/files/{setup['file']}")
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=\"photo.png\"; filename*=UTF-8''photo.png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_declaring_on_the_evidence_page(app, world):
    client = client_for(app, world, "learner")
    url = f"/evidence/courses/{world.course_id}/learners/{world.users['learner'].id}/new"
    location = client.post(url, data=valid_fields()).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Awaiting your declaration" in page and "The assessor can judge this evidence once you declare it" in page
    evidence_id = int(location.rsplit("/", 1)[1])
    assessor = client_for(app, world, "assessor")
    assess = assessor.get(f"/evidence/{evidence_id}/assess").get_data(as_text=True)
    assert "The learner has not yet declared this evidence their own work; it cannot be judged." in assess
    assert "Save decisions" not in assess
    assert "1 more piece of evidence awaits the learner's declaration." in assessor.get("/evidence/queue").get_data(as_text=True)
    wrong = client.post(f"/evidence/{evidence_id}/declare", data={"declaration": "yes"})
    assert wrong.status_code == 422 and "Tick the declaration exactly as it is worded." in wrong.get_data(as_text=True)
    done = client.post(f"/evidence/{evidence_id}/declare", data={"declaration": records.DECLARATION}, follow_redirects=True)
    assert "Thank you: your declaration is recorded." in done.get_data(as_text=True)
    assert "Supporting lunch choices" in assessor.get("/evidence/queue").get_data(as_text=True)


def test_editing_on_the_page(app, world, setup):
    client = client_for(app, world, "learner")
    response = client.post(f"/evidence/{setup['evidence']}/edit", data=valid_fields(title="Lunch, again", claimed=[P1]))
    assert response.status_code == 302
    page = client.get(f"/evidence/{setup['evidence']}").get_data(as_text=True)
    assert "<h1>Lunch, again</h1>" in page
    bad = client.post(f"/evidence/{setup['evidence']}/edit", data=valid_fields(occurred_on="2999-01-01"))
    assert bad.status_code == 422 and "Date it happened: The date cannot be in the future." in bad.get_data(as_text=True)


# ---------------------------------------------------------------- the assessor's side


def _judge(client, evidence_id, **fields):
    return client.post(f"/evidence/{evidence_id}/assess", data=fields)


def test_assessor_accepts_two_and_refers_one_then_changes_a_decision(app, world, setup):
    assessor = client_for(app, world, "assessor")
    form = assessor.get(f"/evidence/{setup['evidence']}/assess").get_data(as_text=True)
    assert "<strong>TESTFW/K1</strong> know the first thing" in form and "Not judged" in form
    response = _judge(assessor, setup["evidence"], **{"outcome-0": "met", "comment-0": "Seen at lunch.",
                                                        "outcome-1": "met", "outcome-2": "referred",
                                                        "comment-2": "Say why consent matters."})
    assert response.status_code == 302
    page = assessor.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 decisions saved." in page and "Say why consent matters." in page
    learner_page = client_for(app, world, "learner").get(f"/evidence/{setup['evidence']}").get_data(as_text=True)
    assert learner_page.count('<span class="ev-outcome-met">Met</span>') == 2
    assert learner_page.count('<span class="ev-outcome-referred">Referred</span>') == 1
    assert "Change this evidence" not in learner_page and "Add files" not in learner_page
    changed = _judge(assessor, setup["evidence"], **{"outcome-0": "met", "comment-0": "Seen at lunch.",
                                                       "outcome-1": "met", "outcome-2": "met",
                                                       "comment-2": "Explained in discussion."})
    assert changed.status_code == 302
    page = assessor.get(f"/evidence/{setup['evidence']}").get_data(as_text=True)
    assert "Decision history" in page and "Replaced" in page
    with app.app_context():
        rows = db.session.scalars(select(CriterionDecision).where(CriterionDecision.criterion_ref == K1)
                                  .order_by(CriterionDecision.id)).all()
        assert [(r.outcome, r.superseded) for r in rows] == [("referred", True), ("met", False)]
        assert rows[1].supersedes_id == rows[0].id
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "decision.changed"))
        assert (entry.old["outcome"], entry.new["outcome"]) == ("referred", "met")
    edit = client_for(app, world, "learner").get(f"/evidence/{setup['evidence']}/edit")
    assert edit.status_code == 422
    assert "An assessor has judged this evidence, so it can no longer be changed." in edit.get_data(as_text=True)


def test_bad_decisions_are_named_and_nothing_is_saved(app, world, setup):
    assessor = client_for(app, world, "assessor")
    response = _judge(assessor, setup["evidence"], **{"outcome-0": "met", "outcome-2": "referred"})
    assert response.status_code == 422
    assert "TESTFW/K1: Say why it is referred: a comment is required." in response.get_data(as_text=True)
    response = _judge(assessor, setup["evidence"], **{"outcome-0": "met", "criterion": "TESTFW/K2"})
    assert response.status_code == 422
    assert ("TESTFW/K2: This evidence does not claim this criterion; only claimed criteria can be judged."
            in response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(db.func.count(CriterionDecision.id))) == 0
        assert db.session.get(WorkplaceEvidence, setup["evidence"]).assessed_at is None


def test_queue_lists_oldest_first_and_filters_by_course(app, world, setup):
    with app.app_context():
        second = Course(organisation_id=world.org_a, slug="other", title="Another course")
        db.session.add(second)
        db.session.commit()
        second_id = second.id
    assessor = client_for(app, world, "assessor")
    page = assessor.get("/evidence/queue").get_data(as_text=True)
    assert "Supporting lunch choices" in page and "Ann Archer" in page
    assert "No evidence is waiting for a decision." in assessor.get(f"/evidence/queue?course={second_id}").get_data(as_text=True)
    assert assessor.get("/evidence/queue?course=nope").status_code == 404


def test_essay_as_evidence_on_the_pages(app, world, setup):
    assessor = client_for(app, world, "assessor")
    page = assessor.get(f"/evidence/courses/{world.course_id}/learners/{world.users['learner'].id}").get_data(as_text=True)
    assert "Reflect on consent" in page and "1.5 of 2" in page and "TESTFW/P1, TESTFW/P2" in page
    assert "Use this marked essay as evidence" in page
    response = assessor.post(f"/evidence/essays/{world.essay_item}/use", data={"part": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/assess")
    form = assessor.get(response.headers["Location"]).get_data(as_text=True)
    assert ESSAY_ANSWER in form and "Describe a time you supported someone&#39;s choice." in form
    assert _judge(assessor, int(response.headers["Location"].split("/")[2]),
                  **{"outcome-0": "met", "comment-0": "Shows a choice offered."}).status_code == 302
    learner_page = client_for(app, world, "learner").get("/evidence/").get_data(as_text=True)
    assert "Essay: Reflect on consent" in learner_page and "Partly assessed" in learner_page
    tutor_page = client_for(app, world, "tutor").get(
        f"/evidence/courses/{world.course_id}/learners/{world.users['learner'].id}").get_data(as_text=True)
    assert "Use this marked essay as evidence" not in tutor_page


def test_nav_and_the_reports_link(app, world, setup):
    assert ">My evidence</a>" in client_for(app, world, "learner").get("/evidence/").get_data(as_text=True)
    assessor_page = client_for(app, world, "assessor").get("/evidence/queue").get_data(as_text=True)
    assert ">Evidence to assess</a>" in assessor_page and ">My evidence</a>" not in assessor_page
    report = client_for(app, world, "tutor").get(f"/reports/courses/{world.course_id}/learners/{world.users['learner'].id}")
    assert (f'href="/evidence/courses/{world.course_id}/learners/{world.users["learner"].id}">Workplace evidence</a>'
            in report.get_data(as_text=True))


def test_posts_need_the_csrf_token(app, world, setup):
    client = client_for(app, world, "assessor")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/evidence/{setup['evidence']}/assess", data={"outcome-0": "met"})
        assert response.status_code == 400
        assert client.post(f"/evidence/{setup['evidence']}/withdraw").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.scalar(select(db.func.count(CriterionDecision.id))) == 0
        assert db.session.get(WorkplaceEvidence, setup["evidence"]) is not None


def test_files_over_the_limit_are_refused(app, world):
    from tests.evidence.conftest_evidence import PDF

    client = client_for(app, world, "learner")
    url = f"/evidence/courses/{world.course_id}/learners/{world.users['learner'].id}/new"
    app.config["EVIDENCE_MAX_BYTES"] = 64
    try:
        response = client.post(url, data={**valid_fields(), "files": [(io.BytesIO(PDF + b"x" * 200), "big.pdf")]},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert "Files: big.pdf is larger than the limit of 64 bytes a file." in response.get_data(as_text=True)
        # The whole request is capped at every file at its limit plus the form (64 x 5 bytes + 1 MiB).
        huge = client.post(url, data={**valid_fields(), "files": [(io.BytesIO(b"x" * (2 * 1024 * 1024)), "a.txt")]},
                           content_type="multipart/form-data")
        assert huge.status_code == 413
    finally:
        app.config.pop("EVIDENCE_MAX_BYTES")
    with app.app_context():
        assert counts()["workplace_evidence"] == 0
