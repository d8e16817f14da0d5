"""Job: one piece of long work (an import now; exports, demo data and reports later) run by the
job queue, with everything a page or the command line shows about it.

The record lives in the database, not in a process or in Redis, so any app process on any host
can show it and any worker can run it. The uploaded file stays in ``payload`` until the job
finishes; a file the job made for download (a SCORM package, a report) stays in ``output`` until
JOB_FILE_DAYS after the job finished (``course.jobs.expiry``); the summary (``result``) or the
problems, each with its position (``errors``), stay for good.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from course.extensions import db
from course.models.base import utcnow

STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")
FINISHED: frozenset[str] = frozenset({"done", "failed"})


def new_job_id() -> str:
    """A random job id: unguessable, so an address reveals nothing about other jobs."""
    return secrets.token_hex(16)


class Job(db.Model):
    """A job and its state: queued, running (with progress), done (result) or failed (errors)."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        Index("ix_job_organisation_created", "organisation_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_job_id)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    # Who may see it: the owner, and the admins of its organisation. Jobs started on the command
    # line have no owner; a unit import (frameworks are shared) has no organisation either.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # What the kind needs besides the file: its name, the format, options (JSON).
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The uploaded file, until the job finishes (deferred: pages showing a job never load it).
    payload: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # What the job made for download (a SCORM package, a large report), kept with the job for
    # JOB_FILE_DAYS after it finished (course.jobs.expiry); bounded by its kind
    # (course.publishing.jobs.MAX_PACKAGE_BYTES, REPORT_JOB_MAX_MB). Deferred like the payload.
    output: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    progress_note: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[dict[str, Any] | None]
    # [{"where": "bank.gift: line 4", "message": "..."}]: every problem, with its position.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]

    @property
    def finished(self) -> bool:
        """Whether the job has ended, done or failed."""
        return self.status in FINISHED

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
