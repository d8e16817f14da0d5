"""Progress reports of large cohorts as jobs: start one (the download buttons above the
threshold), then download the file it made from the job page.

    POST /reports/courses/<id>/progress.<csv|xlsx>/job    start the job (?cohort=&sort=&dir=)

The file is downloaded from ``/jobs/<job id>/output`` (course.jobs.views), as every job's is: only
the job's owner and the organisation's admins may (course.jobs.service.job_for).
"""
from __future__ import annotations

from typing import Any

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from course.auth import roles_required
from course.jobs.service import submit
from course.reports.jobs import PROGRESS_REPORT
from course.reports.views import _cohort_arg, bp, my_course


def runs_as_job(learners: int) -> bool:
    """Whether a progress download of this many learners is made by a job, not in the request."""
    return learners > current_app.config["REPORT_JOB_THRESHOLD"]


@bp.post("/courses/<int:course_id>/progress.<any(csv, xlsx):fmt>/job")
@roles_required("tutor", "admin")
def progress_job(course_id: int, fmt: str) -> Any:
    """Start writing every learner's progress (filters and sort as on the page) as a job."""
    course = my_course(course_id)
    sort = request.args.get("sort")
    direction = "desc" if request.args.get("dir") == "desc" else "asc"
    job = submit(PROGRESS_REPORT, params={
        "course_id": course.id, "cohort": _cohort_arg(), "sort": sort, "dir": direction, "fmt": fmt,
        "filename": f"{course.slug}-progress",
    }, payload=None, organisation_id=course.organisation_id, owner_id=current_user.id)
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.app_template_global("report_runs_as_job")
def _report_runs_as_job(learners: int) -> bool:
    return runs_as_job(learners)


