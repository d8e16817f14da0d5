"""Running one job: the function every backend calls, in the app process or in a worker.

``run_job(job_id)`` claims a queued job (so a job delivered twice runs once), gives its kind the
params and file, and then either commits the kind's work together with the job's "done" and its
result, or rolls all of it back and records "failed" with every problem: an import is all or
nothing, and its record always says which.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from flask import Flask, current_app, has_app_context
from rq.timeouts import BaseTimeoutException
from sqlalchemy import select, update

from course.extensions import db
from course.jobs.models import Job
from course.jobs.registry import JobContext, JobFailed, get_kind, problem
from course.models.base import utcnow

UNEXPECTED = ("The job stopped on an unexpected error (it has been logged for the administrator); "
              "nothing was changed.")

TIMED_OUT = "The job ran past its time limit of {minutes} minutes and was stopped; nothing was changed."

_worker_app: Flask | None = None


def _app() -> Flask:
    """The app to run in: the current one (backends inside the app, ``carecourse worker``), else
    one built from the environment, once per process (a plain ``rq worker``)."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        from course import create_app

        _worker_app = create_app()
    return _worker_app


def run_job(job_id: str) -> str:
    """Run the queued job ``job_id`` to its end; its status afterwards ("missing" if none)."""
    with _app().app_context():  # a context of its own: its own database session
        return _run(job_id)


def save_progress(job_id: str, done: int, total: int, note: str) -> None:
    """Record a job's progress on a connection of its own, so it is seen at once and can never
    commit the job's unfinished work."""
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(
            progress_done=max(0, done), progress_total=max(0, total), progress_note=note[:300]))


def _claim(job_id: str) -> bool:
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=utcnow())
    ).rowcount
    db.session.commit()
    return bool(claimed)


def fail(job_id: str, errors: list[dict[str, str]], result: dict[str, Any] | None = None) -> str:
    """Record the job as failed with ``errors`` (and what it found, ``result``); commits."""
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status="failed", errors=errors, result=result, finished_at=utcnow(), payload=None))
    db.session.commit()
    return "failed"


def _run(job_id: str) -> str:
    if not _claim(job_id):
        return db.session.scalar(select(Job.status).where(Job.id == job_id)) or "missing"
    job = db.session.get(Job, job_id)
    assert job is not None  # just claimed
    kind_name = job.kind
    try:
        kind = get_kind(kind_name)
        context = JobContext(
            id=job.id, kind=job.kind, params=dict(job.params or {}), payload=job.payload,
            organisation_id=job.organisation_id, owner_id=job.owner_id,
            report=partial(save_progress, job.id),
        )
        result = kind.run(context)
        # The kind's work and "done" are committed together: both or neither.
        job.status = "done"
        job.result = result
        job.finished_at = utcnow()
        job.payload = None
        db.session.commit()
    except JobFailed as exc:
        db.session.rollback()
        return fail(job_id, exc.errors, exc.result)
    except BaseTimeoutException:  # RQ stopped it at JOB_TIMEOUT_SECONDS
        db.session.rollback()
        minutes = max(1, round(current_app.config["JOB_TIMEOUT_SECONDS"] / 60))
        return fail(job_id, [problem(None, TIMED_OUT.format(minutes=minutes))])
    except Exception:
        db.session.rollback()
        current_app.logger.exception("job %s (%s) stopped on an unexpected error", job_id, kind_name)
        return fail(job_id, [problem(None, UNEXPECTED)])
    return "done"
