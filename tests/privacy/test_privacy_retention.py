"""The retention sweep: dry run lists, the run deletes and anonymises, both as a job and the CLI."""
from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import func, select

from course.evidence.models import AuditEntry, CriterionDecision, WorkplaceEvidence
from course.extensions import db
from course.learning.models import Attempt, Enrolment, OfflineLearning
from course.models import User
from tests.privacy.privacy_world import World, world  # noqa: F401  (fixture)

OLD_ONLY = {"enrolments": 1, "attempts": 1, "answers": 1, "time_records": 2, "offline_learning": 1}


def _n(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_dry_run_lists_and_changes_nothing_then_the_run_deletes(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()
    args = ["retention", "--organisation", "Provider A", "--wait"]
    dry = runner.invoke(args=args + ["--dry-run"])
    assert dry.exit_code == 0, dry.output
    ann = world.users["ann"].id
    assert (f"Would delete learner #{ann} on Old course (last active 2022-03-01, kept until 2023-03-01): "
            "1 enrolment, 1 quiz attempts, 1 marked answers, 2 time and progress records, "
            "1 offline learning records") in dry.output
    assert "1 course record(s) of 2 learner(s) past retention" in dry.output and "dry run: nothing changed" in dry.output
    with app.app_context():
        assert _n(Attempt, Attempt.user_id == ann) == 2 and _n(OfflineLearning) == 1
        assert _n(AuditEntry, AuditEntry.action == "retention.applied") == 0

    run = runner.invoke(args=args)
    assert run.exit_code == 0, run.output
    assert f"Deleted learner #{ann} on Old course" in run.output
    with app.app_context():
        assert _n(Attempt, Attempt.user_id == ann) == 1 and _n(OfflineLearning) == 0
        assert _n(Enrolment, Enrolment.user_id == ann) == 1
        assert db.session.get(User, ann).name == "Ann Archer"  # still active on Care at work
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.applied"))
        assert entry.new == {"courses": 1, "anonymised": [], "remaining": 0, "totals": OLD_ONLY}
    again = runner.invoke(args=args)
    assert "0 course record(s) of 2 learner(s) past retention; nothing." in again.output


def test_a_learner_with_every_course_expired_is_anonymised(app: Flask, world: World) -> None:
    from course.jobs.service import submit

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3 * 366 + 2)
    with app.app_context():
        org_a = world.users["admin"].organisation_id
        dry = submit("retention", params={"dry_run": True, "now": later.isoformat()}, payload=None,
                     organisation_id=org_a, owner_id=world.users["admin"].id)
        assert dry.status == "done", dry.errors
        ann, bea = world.users["ann"].id, world.users["bea"].id
        assert dry.result["anonymised"] == [ann, bea]
        assert [(c["learner_id"], c["course_id"]) for c in dry.result["changes"]] == [
            (ann, world.care), (ann, world.old), (bea, world.care)]
        assert dry.result["totals"]["attempts"] == 3 and dry.result["totals"]["decisions"] == 1
        job = submit("retention", params={"now": later.isoformat()}, payload=None,
                     organisation_id=org_a, owner_id=world.users["admin"].id)
        assert job.status == "done", job.errors
        db.session.expire_all()
        assert db.session.get(User, ann).name == f"Erased learner #{ann}"
        assert db.session.get(User, bea).email == f"erased-{bea}@erased.invalid"
        assert _n(Attempt) == 0 and _n(WorkplaceEvidence) == 0 and _n(CriterionDecision) == 0
        cy = world.users["cy"].id
        assert db.session.get(User, cy).name == "Cy Cole"  # another organisation: untouched
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.applied"))
        assert entry.actor_id == world.users["admin"].id and entry.new["anonymised"] == [ann, bea]


def test_bad_now_fails_the_job(app: Flask, world: World) -> None:
    from course.jobs.service import submit

    with app.app_context():
        job = submit("retention", params={"now": "soon"}, payload=None,
                     organisation_id=world.users["admin"].organisation_id, owner_id=None)
        assert job.status == "failed"
        assert job.errors == [{"where": "now", "message": "'soon' is not an ISO date and time."}]


def test_a_run_handles_at_most_its_limit_and_leaves_the_rest(app: Flask, world: World) -> None:
    from course.privacy.retention import sweep

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3 * 366 + 2)
    with app.app_context():
        org_a = world.users["admin"].organisation_id
        first = sweep(org_a, dry_run=False, now=later, limit=2)
        ann, bea = world.users["ann"].id, world.users["bea"].id
        assert [(c["learner_id"], c["course_id"]) for c in first["changes"]] == [(ann, world.care), (ann, world.old)]
        assert (first["remaining"], first["anonymised"]) == (1, [ann])
        db.session.commit()
        second = sweep(org_a, dry_run=False, now=later, limit=2)
        assert ([(c["learner_id"], c["course_id"]) for c in second["changes"]], second["remaining"]) == (
            [(bea, world.care)], 0)


def test_a_learner_anonymised_by_the_sweep_shows_as_erased(app: Flask, client, world: World) -> None:
    from course.privacy.retention import sweep
    from tests.helpers import login

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3 * 366 + 2)
    with app.app_context():
        sweep(world.users["admin"].organisation_id, dry_run=False, now=later)
        db.session.commit()
    login(client, world.users["admin"].email)
    ann = world.users["ann"].id
    assert client.get(f"/privacy/learners/{ann}/erase").status_code == 302
    page = client.get(f"/privacy/learners/{ann}/erased")
    assert page.status_code == 200 and b"Anonymised by the retention sweep" in page.data
    assert client.get(f"/privacy/learners/{world.users['bea'].id}/erased").status_code == 200
