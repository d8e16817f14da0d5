"""The progress report of a large cohort as a job: the download button starts it, the job page
shows how many learners are written, then links to the file, kept with the job (``Job.output``).

Above ``REPORT_JOB_THRESHOLD`` learners (CARECOURSE_REPORT_JOB_THRESHOLD, default 2,000) the
report takes seconds to build, longer than a web request should be held; a worker writes it
instead. The file is bounded by ``REPORT_JOB_MAX_BYTES`` (CARECOURSE_REPORT_JOB_MAX_MB, default
64 MB): a larger one fails the job, saying so, and stores nothing.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import current_app

from course.jobs.registry import JobContext, JobFailed, job_kind, problem

PROGRESS_REPORT = "report-progress"
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# Progress is saved after each batch of this many learners.
BATCH = 1000


def _counted(rows: Iterator[list[Any]], job: JobContext, total: int) -> Iterator[list[Any]]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % BATCH == 0:
            job.progress(done, total, f"{done:,} of {total:,} learners written")


@job_kind(PROGRESS_REPORT, label="Progress report", template="reports/job_result.html")
def progress_report(job: JobContext) -> dict[str, Any]:
    """Write every learner's progress as ``params["fmt"]`` (csv or xlsx) into the job's output.

    Params: course_id, cohort (None for all), sort, dir, fmt, filename."""
    from course.extensions import db
    from course.jobs.models import Job
    from course.reports.cohort import learner_count, progress_stream
    from course.reports.export import csv_chunks, xlsx_tempfile
    from course.reports.lookups import organisation_course

    params = job.params
    fmt = params.get("fmt")
    if fmt not in FORMATS:
        raise JobFailed([problem("fmt", f"the format must be csv or xlsx, not {fmt!r}")])
    course = organisation_course(job.organisation_id, int(params.get("course_id") or 0))
    if course is None:
        raise JobFailed([problem("course_id", "the course no longer exists")])
    cohort = params.get("cohort")
    total = learner_count(course, cohort)
    job.progress(0, total, f"0 of {total:,} learners written")
    table = progress_stream(course, cohort=cohort, sort=params.get("sort"),
                            direction=params.get("dir") or "asc", batch=BATCH)
    table.rows = _counted(table.rows, job, total)
    limit = current_app.config["REPORT_JOB_MAX_BYTES"]
    if fmt == "csv":
        parts: list[bytes] = []
        size = 0
        for chunk in csv_chunks(table):
            data = chunk.encode("utf-8")
            size += len(data)
            if size > limit:
                _too_big(limit)
            parts.append(data)
        output = b"".join(parts)
    else:
        with xlsx_tempfile(table) as handle:
            output = handle.read(limit + 1)
        if len(output) > limit:
            _too_big(limit)
    found = db.session.get(Job, job.id)
    assert found is not None  # the runner holds it
    found.output = output
    return {"course_id": course.id, "filename": f"{params.get('filename') or course.slug + '-progress'}.{fmt}",
            "format": fmt, "content_type": FORMATS[fmt], "learners": total, "cohort": cohort, "bytes": len(output)}


def _too_big(limit: int) -> None:
    mb = limit / (1024 * 1024)
    raise JobFailed([problem(None, f"The report is larger than the {mb:g} MB a job may keep "
                                   "(CARECOURSE_REPORT_JOB_MAX_MB). Download one cohort at a time.")])
