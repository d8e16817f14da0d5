"""Files that finished jobs made (SCORM packages, large progress reports) are deleted a number of
days after the job finished (config JOB_FILE_DAYS, ``CARECOURSE_JOB_FILE_DAYS``, default 30).

A package can be up to 64 MiB and a report as large, and they sit in the database with their job:
kept for good they would grow every backup for nothing, since either can be made again in a
minute. The job's record stays (its result, its problems, who ran it); its result gains
``file_deleted``, the day the file went, which the job page shows in place of the download.
An upload a job was given is dropped when the job finishes (``course.jobs.runner``); one still
held by a finished job (a worker killed mid-way) goes here too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, or_, select

from course.extensions import db
from course.jobs.models import FINISHED, Job
from course.models.base import utcnow


@dataclass
class ExpiredFiles:
    """What ``expire_job_files`` deleted (or, in a dry run, would delete)."""

    cutoff: dt.datetime  # jobs that finished before this lose their files
    jobs: list[str] = field(default_factory=list)  # their ids, oldest first
    bytes: int = 0


def expire_job_files(*, now: dt.datetime | None = None, dry_run: bool = False) -> ExpiredFiles:
    """Delete the files of every job that finished more than JOB_FILE_DAYS days before ``now``
    (in every organisation) and commit; with ``dry_run`` only say which."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=current_app.config["JOB_FILE_DAYS"])
    size = func.coalesce(func.length(Job.output), 0) + func.coalesce(func.length(Job.payload), 0)
    rows = db.session.execute(
        select(Job.id, size)
        .where(Job.status.in_(FINISHED), Job.finished_at < cutoff,
               or_(Job.output.is_not(None), Job.payload.is_not(None)))
        .order_by(Job.finished_at, Job.id)
    ).all()
    expired = ExpiredFiles(cutoff=cutoff, jobs=[job_id for job_id, _ in rows],
                           bytes=sum(int(n) for _, n in rows))
    if dry_run or not rows:
        return expired
    day = now.date().isoformat()
    for job in db.session.scalars(select(Job).where(Job.id.in_(expired.jobs))):
        job.output = None
        job.payload = None
        if job.result is not None:  # a new dict: the JSON column sees the change
            job.result = {**job.result, "file_deleted": day}
    db.session.commit()
    return expired
