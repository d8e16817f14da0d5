"""Which learners a progress report lists, in what order: the course's enrolments (of one cohort
or all), sorted and paged in SQL, the aggregates a sort needs (time, modules complete, a module's
best mark) joined as GROUP BY subqueries, so that a page or a batch of learners is one query
whatever the number of learners."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from course.authoring.models import Course, Module
from course.extensions import db
from course.learning.hours import GLH_KINDS
from course.learning.models import OFFLINE_KINDS, Attempt, Enrolment, ModuleProgress, OfflineLearning, TimeOnTask
from course.models.users import User


# "online" is self-study, "guided" the minutes toward GLH, "off_the_job" that kind alone, "offline"
# every offline kind (kept for old links), "total" every kind together (toward TQT).
BASE_SORTS = ("name", "email", "cohort", "complete", "online", "guided", "off_the_job", "offline", "total")


def valid_sort(sort: str | None, module_ids: list[int]) -> str:
    """The sort key if known (a base column or ``m<module id>`` for a module's best mark), else "name"."""
    if sort in BASE_SORTS:
        return sort
    if sort and sort.startswith("m") and sort[1:].isdigit() and int(sort[1:]) in module_ids:
        return sort
    return "name"


def learners_query(course: Course, cohort: str | None) -> Any:
    """The ids of the course's learners (of the cohort when given), to count or to filter by."""
    query = select(Enrolment.user_id).where(Enrolment.course_id == course.id)
    if cohort is not None:
        query = query.where(Enrolment.cohort == cohort)
    return query


def _course_modules(course: Course) -> Any:
    return select(Module.id).where(Module.course_id == course.id)


def _per_learner(course: Course, sort: str) -> Any | None:
    """A subquery (user_id, value) aggregated with GROUP BY for sort keys that need one, else None."""
    modules = _course_modules(course)
    if sort in ("online", "total"):
        online = (select(TimeOnTask.user_id.label("user_id"), (func.sum(TimeOnTask.seconds) / 60.0).label("value"))
                  .where(TimeOnTask.module_id.in_(modules)).group_by(TimeOnTask.user_id))
        if sort == "online":
            return online.subquery()
        offline = (select(OfflineLearning.learner_id.label("user_id"), func.sum(OfflineLearning.minutes).label("value"))
                   .where(OfflineLearning.course_id == course.id).group_by(OfflineLearning.learner_id))
        both = online.union_all(offline).subquery()
        return select(both.c.user_id, func.sum(both.c.value).label("value")).group_by(both.c.user_id).subquery()
    if sort in ("offline", "guided", "off_the_job"):
        kinds = {"offline": tuple(OFFLINE_KINDS), "guided": GLH_KINDS, "off_the_job": ("off_the_job",)}[sort]
        return (select(OfflineLearning.learner_id.label("user_id"), func.sum(OfflineLearning.minutes).label("value"))
                .where(OfflineLearning.course_id == course.id, OfflineLearning.kind.in_(kinds))
                .group_by(OfflineLearning.learner_id).subquery())
    if sort == "complete":
        passed = (select(Attempt.user_id.label("user_id"), Attempt.module_id.label("module_id"))
                  .where(Attempt.module_id.in_(modules), Attempt.status == "finished", Attempt.passed.is_(True)))
        read = (select(ModuleProgress.user_id.label("user_id"), ModuleProgress.module_id.label("module_id"))
                .where(ModuleProgress.pages_done.is_(True), ModuleProgress.module_id.in_(
                    select(Module.id).where(Module.course_id == course.id, ~Module.quiz.has()))))
        done = passed.union(read).subquery()  # UNION: one row per learner and module
        return select(done.c.user_id, func.count().label("value")).group_by(done.c.user_id).subquery()
    if sort.startswith("m") and sort[1:].isdigit():
        return (select(Attempt.user_id.label("user_id"), func.max(Attempt.fraction).label("value"))
                .where(Attempt.module_id == int(sort[1:]), Attempt.status == "finished")
                .group_by(Attempt.user_id).subquery())
    return None


def _learners_sorted(course: Course, cohort: str | None, sort: str, direction: str) -> Any:
    """(user id, name, email, cohort) of the course's learners, sorted in SQL; aggregates joined as
    GROUP BY subqueries."""
    query = (
        select(User.id, User.name, User.email, Enrolment.cohort)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course.id)
    )
    if cohort is not None:
        query = query.where(Enrolment.cohort == cohort)
    agg = _per_learner(course, sort)
    if agg is not None:
        query = query.outerjoin(agg, agg.c.user_id == User.id)
        column: Any = func.coalesce(agg.c.value, -1 if sort.startswith("m") else 0)
    elif sort == "email":
        column = User.email
    elif sort == "cohort":
        column = Enrolment.cohort
    else:
        column = func.lower(User.name)
    order = column.desc() if direction == "desc" else column.asc()
    return query.order_by(order, func.lower(User.name), User.id)


def learner_page(course: Course, cohort: str | None, sort: str, direction: str, offset: int,
                  limit: int) -> list[tuple[int, str, str, str]]:
    """One page of (user id, name, email, cohort), sorted as ``_learners_sorted``."""
    query = _learners_sorted(course, cohort, sort, direction).offset(offset).limit(limit)
    return [tuple(r) for r in db.session.execute(query).all()]  # type: ignore[misc]


def learner_batches(course: Course, cohort: str | None, sort: str, direction: str,
                     batch: int) -> Iterator[list[tuple[int, str, str, str]]]:
    """All the learners, sorted, ``batch`` at a time from one query read in parts (``yield_per``:
    a server-side cursor on PostgreSQL), so no more than a batch is held at once."""
    result = db.session.execute(_learners_sorted(course, cohort, sort, direction).execution_options(yield_per=batch))
    try:
        for part in result.partitions():
            yield [tuple(r) for r in part]  # type: ignore[misc]
    finally:
        result.close()
