"""Files that jobs made are deleted CARECOURSE_JOB_FILE_DAYS days after the job finished
(``carecourse expire-job-files``, run nightly by deploy/carecourse-housekeeping.timer): exactly
those jobs lose their files, their records and results stay, and their pages say so."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from course.dbtypes import utcnow
from course.extensions import db
from course.jobs.models import Job

PACKAGE = b"PK\x03\x04" + b"p" * 996  # 1,000 bytes
REPORT = b"name,email\n" + b"r" * 989  # 1,000 bytes


def _jobs(app, tutor, make_job) -> dict[str, str]:
    """Six jobs of Org A's tutor; the default keeps files 30 days."""
    now = utcnow()
    ago = lambda days: now - dt.timedelta(days=days)  # noqa: E731
    export = {"filename": "care-scorm12.zip", "content_type": "application/zip", "slug": "care",
              "standard": "1.2", "multi_sco": False, "sequencing": False, "bytes": 1000, "warnings": []}
    report = {"filename": "care-progress.csv", "content_type": "text/csv; charset=utf-8", "course_id": 1,
              "format": "csv", "learners": 4, "cohort": None, "bytes": 1000}
    return {
        "old_export": make_job(tutor, "done", "export-scorm", finished_at=ago(31), output=PACKAGE, result=export),
        "old_report": make_job(tutor, "done", "report-progress", finished_at=ago(45), output=REPORT, result=report),
        # a worker killed mid-way can leave its upload behind on a failed job
        "old_failed": make_job(tutor, "failed", finished_at=ago(40), payload=b"x" * 500,
                               errors=[{"where": "bank.gift", "message": "stopped"}]),
        "recent_export": make_job(tutor, "done", "export-scorm", finished_at=ago(29), output=PACKAGE, result=export),
        "old_running": make_job(tutor, "running", started_at=ago(40), payload=b"y" * 100),
        "old_without_file": make_job(tutor, "done", finished_at=ago(60), result={"filename": "bank.gift"}),
    }


def _files(app) -> dict[str, tuple[bool, bool, object]]:
    with app.app_context():
        rows = db.session.execute(db.select(Job.id, Job.output.is_not(None), Job.payload.is_not(None), Job.result))
        return {job_id: (has_output, has_payload, result) for job_id, has_output, has_payload, result in rows}


def test_the_command_deletes_exactly_the_old_files_and_says_how_much(app, client, tutor, make_job):
    jobs = _jobs(app, tutor, make_job)
    before = _files(app)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["expire-job-files", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert planned["dry_run"] is True and planned["bytes"] == 2500
    # oldest first
    assert planned["jobs"] == [jobs["old_report"], jobs["old_failed"], jobs["old_export"]]
    assert _files(app) == before, "a dry run changes nothing"

    done = runner.invoke(args=["expire-job-files"])
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Deleted the files of 3 jobs (2,500 bytes) that finished before ")
    assert lines[1:] == [f"  {jobs['old_report']}", f"  {jobs['old_failed']}", f"  {jobs['old_export']}"]

    after = _files(app)
    today = utcnow().date().isoformat()
    assert after[jobs["old_export"]][:2] == (False, False)
    assert after[jobs["old_export"]][2] == {**before[jobs["old_export"]][2], "file_deleted": today}
    assert after[jobs["old_report"]][:2] == (False, False)
    assert after[jobs["old_report"]][2]["file_deleted"] == today
    assert after[jobs["old_failed"]] == (False, False, None)
    for kept in ("recent_export", "old_running", "old_without_file"):
        assert after[jobs[kept]] == before[jobs[kept]], kept
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 6, "every record stays"

    again = runner.invoke(args=["expire-job-files"])
    assert again.stdout.startswith("Deleted the files of 0 jobs (0 bytes)")


def test_the_job_pages_say_the_file_was_deleted_and_offer_no_download(app, client, tutor, make_job):
    jobs = _jobs(app, tutor, make_job)
    assert client.get(f"/jobs/{jobs['old_export']}/output").status_code == 200
    assert app.test_cli_runner().invoke(args=["expire-job-files"]).exit_code == 0
    today = utcnow().date().isoformat()

    html = client.get(f"/jobs/{jobs['old_export']}").get_data(as_text=True)
    assert (f"The package was deleted on {today}: files are kept 30 days after they are made. "
            "Export it again from the SCORM page.") in html
    assert "package-download" not in html
    assert client.get(f"/jobs/{jobs['old_export']}/output").status_code == 404
    html = client.get(f"/jobs/{jobs['old_report']}").get_data(as_text=True)
    assert f"The file was deleted on {today}: files are kept 30 days after they are made." in html
    assert "/output" not in html
    # the newer package is still offered
    html = client.get(f"/jobs/{jobs['recent_export']}").get_data(as_text=True)
    assert f'href="/jobs/{jobs["recent_export"]}/output">Download care-scorm12.zip</a>' in html

    written = app.test_cli_runner().invoke(args=["job", jobs["old_export"], "--out", "/dev/null"])
    assert written.exit_code == 1
    assert (f"job {jobs['old_export']}'s file was deleted on {today} (files are kept "
            "CARECOURSE_JOB_FILE_DAYS days): run the job again") in written.output


def test_the_days_come_from_the_environment(monkeypatch):
    from course import ConfigError, create_app

    base = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    monkeypatch.delenv("CARECOURSE_JOB_FILE_DAYS", raising=False)
    assert create_app(dict(base)).config["JOB_FILE_DAYS"] == 30
    monkeypatch.setenv("CARECOURSE_JOB_FILE_DAYS", "7")
    assert create_app(dict(base)).config["JOB_FILE_DAYS"] == 7
    monkeypatch.setenv("CARECOURSE_JOB_FILE_DAYS", "a month")
    with pytest.raises(ConfigError) as refused:
        create_app(dict(base))
    assert str(refused.value) == "CARECOURSE_JOB_FILE_DAYS must be a whole number of at least 1, not 'a month'"
