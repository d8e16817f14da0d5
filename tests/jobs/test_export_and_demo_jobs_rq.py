"""The SCORM export and demo-data jobs through RQ on the machine's real Redis, as production
runs them: queued by the app, run by a worker, followed and failed through the job record."""
from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from course.extensions import db
from course.jobs.models import Job
from course.jobs.service import submit
from tests.jobs.test_backends import run_rq_burst


def _submit(app, kind, **params):
    with app.app_context():
        return submit(kind, params=params, payload=None, organisation_id=params.pop("organisation_id", None),
                      owner_id=None).id


def _job(app, job_id):
    with app.app_context():
        job = db.session.get(Job, job_id)
        output = db.session.scalar(select(Job.output).where(Job.id == job_id))
        return job.status, job.result, job.errors, (job.progress_done, job.progress_total, job.progress_note), output


def test_demo_data_then_its_scorm_export_run_on_a_worker(rq_app):
    demo = _submit(rq_app, "demo-data", learners=3, modules=2, attempts_per_learner=None, seed=1, slug="rq-demo")
    assert _job(rq_app, demo)[0] == "queued"  # nothing runs until a worker takes it
    run_rq_burst(rq_app)
    status, result, errors, progress, _ = _job(rq_app, demo)
    assert (status, errors) == ("done", [])
    assert (result["course_slug"], result["learners"], result["modules"], result["attempts"]) == ("rq-demo", 3, 2, 6)
    live = rq_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert progress[:2] == ((5, 5) if live else (1, 5))

    with rq_app.app_context():
        from course.authoring.models import Course

        course = db.session.scalar(select(Course).where(Course.slug == "rq-demo"))
        course_id, org_id = course.id, course.organisation_id
    export = _submit(rq_app, "export-scorm", course_id=course_id, slug="rq-demo", standard="1.2",
                     multi_sco=True, sequencing=False, filename="rq-demo-scorm12-multi.zip", organisation_id=org_id)
    run_rq_burst(rq_app)
    status, result, errors, progress, output = _job(rq_app, export)
    assert (status, errors) == ("done", [])
    assert progress == (4, 4, "validating the package")
    assert result["bytes"] == len(output)
    manifest = zipfile.ZipFile(io.BytesIO(output)).read("imsmanifest.xml").decode()
    assert manifest.count("<item ") == 2  # one SCO per module


def test_failures_on_a_worker_are_recorded_with_where_and_keep_nothing(rq_app):
    gone = _submit(rq_app, "export-scorm", course_id=999_999, slug="gone", standard="1.2", multi_sco=False,
                   sequencing=False, filename="gone-scorm12.zip", organisation_id=None)
    first = _submit(rq_app, "demo-data", learners=2, modules=1, attempts_per_learner=None, seed=1, slug="twice")
    again = _submit(rq_app, "demo-data", learners=2, modules=1, attempts_per_learner=None, seed=1, slug="twice")
    run_rq_burst(rq_app)
    status, _, errors, _, output = _job(rq_app, gone)
    assert (status, errors, output) == ("failed", [{"where": "gone", "message": "the course no longer exists"}], None)
    assert _job(rq_app, first)[0] == "done"
    status, _, errors, _, _ = _job(rq_app, again)
    assert status == "failed"
    assert errors == [{"where": "twice", "message": "Demo Data Provider already has a course 'twice'"}]
    with rq_app.app_context():
        from course.models import User

        assert db.session.scalar(select(db.func.count()).select_from(User).where(User.email.like("twice-%"))) == 2
