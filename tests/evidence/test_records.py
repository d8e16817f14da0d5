"""Recording evidence: every rule and every refusal (exact words, nothing written), files checked by content."""
from __future__ import annotations

import datetime as dt

import pytest

from course.authoring.models import Course
from course.evidence import files, records
from course.evidence.models import AuditEntry, EvidenceFile, WorkplaceEvidence
from course.extensions import db
from course.models import User
from tests.evidence.conftest_evidence import (EXE, JPEG, P1, P2, PDF, PNG, TEXT, WEBP, K1, audit_actions, counts, ctx,
                                              docx_bytes, get, valid_fields, world)

__all__ = ["ctx", "world"]  # fixtures used by name
Upload = records.FileUpload


def _ann(w):
    return get(User, w.users["learner"].id)


def _course(w):
    return get(Course, w.course_id)


def _record(w, actor_key="learner", learner_key="learner", **overrides):
    fields = valid_fields(**overrides)
    return records.record_evidence(_course(w), get(User, w.users[learner_key].id), get(User, w.users[actor_key].id),
                                   **fields)


# ---------------------------------------------------------------- recording


def test_learner_records_evidence_with_files_and_declaration(world, ctx):
    e = _record(world, uploads=[Upload("lunch.jpg", JPEG), Upload("notes.txt", TEXT)],
                declaration=records.DECLARATION)
    db.session.commit()
    e = get(WorkplaceEvidence, e.id)
    assert (e.kind, e.occurred_on, e.title) == ("observation", dt.date(2026, 11, 2), "Supporting lunch choices")
    assert e.claimed == [P1, P2] and e.recorded_by_id == world.users["learner"].id
    assert e.declared_at is not None and e.assessed_at is None
    assert [(f.filename, f.content_type, f.size) for f in e.files] == [
        ("lunch.jpg", "image/jpeg", len(JPEG)), ("notes.txt", "text/plain", len(TEXT))]
    assert e.files[1].sha256 == files.sha256(TEXT) and e.files[1].data == TEXT
    assert audit_actions() == ["evidence.recorded", "evidence.file_added", "evidence.file_added"]
    entry = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id))
    assert entry.new["claimed"] == [P1, P2] and entry.learner_id == world.users["learner"].id
    assert entry.actor_id == world.users["learner"].id and entry.organisation_id == world.org_a


@pytest.mark.parametrize("actor", ["tutor", "assessor", "admin"])
def test_staff_of_the_organisation_record_for_an_enrolled_learner(world, ctx, actor):
    e = _record(world, actor_key=actor)
    assert e.recorded_by_id == world.users[actor].id and e.learner_id == world.users["learner"].id
    assert e.declared_at is None and not records.needs_declaration(e)


def test_claimed_criteria_are_kept_in_course_order_without_repeats(world, ctx):
    e = _record(world, claimed=[K1, P2, " TESTFW/P1 ", P2])
    assert e.claimed == [P1, P2, K1]


@pytest.mark.parametrize(("actor", "learner"), [
    ("iqa", "learner"), ("b_tutor", "learner"), ("b_assessor", "learner"), ("b_admin", "learner"),
    ("learner2", "learner"), ("learner", "learner2"), ("stranger", "stranger"), ("tutor", "stranger"),
    ("tutor", "tutor"),
])
def test_who_may_not_record(world, ctx, actor, learner):
    before = counts()
    with pytest.raises(records.EvidenceDenied, match="There is no such learner on this course."):
        _record(world, actor_key=actor, learner_key=learner)
    assert counts() == before


BAD_FIELDS = [
    ({"kind": "essay"}, "kind", "Choose the kind of evidence: observation, professional discussion, witness testimony, "
                                "work product, reflective account."),
    ({"occurred_on": ""}, "occurred_on", "Enter the date it happened."),
    ({"occurred_on": "31/12/2026"}, "occurred_on", "Enter a real date as YYYY-MM-DD, for example 2026-03-31."),
    ({"occurred_on": "2026-02-30"}, "occurred_on", "Enter a real date as YYYY-MM-DD, for example 2026-03-31."),
    ({"title": "   "}, "title", "Enter a title."),
    ({"title": "x" * 201}, "title", "The title is 201 characters; at most 200."),
    ({"description": ""}, "description", "Describe what you did and how it shows the criteria."),
    ({"description": "x" * 10_001}, "description", "The description is 10,001 characters; at most 10,000."),
    ({"claimed": []}, "claimed", "Choose at least one criterion the evidence shows."),
    ({"claimed": [P1, "OTHERFW/P1"]}, "claimed", "Not a criterion of this course: OTHERFW/P1."),
    ({"claimed": ["TESTFW/P9"]}, "claimed", "Not a criterion of this course: TESTFW/P9."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_FIELDS, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD_FIELDS)])
def test_each_bad_field_is_named_and_nothing_is_written(world, ctx, change, field, message):
    before = counts()
    with pytest.raises(records.EvidenceInvalid) as caught:
        _record(world, uploads=[Upload("a.png", PNG)], **change)
    assert caught.value.errors == {field: message}
    assert counts() == before


def test_a_date_in_the_future_is_refused(world, ctx):
    tomorrow = (world.today + dt.timedelta(days=1)).isoformat()
    with pytest.raises(records.EvidenceInvalid) as caught:
        _record(world, occurred_on=tomorrow)
    assert caught.value.errors == {"occurred_on": "The date cannot be in the future."}
    assert _record(world, occurred_on=world.today.isoformat()).occurred_on == world.today


def test_every_bad_field_is_reported_at_once(world, ctx):
    with pytest.raises(records.EvidenceInvalid) as caught:
        _record(world, kind="", title="", description="", claimed=[], occurred_on="soon")
    assert sorted(caught.value.errors) == ["claimed", "description", "kind", "occurred_on", "title"]


def test_the_declaration_must_be_the_exact_words_and_only_the_learner_declares(world, ctx):
    before = counts()
    with pytest.raises(records.EvidenceInvalid) as caught:
        _record(world, declaration="I did it")
    assert caught.value.errors == {"declaration": "Tick the declaration exactly as it is worded."}
    with pytest.raises(records.EvidenceInvalid) as caught:
        _record(world, actor_key="tutor", declaration=records.DECLARATION)
    assert caught.value.errors == {"declaration": "Only the learner can declare the evidence their own."}
    assert counts() == before


# ---------------------------------------------------------------- files by content


@pytest.mark.parametrize(("name", "data", "stored", "content_type"), [
    ("scan.pdf", PDF, "scan.pdf", "application/pdf"),
    ("photo.pdf", PNG, "photo.png", "image/png"),  # a PNG renamed .pdf is stored as a PNG
    ("IMG_0412", JPEG, "IMG_0412.jpg", "image/jpeg"),
    ("pic.webp", WEBP, "pic.webp", "image/webp"),
    ("plan.docx", docx_bytes(), "plan.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("notes.md", TEXT, "notes.txt", "text/plain"),
    ("C:\\Users\\ann\\statement.txt", TEXT, "statement.txt", "text/plain"),
    ('../../"evil".png', PNG, "evil.png", "image/png"),
])
def test_files_are_typed_by_content(world, ctx, name, data, stored, content_type):
    e = _record(world, uploads=[Upload(name, data)])
    assert [(f.filename, f.content_type) for f in e.files] == [(stored, content_type)]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("cv.pdf", EXE, "cv.pdf is not a PDF, PNG, JPEG or WebP image, Word document (.docx) or plain text file "
                    "(its content was checked, not its name)."),
    ("archive.docx", docx_bytes(with_document=False), "archive.docx is not a PDF, PNG, JPEG or WebP image, Word "
                    "document (.docx) or plain text file (its content was checked, not its name)."),
    ("plan.docx", docx_bytes(macros=True), "plan.docx is not a PDF, PNG, JPEG or WebP image, Word document "
                    "(.docx) or plain text file (its content was checked, not its name)."),
    ("latin1.txt", "caf\xe9".encode("latin-1"), "latin1.txt is not a PDF, PNG, JPEG or WebP image, Word document "
                    "(.docx) or plain text file (its content was checked, not its name)."),
    ("empty.pdf", b"", "empty.pdf is empty."),
])
def test_files_refused_by_content_name_the_file_and_write_nothing(world, ctx, name, data, message):
    before = counts()
    with pytest.raises(records.EvidenceInvalid) as caught:
        _record(world, uploads=[Upload("fine.png", PNG), Upload(name, data)])
    assert caught.value.errors == {"files": message}
    assert counts() == before


def test_file_size_limit_comes_from_config(app, world, ctx):
    app.config["EVIDENCE_MAX_BYTES"] = 64
    with pytest.raises(records.EvidenceInvalid) as caught:
        _record(world, uploads=[Upload("big.pdf", PDF + b"x" * 100)])
    assert caught.value.errors == {"files": "big.pdf is larger than the limit of 64 bytes a file."}
    assert _record(world, uploads=[Upload("small.pdf", PDF)]).files[0].size == len(PDF)


def test_the_default_limits(app):
    with app.app_context():
        assert (files.max_bytes(), files.max_files()) == (10 * 1024 * 1024, 5)


def test_at_most_five_files(world, ctx):
    before = counts()
    with pytest.raises(records.EvidenceInvalid) as caught:
        _record(world, uploads=[Upload(f"{i}.png", PNG) for i in range(6)])
    assert caught.value.errors == {"files": "A piece of evidence holds at most 5 files; it has 0 and 6 more were sent."}
    assert counts() == before
    e = _record(world, uploads=[Upload(f"{i}.png", PNG) for i in range(4)])
    records.add_files(e, _ann(world), [Upload("5.png", PNG)])
    with pytest.raises(records.EvidenceInvalid) as caught:
        records.add_files(e, _ann(world), [Upload("6.png", PNG)])
    assert caught.value.errors == {"files": "A piece of evidence holds at most 5 files; it has 5 and 1 more were sent."}


def test_adding_files_clears_the_declaration(world, ctx):
    e = _record(world, declaration=records.DECLARATION)
    records.add_files(e, get(User, world.users["tutor"].id), [Upload("w.pdf", PDF)])
    assert e.declared_at is None and records.needs_declaration(e)
    assert audit_actions()[-2:] == ["evidence.declaration_cleared", "evidence.file_added"]
    with pytest.raises(records.EvidenceInvalid) as caught:
        records.add_files(e, _ann(world), [])
    assert caught.value.errors == {"files": "Choose at least one file."}


# ---------------------------------------------------------------- declaring, editing, withdrawing


def test_declaring(world, ctx):
    e = _record(world)
    assert records.needs_declaration(e)
    with pytest.raises(records.EvidenceInvalid) as caught:
        records.declare(e, _ann(world), None)
    assert caught.value.errors == {"declaration": "Tick the declaration to confirm the evidence is your own work."}
    with pytest.raises(records.EvidenceInvalid):
        records.declare(e, _ann(world), "yes")
    for other in ("tutor", "assessor", "learner2", "b_learner"):
        with pytest.raises(records.EvidenceDenied):
            records.declare(e, get(User, world.users[other].id), records.DECLARATION)
    assert e.declared_at is None
    records.declare(e, _ann(world), records.DECLARATION)
    assert e.declared_at is not None and not records.needs_declaration(e)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "evidence.declared"))
    assert entry.old == {"declared_at": None} and entry.new["declaration"] == records.DECLARATION


def test_editing_audits_old_and_new_and_clears_the_declaration(world, ctx):
    e = _record(world, declaration=records.DECLARATION)
    records.update_evidence(e, get(User, world.users["tutor"].id), **valid_fields(title="Lunch choices", claimed=[P1]))
    assert (e.title, e.claimed, e.declared_at) == ("Lunch choices", [P1], None)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "evidence.changed"))
    assert (entry.old["title"], entry.new["title"]) == ("Supporting lunch choices", "Lunch choices")
    assert (entry.old["claimed"], entry.new["claimed"]) == ([P1, P2], [P1])
    assert entry.old["declared_at"] is not None and entry.new["declared_at"] is None
    n = len(audit_actions())
    records.update_evidence(e, _ann(world), **valid_fields(title="Lunch choices", claimed=[P1]))
    assert len(audit_actions()) == n  # nothing changed, nothing audited


def test_a_bad_edit_changes_nothing(world, ctx):
    e = _record(world)
    db.session.commit()
    with pytest.raises(records.EvidenceInvalid) as caught:
        records.update_evidence(e, _ann(world), **valid_fields(title="", claimed=["OTHERFW/K1"]))
    assert caught.value.errors == {"title": "Enter a title.", "claimed": "Not a criterion of this course: OTHERFW/K1."}
    db.session.rollback()
    assert get(WorkplaceEvidence, e.id).title == "Supporting lunch choices"


def test_withdrawing_deletes_the_evidence_and_its_files_and_audits_them(world, ctx):
    e = _record(world, uploads=[Upload("a.png", PNG)])
    evidence_id = e.id
    records.withdraw_evidence(e, _ann(world))
    assert get(WorkplaceEvidence, evidence_id) is None and db.session.scalar(db.select(db.func.count(EvidenceFile.id))) == 0
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "evidence.withdrawn"))
    assert entry.subject_id == str(evidence_id) and entry.old["files"] == [{"filename": "a.png", "sha256": files.sha256(PNG)}]


@pytest.mark.parametrize("other", ["learner2", "iqa", "b_tutor", "b_admin"])
def test_others_cannot_change_or_withdraw(world, ctx, other):
    e = _record(world)
    user = get(User, world.users[other].id)
    with pytest.raises(records.EvidenceDenied):
        records.update_evidence(e, user, **valid_fields(title="Mine now"))
    with pytest.raises(records.EvidenceDenied):
        records.withdraw_evidence(e, user)
    with pytest.raises(records.EvidenceDenied):
        records.add_files(e, user, [Upload("a.png", PNG)])


def test_nothing_changes_once_an_assessor_has_decided(world, ctx):
    from course.evidence import decisions

    e = _record(world, actor_key="tutor")
    decisions.judge(e, get(User, world.users["assessor"].id), {P1: ("met", "Seen.")})
    message = {"evidence": "An assessor has judged this evidence, so it can no longer be changed."}
    for attempt in (lambda: records.update_evidence(e, _ann(world), **valid_fields(title="New")),
                    lambda: records.withdraw_evidence(e, _ann(world)),
                    lambda: records.add_files(e, _ann(world), [Upload("a.png", PNG)])):
        with pytest.raises(records.EvidenceInvalid) as caught:
            attempt()
        assert caught.value.errors == message


def test_who_sees_evidence(world, ctx):
    e = _record(world)
    for key in ("learner", "tutor", "assessor", "iqa", "admin"):
        assert records.visible_evidence(get(User, world.users[key].id), e.id).id == e.id
    for key in ("learner2", "stranger", "b_learner", "b_tutor", "b_assessor", "b_iqa", "b_admin"):
        with pytest.raises(records.EvidenceDenied):
            records.visible_evidence(get(User, world.users[key].id), e.id)


def test_progress_labels(world, ctx):
    from course.evidence import decisions

    e = _record(world)
    assert records.progress_label(e, for_learner=True) == "Awaiting your declaration"
    assert records.progress_label(e, for_learner=False) == "Awaiting the learner's declaration"
    records.declare(e, _ann(world), records.DECLARATION)
    assert records.progress_label(e, for_learner=True) == "Awaiting the assessor"
    decisions.judge(e, get(User, world.users["assessor"].id), {P1: ("met", "")})
    assert records.progress_label(e, for_learner=True) == "Partly assessed"
    decisions.judge(e, get(User, world.users["assessor"].id), {P2: ("referred", "Not seen.")})
    assert records.progress_label(e, for_learner=True) == "Assessed"
