"""Failed sign-in throttle, kept in the database so every worker and host sees the same counts.

A key ("email:<address>" or "ip:<address>") that collects ``LOGIN_MAX_FAILURES`` failures
(``LOGIN_MAX_FAILURES_PER_IP`` for an IP) within ``LOGIN_WINDOW_SECONDS`` is locked for
``LOGIN_LOCK_SECONDS``. Counting uses single UPDATE statements so concurrent workers do not
lose failures. These functions flush, never commit: the view commits.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import bindparam, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from course.dbtypes import UTCDateTime, utcnow
from course.extensions import db
from course.models.users import LoginThrottle, User


def throttle_keys(email: str, ip: str | None) -> dict[str, int]:
    """The keys a sign-in counts against, each with its failure limit."""
    cfg = current_app.config
    return {
        f"email:{User.normalise_email(email)}": cfg["LOGIN_MAX_FAILURES"],
        f"ip:{ip or 'unknown'}": cfg["LOGIN_MAX_FAILURES_PER_IP"],
    }


def locked_until(email: str, ip: str | None) -> dt.datetime | None:
    """When the lock on this email or IP ends, or None if neither is locked."""
    now = utcnow()
    return db.session.scalar(
        select(func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.key.in_(list(throttle_keys(email, ip))),
            LoginThrottle.locked_until > now,
        )
    )


def record_failure(email: str, ip: str | None) -> dt.datetime | None:
    """Count one failed sign-in; returns the lock's end if this failure locked the email or IP."""
    cfg = current_app.config
    now = utcnow()
    window_start = now - dt.timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    lock_end = now + dt.timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
    now_param = bindparam("now", now, type_=UTCDateTime())
    stale = LoginThrottle.window_start < bindparam("cutoff", window_start, type_=UTCDateTime())
    result: dt.datetime | None = None
    for key, limit in throttle_keys(email, ip).items():
        bump = (
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(
                failures=case((stale, 1), else_=LoginThrottle.failures + 1),
                window_start=case((stale, now_param), else_=LoginThrottle.window_start),
            )
            .execution_options(synchronize_session=False)
        )
        if db.session.execute(bump).rowcount == 0:
            try:
                with db.session.begin_nested():
                    db.session.add(LoginThrottle(key=key, failures=1, window_start=now))
            except IntegrityError:  # another worker created it meanwhile
                db.session.execute(bump)
        locked = db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key, LoginThrottle.failures >= limit)
            .values(locked_until=lock_end, failures=0, window_start=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if locked:
            result = lock_end
    # Forget keys whose window and lock are both over, so the table does not grow without end.
    db.session.execute(
        delete(LoginThrottle)
        .where(
            LoginThrottle.window_start < bindparam("cutoff", window_start, type_=UTCDateTime()),
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now_param),
        )
        .execution_options(synchronize_session=False)
    )
    user = User.by_email(email)
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
        user.last_failed_login_at = now
    db.session.flush()
    return result


def unlock(email: str) -> int:
    """Lift the lock on ``email`` (an admin's decision); the number of rows cleared."""
    return db.session.execute(
        delete(LoginThrottle)
        .where(LoginThrottle.key == f"email:{User.normalise_email(email)}")
        .execution_options(synchronize_session=False)
    ).rowcount


def record_success(user: User) -> None:
    """Clear the email's failure count after a good sign-in, and note the time."""
    db.session.execute(
        delete(LoginThrottle)
        .where(LoginThrottle.key == f"email:{user.email}")
        .execution_options(synchronize_session=False)
    )
    user.failed_logins = 0
    user.last_login_at = utcnow()
    db.session.flush()
