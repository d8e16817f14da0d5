"""Running a job: all or nothing, its errors kept with their positions, run once however often
it is delivered; the registry of kinds and the backend setting."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from course import ConfigError
from course.authoring.models import Course
from course.bank.models import QuestionVersion
from course.extensions import db
from course.jobs.models import Job
from course.jobs.registry import JobContext, JobFailed, get_kind, job_kind
from course.jobs.runner import UNEXPECTED, run_job
from course.models import Framework
from tests.helpers import make_app

BROKEN_GIFT = b"// criterion: TESTFW/K1\nGood? {T}\n\nBroken {=a ~b\n"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def the_job(app) -> Job:
    with app.app_context():
        job = db.session.scalar(select(Job))
        db.session.expunge(job)
        return job


def upload_questions(client, data: bytes, name: str):
    return client.post("/questions/import", data={"file": (io.BytesIO(data), name), "format": "auto"},
                       content_type="multipart/form-data")


def test_a_failing_question_import_keeps_its_errors_and_creates_nothing(app, client, tutor):
    response = upload_questions(client, BROKEN_GIFT, "bad.gift")
    assert response.status_code == 303
    job = the_job(app)
    assert response.headers["Location"] == f"/jobs/{job.id}"
    assert job.status == "failed" and job.finished_at is not None
    assert job.errors == [{"where": "bad.gift: line 4", "message": "answer block '{' is not closed with '}'"}]
    assert job.result["questions"] == 0
    with app.app_context():
        assert db.session.get(Job, job.id).payload is None  # the file is not kept once finished
    assert count(app, QuestionVersion) == 0
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "<code>bad.gift: line 4</code>" in html and "Nothing was imported" in html


def test_one_invalid_question_fails_the_whole_file_naming_the_question_and_line(app, client, tutor):
    data = b"// criterion: TESTFW/K1\n::Fine:: One? {T}\n\n::Long:: " + b"x" * 50_001 + b" {T}\n"
    assert upload_questions(client, data, "long.gift").status_code == 303
    job = the_job(app)
    assert job.status == "failed"
    assert job.errors == [{"where": "long.gift: question 'Long' (line 4)",
                           "message": "produces an invalid question: {'stem': ['longer than 50,000 characters']}"}]
    assert count(app, QuestionVersion) == 0


def test_a_failing_course_import_keeps_every_problem_with_its_json_path(app, client, tutor):
    doc = {"format": "carecourse-course", "version": 1, "course": {"slug": "x"}}
    response = client.post("/courses/import", data={"file": (io.BytesIO(json.dumps(doc).encode()), "c.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    job = the_job(app)
    assert job.status == "failed" and job.kind == "import-course"
    wheres = [e["where"] for e in job.errors]
    assert "course.title" in wheres and "frameworks" in wheres and "modules" in wheres
    assert count(app, Course) == 0


def test_an_unexpected_error_is_recorded_and_nothing_is_kept(app, client, tutor, monkeypatch, caplog):
    from course.bank import service

    def broken(*args, **kwargs):
        db.session.add(QuestionVersion(question_id="half", version=1, organisation_id=1, type="x", title="x",
                                       data={}, criteria=[], tags=[]))
        db.session.flush()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "save_questions", broken)
    assert upload_questions(client, b"// criterion: TESTFW/K1\nGood? {T}\n", "ok.gift").status_code == 303
    job = the_job(app)
    assert job.status == "failed"
    assert job.errors == [{"where": "", "message": UNEXPECTED}]
    assert count(app, QuestionVersion) == 0  # the half-done work was rolled back
    assert "stopped on an unexpected error" in caplog.text and "disk on fire" in caplog.text


def test_a_job_rq_stops_at_its_time_limit_says_so(app, client, tutor, monkeypatch):
    from rq.timeouts import JobTimeoutException

    from course.bank import service

    def slow(*args, **kwargs):
        raise JobTimeoutException("Task exceeded maximum timeout value (600 seconds)")

    monkeypatch.setattr(service, "save_questions", slow)
    assert upload_questions(client, b"// criterion: TESTFW/K1\nGood? {T}\n", "ok.gift").status_code == 303
    job = the_job(app)
    assert job.status == "failed"
    assert job.errors == [{"where": "", "message": "The job ran past its time limit of 10 minutes and was "
                                                   "stopped; nothing was changed."}]
    assert count(app, QuestionVersion) == 0


def test_a_job_delivered_twice_runs_once(app, client, tutor):
    assert upload_questions(client, b"// criterion: TESTFW/K1\nGood? {T}\n", "ok.gift").status_code == 303
    job = the_job(app)
    assert job.status == "done" and count(app, QuestionVersion) == 1
    with app.app_context():
        assert run_job(job.id) == "done"  # already finished: nothing runs again
        assert run_job("0" * 32) == "missing"
    assert count(app, QuestionVersion) == 1


def test_a_unit_import_job_stores_the_framework_or_names_the_line(app, runner, tmp_path):
    good = tmp_path / "unit.txt"
    from tests.helpers import SEEDS_DIR

    good.write_bytes((SEEDS_DIR / "000_79094af63c4f7cc3.txt").read_bytes())
    result = runner.invoke(args=["import-unit", str(good), "--wait"])
    assert result.exit_code == 0, result.output
    assert count(app, Framework) == 1
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert (job.kind, job.status, job.organisation_id, job.owner_id) == ("import-unit", "done", None, None)
        assert job.result == {"filename": "unit.txt", "code": "HSCCLD327", "outcomes": 2, "criteria": 35,
                              "title": "Work with individuals to develop and maintain relationships"}


def test_a_kind_name_may_be_registered_once():
    get_kind("import-questions")  # registers the shipped kinds
    with pytest.raises(ValueError, match="job kind 'import-questions' is registered twice"):
        @job_kind("import-questions", label="Another")
        def another(job: JobContext) -> dict:
            raise JobFailed([])


def test_an_unknown_kind_is_named():
    with pytest.raises(LookupError, match="no job kind 'export-everything'"):
        get_kind("export-everything")


def test_an_unknown_backend_stops_the_app_naming_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="CARECOURSE_JOBS must be one of inline, thread, rq, not 'celery'"):
        make_app(tmp_path, JOBS_BACKEND="celery")
