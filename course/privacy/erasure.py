"""Erasing a learner at their request (UK GDPR article 17), within what the law lets us keep.

Per course: records still inside the course's retention period are kept (an awarding body may
ask for them) but the person is anonymised; records past it are deleted. The account itself
always stays, anonymised and unable to sign in, so that kept records and the audit trail still
point somewhere. ``plan`` is what the confirmation page shows; ``erase`` does exactly that.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete

from course.api.models import ApiToken
from course.auth import sessions, throttle
from course.evidence import audit
from course.extensions import db
from course.models.base import utcnow
from course.models.users import User
from course.privacy.records import CourseRetention, delete_records, retention_by_course

ERASED_DOMAIN = "erased.invalid"  # .invalid never resolves (RFC 2606): mail to it cannot be delivered


def erased_name(user_id: int) -> str:
    return f"Erased learner #{user_id}"


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_DOMAIN}"


def is_erased(user: User) -> bool:
    """Whether the account has been anonymised already."""
    return user.email == erased_email(user.id)


@dataclass
class ErasurePlan:
    """What erasing ``learner`` now would do: per course, keep (anonymised) or delete."""

    learner: User
    courses: list[CourseRetention]

    @property
    def kept(self) -> list[CourseRetention]:
        return [c for c in self.courses if not c.expired]

    @property
    def deleted(self) -> list[CourseRetention]:
        return [c for c in self.courses if c.expired]


def plan(learner: User, now: dt.datetime | None = None) -> ErasurePlan:
    """What ``erase`` would keep and delete for ``learner`` at ``now``."""
    return ErasurePlan(learner=learner, courses=retention_by_course(learner.id, now or utcnow()))


def anonymise(user: User) -> dict[str, int]:
    """Replace the person's identity on the account (flush only): name, email, password, sign-in
    bookkeeping; end their sessions and revoke their API tokens. Counts of what was ended."""
    old_email = user.email
    ended = sessions.sign_out_everywhere(user)
    revoked = db.session.execute(
        delete(ApiToken).where(ApiToken.user_id == user.id).execution_options(synchronize_session=False)
    ).rowcount
    throttle.unlock_account(old_email)  # its rows hold the old email address
    user.name = erased_name(user.id)
    user.email = erased_email(user.id)
    user.password_hash = ""
    user.active = False
    user.failed_logins = 0
    user.last_failed_login_at = None
    user.last_login_at = None
    db.session.flush()
    return {"sessions_ended": ended, "api_tokens_revoked": revoked}


def erase(learner: User, *, actor: User | None, now: dt.datetime | None = None,
          reason: str = "request") -> dict[str, Any]:
    """Erase ``learner`` as ``plan`` describes (flush only) and audit it; the counts done.

    The audit entry holds counts and course ids only, never the erased name or email."""
    found = plan(learner, now)
    deleted: dict[str, int] = {}
    for item in found.deleted:
        for key, n in delete_records(learner.id, item.course.id).items():
            deleted[key] = deleted.get(key, 0) + n
    account = anonymise(learner)
    summary = {
        "reason": reason,
        "courses_kept": [c.course.id for c in found.kept],
        "courses_deleted": [c.course.id for c in found.deleted],
        "deleted": {k: v for k, v in deleted.items() if v},
        **account,
    }
    if learner.organisation_id is not None:
        audit.record("learner.erased", organisation_id=learner.organisation_id, actor=actor,
                     subject_type="user", subject_id=learner.id, learner_id=learner.id, new=summary)
    return summary
