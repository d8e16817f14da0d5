"""Time on task (active seconds from the player's heartbeats) and offline guided learning."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update

from course.authoring.models import Course, Module
from course.extensions import db
from course.learning.enrolment import is_enrolled
from course.learning.errors import Invalid
from course.learning.models import OFFLINE_KINDS, OfflineLearning, TimeLog, TimeOnTask
from course.models.base import utcnow
from course.models.users import User

# The player sends a heartbeat every 30 s of its clock; a beat is credited at most this much
# (the interval plus slack for timers that fire late), and never more than the wall-clock time
# since the previous beat or since the module was opened.
HEARTBEAT_INTERVAL_SECONDS = 30
HEARTBEAT_SLACK_SECONDS = 15


def _time_row(user_id: int, module_id: int) -> TimeOnTask:
    row = db.session.scalar(
        select(TimeOnTask).where(TimeOnTask.user_id == user_id, TimeOnTask.module_id == module_id)
    )
    if row is None:  # a race inserting it too fails on the unique constraint; the view retries
        row = TimeOnTask(user_id=user_id, module_id=module_id, seconds=0, last_heartbeat_at=None)
        db.session.add(row)
        db.session.flush()
    return row  # type: ignore[return-value]


def open_session(user: User, module: Module, *, now: dt.datetime | None = None) -> None:
    """Mark the moment the module was opened: the first heartbeat is credited from here.

    A heartbeat within the last interval (plus slack) is kept as the start instead: on a reload
    the closing page's last beat may arrive after the new page opened, and it must still count.
    """
    now = now or utcnow()
    row = _time_row(user.id, module.id)
    recent = dt.timedelta(seconds=HEARTBEAT_INTERVAL_SECONDS + HEARTBEAT_SLACK_SECONDS)
    if row.last_heartbeat_at is None or now - row.last_heartbeat_at > recent:
        row.last_heartbeat_at = now
        db.session.flush()


def record_heartbeat(user: User, module: Module, active_seconds: Any, *, now: dt.datetime | None = None) -> int:
    """Credit active seconds to the learner on the module; returns the seconds credited.

    Credited = min(active_seconds, wall-clock seconds since the previous heartbeat (or since the
    module was opened), the heartbeat interval plus slack). The update is conditional on the
    previous heartbeat time, so two beats racing cannot both spend the same wall-clock time.
    """
    if not isinstance(active_seconds, (int, float)) or isinstance(active_seconds, bool) or active_seconds < 0:
        raise Invalid("active_seconds: expected a number of seconds, 0 or more")
    now = now or utcnow()
    cap = HEARTBEAT_INTERVAL_SECONDS + HEARTBEAT_SLACK_SECONDS
    for _ in range(5):
        row = _time_row(user.id, module.id)
        db.session.refresh(row)
        previous = row.last_heartbeat_at
        if previous is None:
            wall = 0.0  # no known start: this beat only starts the clock
        else:
            wall = max(0.0, (now - previous).total_seconds())
        credit = int(min(float(active_seconds), wall, cap))
        if previous is not None and now < previous:
            return 0  # a beat from the past (clock skew, a delayed retry) gains nothing
        condition = TimeOnTask.last_heartbeat_at.is_(None) if previous is None else TimeOnTask.last_heartbeat_at == previous
        result = db.session.execute(
            update(TimeOnTask)
            .where(TimeOnTask.id == row.id, condition)
            .values(seconds=TimeOnTask.seconds + credit, last_heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            if credit:
                _log_time(user.id, module.id, now.date(), credit)
            db.session.expire(row)
            return credit
    return 0


def _log_time(user_id: int, module_id: int, day: dt.date, seconds: int) -> None:
    result = db.session.execute(
        update(TimeLog)
        .where(TimeLog.user_id == user_id, TimeLog.module_id == module_id, TimeLog.day == day)
        .values(seconds=TimeLog.seconds + seconds)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        return
    db.session.add(TimeLog(user_id=user_id, module_id=module_id, day=day, seconds=seconds))
    db.session.flush()


def seconds_on(user: User, module: Module) -> int:
    """Active online seconds credited to the learner on the module."""
    return db.session.scalar(
        select(TimeOnTask.seconds).where(TimeOnTask.user_id == user.id, TimeOnTask.module_id == module.id)
    ) or 0


# ---------------------------------------------------------------- offline learning


def record_offline(
    learner: User,
    course: Course,
    *,
    date: dt.date,
    minutes: int,
    activity: str,
    outcomes: list[str] | None = None,
    kind: str = "guided_session",
    by: User,
) -> OfflineLearning:
    """Record learning done away from the screen. Guided sessions and supervised assessments
    count toward GLH; every kind counts toward TQT (course.learning.hours)."""
    if not is_enrolled(learner, course):
        raise Invalid(f"{learner.name} is not enrolled on {course.title}")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= 24 * 60:
        raise Invalid("minutes: expected a whole number from 1 to 1440")
    if not activity.strip():
        raise Invalid("activity: describe what was done")
    if kind not in OFFLINE_KINDS:
        raise Invalid(f"kind: expected one of {', '.join(OFFLINE_KINDS)}")
    if date > utcnow().date():
        raise Invalid("date: the learning cannot be in the future")
    row = OfflineLearning(
        learner_id=learner.id, course_id=course.id, date=date, minutes=minutes,
        activity=activity.strip(), outcomes=list(outcomes or []), kind=kind, recorded_by_id=by.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def offline_minutes(user: User, course: Course) -> int:
    """Offline guided minutes recorded for the learner on the course."""
    return db.session.scalar(
        select(func.coalesce(func.sum(OfflineLearning.minutes), 0)).where(
            OfflineLearning.learner_id == user.id, OfflineLearning.course_id == course.id
        )
    ) or 0
