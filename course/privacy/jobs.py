"""The retention sweep as a job (``carecourse retention``): one organisation at a time."""
from __future__ import annotations

import datetime as dt
from typing import Any

from course.jobs.registry import JobContext, JobFailed, job_kind, problem

RETENTION = "retention"


@job_kind(RETENTION, label="Retention sweep", template="privacy/job_result.html")
def retention(job: JobContext) -> dict[str, Any]:
    """Delete learners' records past their course's retention period (README: Data protection).

    Params: dry_run (list only), now (ISO time to judge at, for tests and what-if runs)."""
    from course.extensions import db
    from course.models.users import User
    from course.privacy.retention import sweep

    if job.organisation_id is None:
        raise JobFailed([problem(None, "The retention sweep needs an organisation.")])
    now = None
    if job.params.get("now"):
        try:
            now = dt.datetime.fromisoformat(job.params["now"])
        except ValueError:
            raise JobFailed([problem("now", f"{job.params['now']!r} is not an ISO date and time.")]) from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.timezone.utc)
    job.progress(1, 1, "checking every learner's records")
    actor = db.session.get(User, job.owner_id) if job.owner_id else None
    return sweep(job.organisation_id, dry_run=bool(job.params.get("dry_run")), now=now, actor=actor)
