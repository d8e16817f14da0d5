"""Report downloads stream (rows made batch by batch while they are sent), and a cohort above
REPORT_JOB_THRESHOLD is written by a job whose page links to the file."""
from __future__ import annotations

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from course.extensions import db
from course.jobs.models import Job
from course.reports.cohort import progress_stream, progress_table
from course.reports.export import to_csv
from tests.helpers import login
from tests.reports.conftest import ReportCourse

ANN_ROW = ["Ann Archer", "ann@a.test", "A", "2", "50", "90", "0", "90", "0", "140", "10", "",
           "90", "140", "10", "", "passed", "100", "1", "30", "60", "completed", "", "0", "20", "30"]


def _signed_in(client: FlaskClient, rc: ReportCourse) -> ReportCourse:
    assert login(client, "tutor@a.test").status_code == 302
    return rc


def test_downloads_are_streamed_with_the_same_content(client: FlaskClient, report_course: ReportCourse,
                                                      app: Flask) -> None:
    rc = _signed_in(client, report_course)
    base = f"/reports/courses/{rc.course_id}"
    response = client.get(f"{base}/progress.csv")
    assert response.is_streamed and response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [r[0] for r in rows] == ["name", "Ann Archer", "Ben Brook", "Cat Cole", "Dan Dale"]
    assert rows[1] == ANN_ROW
    with app.app_context():
        from course.authoring.models import Course

        listed = to_csv(progress_table(db.session.get(Course, rc.course_id)))
    assert response.get_data(as_text=True) == listed
    for url in (f"{base}/progress.xlsx", f"{base}/items.csv", f"{base}/items.xlsx"):
        assert client.get(url).is_streamed, url
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/progress.xlsx").data))["Progress"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert [v[0] for v in sheet.values] == ["name", "Ann Archer", "Ben Brook", "Cat Cole", "Dan Dale"]


def test_progress_rows_are_read_a_batch_at_a_time(report_course: ReportCourse, app: Flask, count_queries) -> None:
    from course.authoring.models import Course

    with app.app_context():
        table = progress_stream(db.session.get(Course, report_course.course_id), batch=2)
        rows = iter(table.rows)
        with count_queries() as first:
            assert next(rows)[0] == "Ann Archer"
        attempts_read = lambda q: len([s for s in q.statements if "FROM attempt" in s])  # noqa: E731
        assert attempts_read(first) == 1  # only the first batch (Ann, Ben) is read
        assert next(rows)[0] == "Ben Brook"
        with count_queries() as rest:
            assert [r[0] for r in rows] == ["Cat Cole", "Dan Dale"]
        assert attempts_read(rest) == 1  # the second batch


def test_a_cohort_above_the_threshold_is_written_by_a_job(client: FlaskClient, report_course: ReportCourse,
                                                           app: Flask, create_user) -> None:
    rc = _signed_in(client, report_course)
    app.config["REPORT_JOB_THRESHOLD"] = 3  # 4 learners: a job; cohort A (2 learners) would not be
    page = client.get(f"/reports/courses/{rc.course_id}/progress").get_data(as_text=True)
    assert "4 learners: the file is written by a job" in page
    assert "Prepare every learner&#39;s progress as CSV" in page or "Prepare every learner's progress as CSV" in page
    assert f'href="/reports/courses/{rc.course_id}/progress.csv' not in page
    small = client.get(f"/reports/courses/{rc.course_id}/progress?cohort=A").get_data(as_text=True)
    assert "written by a job" not in small and "progress.csv?cohort=A" in small

    response = client.post(f"/reports/courses/{rc.course_id}/progress.csv/job?sort=name&dir=desc")
    assert response.status_code == 303
    job_url = response.headers["Location"]
    job_page = client.get(job_url).get_data(as_text=True)
    assert "Progress report ready: 4 learners" in job_page
    link = re.search(r'href="(/jobs/[0-9a-f]{32}/output)"', job_page).group(1)
    download = client.get(link)
    assert download.headers["Content-Disposition"] == 'attachment; filename="care-basics-progress.csv"'
    assert (download.content_type, download.headers["Cache-Control"]) == ("text/csv; charset=utf-8", "no-store")
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert [r[0] for r in rows] == ["name", "Dan Dale", "Cat Cole", "Ben Brook", "Ann Archer"]  # sorted as asked
    assert rows[4] == ANN_ROW
    with app.app_context():
        job = db.session.get(Job, job_url.rsplit("/", 1)[1])
        assert (job.status, job.progress_total, job.result["learners"]) == ("done", 4, 4)

    xlsx = client.post(f"/reports/courses/{rc.course_id}/progress.xlsx/job?cohort=B")
    job_page = client.get(xlsx.headers["Location"]).get_data(as_text=True)
    assert "Progress report ready: 2 learners (cohort B)" in job_page
    link = re.search(r'href="(/jobs/[0-9a-f]{32}/output)"', job_page).group(1)
    workbook = client.get(link)
    assert workbook.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert workbook.headers["Content-Disposition"] == 'attachment; filename="care-basics-progress.xlsx"'
    sheet = load_workbook(io.BytesIO(workbook.data))["Progress"]
    assert [v[0] for v in sheet.values] == ["name", "Cat Cole", "Dan Dale"]

    # Another organisation's tutor cannot fetch the file.
    client.post("/logout")
    create_user("tutor", "Provider Z", email="z@z.test")
    assert login(client, "z@z.test").status_code == 302
    assert client.get(link).status_code == 404


def test_a_report_above_the_size_limit_fails_saying_so_and_keeps_nothing(client: FlaskClient,
                                                                          report_course: ReportCourse,
                                                                          app: Flask) -> None:
    rc = _signed_in(client, report_course)
    app.config["REPORT_JOB_MAX_BYTES"] = 300
    response = client.post(f"/reports/courses/{rc.course_id}/progress.csv/job")
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The report was not written" in page
    assert "larger than the 0.000286102 MB a job may keep" in page
    assert client.get(f"/jobs/{job_id}/output").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(Job.output).where(Job.id == job_id)) is None
