"""Starting jobs and finding them for the people allowed to see them."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import current_app
from sqlalchemy import update

from course.extensions import db
from course.jobs.backends import QueueUnavailable, backend
from course.jobs.models import Job
from course.jobs.registry import get_kind, problem
from course.jobs.runner import fail
from course.models.base import utcnow

JOB_ID = re.compile(r"^[0-9a-f]{32}$")

LOST = ("The job stopped without finishing: its worker was stopped, or it ran past its time limit "
        "of {minutes} minutes. Nothing was changed; start it again.")
NEVER_STARTED = ("The job never started: the app process that was to run it stopped. Nothing was "
                 "changed; start it again.")
# How long past its time limit a running job is given before it counts as lost (a worker's
# clock, a slow commit).
LOST_GRACE = dt.timedelta(minutes=1)


def submit(kind: str, *, params: dict[str, Any], payload: bytes | None, organisation_id: int | None,
           owner_id: int | None) -> Job:
    """Record a ``kind`` job, commit it and hand it to the queue; the job as it now stands.

    It commits (the one service here that does) because a worker on another machine must find
    the record before it can run the job. When the queue cannot be reached, the job is recorded
    as failed, saying so, and nothing else happens.
    """
    get_kind(kind)  # an unknown kind fails before anything is stored
    job = Job(kind=kind, params=params, payload=payload, organisation_id=organisation_id, owner_id=owner_id)
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    try:
        backend().enqueue(job_id, description=f"{kind} {params.get('filename', '')}".strip())
    except QueueUnavailable as exc:
        db.session.rollback()
        fail(job_id, [problem(None, f"The job could not be started: {exc}. Nothing was changed; "
                                    "try again later.")])
    db.session.expire_all()  # an inline job ran on a session of its own
    found = db.session.get(Job, job_id)
    assert found is not None
    return found


def mark_if_lost(job: Job, now: dt.datetime | None = None) -> Job:
    """Record as failed (flush only) a job that has lost its worker: one running past its time
    limit, or, with the thread backend, one still waiting that long (its process has stopped;
    on RQ a job may wait for a free worker as long as it must)."""
    limit = dt.timedelta(seconds=current_app.config["JOB_TIMEOUT_SECONDS"])
    now = now or utcnow()
    since = {"running": job.started_at,
             "queued": job.created_at if backend().name == "thread" else None}.get(job.status)
    if since is not None and since + limit + LOST_GRACE < now:
        message = (LOST if job.status == "running" else NEVER_STARTED).format(
            minutes=max(1, round(limit.total_seconds() / 60)))
        db.session.execute(update(Job).where(Job.id == job.id, Job.status == job.status).values(
            status="failed", errors=[problem(None, message)], finished_at=now, payload=None))
        db.session.expire(job)
    return job


def get_job(job_id: str) -> Job | None:
    """The job ``job_id`` (a lost one marked failed), or None; for the command line."""
    job = db.session.get(Job, job_id) if JOB_ID.match(job_id or "") else None
    return mark_if_lost(job) if job is not None else None


def job_for(user: Any, job_id: str) -> Job | None:
    """The job if ``user`` may see it, else None: its owner, or an admin of its organisation
    (another organisation's job is exactly like one that does not exist)."""
    job = get_job(job_id)
    if job is None or user.organisation_id is None or job.organisation_id != user.organisation_id:
        return None
    if job.owner_id == user.id or user.role == "admin":
        return job
    return None


def state_text(job: Job) -> str:
    """One line saying where the job is: for the page's live region and the command line."""
    if job.status == "queued":
        return "Waiting to start."
    if job.status == "running":
        if job.progress_total:
            return f"Step {job.progress_done} of {job.progress_total}: {job.progress_note}."
        return "Started."
    if job.status == "done":
        return "Finished."
    return "Failed: nothing was changed."


def status_document(job: Job) -> dict[str, Any]:
    """The job's state as JSON (the page's progress updates, ``carecourse job --json``)."""
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "finished": job.finished,
        "progress": {"done": job.progress_done, "total": job.progress_total, "note": job.progress_note},
        "state": state_text(job),
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
