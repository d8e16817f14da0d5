"""The retention sweep: delete what has outlived its course's retention period, organisation-wide.

The rule (README "Data protection (UK GDPR)"): a learner's records on a course are kept until
``assessment_retention_years`` whole years after their last activity on that course (the newest
date among their enrolment, attempts, time, progress, offline learning, evidence, decisions and
IQA reviews there). Then they are deleted. A learner whose records on every course have expired
(so that nothing of theirs is left) is also anonymised, as an erasure would.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from course.evidence import audit
from course.extensions import db
from course.models.base import utcnow
from course.models.users import User
from course.privacy.erasure import anonymise, is_erased
from course.privacy.records import count_records, delete_records, last_activity, retention_by_course

# Learner-course records handled per run: about 2 minutes of work on SQLite (README), well inside
# the job time limit, and a result small enough to store; the rest wait for the next run.
MAX_PER_RUN = 2000


def sweep(organisation_id: int, *, dry_run: bool, now: dt.datetime | None = None,
          actor: User | None = None, limit: int = MAX_PER_RUN) -> dict[str, Any]:
    """Apply (or with ``dry_run`` only list) the retention rule to every learner of the
    organisation (flush only). The summary: per learner and course what was (or would be)
    deleted, the learners anonymised, and totals."""
    now = now or utcnow()
    learner_ids = select(User.id).where(User.organisation_id == organisation_id, User.role == "learner")
    checked = db.session.scalar(select(func.count()).select_from(learner_ids.subquery())) or 0
    # Every learner's last activity per course in one query per table; only learners with a
    # course past its period are loaded and counted.
    by_learner: dict[int, dict[int, dt.datetime]] = {}
    for (user_id, course_id), last in last_activity(learner_ids).items():
        by_learner.setdefault(user_id, {})[course_id] = last
    changes: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    anonymised: list[int] = []
    remaining = 0
    for user_id in sorted(by_learner):
        courses = retention_by_course(user_id, now, with_counts=False, activity=by_learner[user_id])
        expired = [c for c in courses if c.expired]
        if not expired:
            continue
        if len(changes) + len(expired) > limit:
            remaining += len(expired)  # left whole for the next run, so it is judged in one go
            continue
        learner = db.session.get(User, user_id)
        assert learner is not None
        for item in expired:
            work = count_records if dry_run else delete_records
            counts = work(learner.id, item.course.id)
            for key, n in counts.items():
                totals[key] = totals.get(key, 0) + n
            # Learners by id only: the job's result and audit entry must not copy names around.
            changes.append({"learner_id": learner.id, "course_id": item.course.id,
                            "course": item.course.title, "last_activity": item.last_activity.date().isoformat(),
                            "expired_on": item.keep_until.date().isoformat(),
                            "deleted": {k: v for k, v in counts.items() if v}})
        if len(expired) == len(courses) and not is_erased(learner):
            anonymised.append(learner.id)
            if not dry_run:
                anonymise(learner)
    summary = {"dry_run": dry_run, "checked_learners": checked, "changes": changes,
               "anonymised": anonymised, "remaining": remaining, "totals": {k: v for k, v in totals.items() if v},
               "at": now.isoformat()}
    if not dry_run and changes:
        audit.record("retention.applied", organisation_id=organisation_id, actor=actor,
                     subject_type="organisation", subject_id=organisation_id,
                     new={"courses": len(changes), "anonymised": anonymised, "remaining": remaining,
                          "totals": summary["totals"]})
    return summary
