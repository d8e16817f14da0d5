"""The job page: progress while a job runs, then its result or every problem with its position."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_login import current_user

from course.auth.decorators import roles_required
from course.extensions import db
from course.jobs.models import Job
from course.jobs.registry import get_kind
from course.jobs.service import job_for, state_text, status_document

bp = Blueprint("jobs", __name__, url_prefix="/jobs", template_folder="templates")

# Every job so far is an import or an export by a tutor or admin; its owner and the
# organisation's admins may see it.
VIEWERS = ("tutor", "admin")


def _job_or_404(job_id: str) -> Any:
    job = job_for(current_user, job_id)
    if job is None:
        abort(404)
    db.session.commit()  # a job found lost is recorded as failed
    return job


@bp.get("/<job_id>")
@roles_required(*VIEWERS)
def show(job_id: str) -> Any:
    """The job's state and progress; once finished, its result or its problems."""
    job = _job_or_404(job_id)
    return render_template("jobs/job.html", job=job, kind=get_kind(job.kind), state=state_text(job))


@bp.get("/<job_id>/status")
@roles_required(*VIEWERS)
def status(job_id: str) -> Any:
    """The job's state as JSON, for the page's progress updates."""
    return jsonify(status_document(_job_or_404(job_id)))


@bp.get("/<job_id>/output")
@roles_required(*VIEWERS)
def output(job_id: str) -> Response:
    """The file the finished job made (a SCORM package, a progress report) as a download, typed
    and named as its result says; 404 if it made none."""
    job = _job_or_404(job_id)
    data = db.session.scalar(db.select(Job.output).where(Job.id == job.id)) if job.status == "done" else None
    if data is None:
        abort(404)
    result = job.result or {}
    filename = str(result.get("filename") or f"job-{job.id}")
    return Response(data, content_type=str(result.get("content_type") or "application/octet-stream"), headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",  # learners' records and unreleased courses: no shared caches
    })
