"""A learner's records, course by course: when they were last active, what there is, deleting it.

A learner "has records on" a course when any of these rows exist: an enrolment, a quiz attempt
at one of its modules, time or page progress on one of its modules, offline learning, workplace
evidence, an assessor's decision. Their last activity on the course is the newest date any of
those rows (and IQA reviews of the decisions) carries; the retention period runs from it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update

from course.authoring.models import Course, Module
from course.evidence.models import AuditEntry, CriterionDecision, EvidenceFile, IqaReview, WorkplaceEvidence
from course.extensions import db
from course.learning.models import (
    AnswerMark,
    Attempt,
    Enrolment,
    ModuleProgress,
    OfflineLearning,
    TimeLog,
    TimeOnTask,
)

UTC = dt.timezone.utc

# The kinds of record counted and deleted per course, with the words the pages use.
RECORD_LABELS: dict[str, str] = {
    "enrolments": "enrolment",
    "attempts": "quiz attempts",
    "answers": "marked answers",
    "time_records": "time and progress records",
    "offline_learning": "offline learning records",
    "evidence": "pieces of workplace evidence",
    "evidence_files": "evidence files",
    "decisions": "assessor decisions",
    "iqa_reviews": "IQA reviews",
    "audit_entries": "audit entries",
}


def aware(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    """``value`` as an aware UTC datetime (a date counts from its midnight); None stays None."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def add_years(moment: dt.datetime, years: int) -> dt.datetime:
    """``moment`` plus whole calendar years (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _module_ids(course_id: int) -> Any:
    return select(Module.id).where(Module.course_id == course_id).scalar_subquery()


def last_activity(users: Any) -> dict[tuple[int, int], dt.datetime]:
    """{(learner id, course id): their newest activity there} for every course the learners have
    records on. ``users`` is one id or a query of ids (a whole organisation: one query per table)."""
    m = Module

    def who(column: Any) -> Any:
        return column == users if isinstance(users, int) else column.in_(users)

    queries = [
        select(Enrolment.user_id, Enrolment.course_id, func.max(Enrolment.updated_at)),
        select(Enrolment.user_id, Enrolment.course_id, func.max(Enrolment.enrolled_at)),
        select(Attempt.user_id, m.course_id, func.max(Attempt.updated_at)).join(m, m.id == Attempt.module_id),
        select(TimeOnTask.user_id, m.course_id, func.max(TimeOnTask.last_heartbeat_at))
        .join(m, m.id == TimeOnTask.module_id),
        select(TimeLog.user_id, m.course_id, func.max(TimeLog.day)).join(m, m.id == TimeLog.module_id),
        select(ModuleProgress.user_id, m.course_id, func.max(ModuleProgress.updated_at))
        .join(m, m.id == ModuleProgress.module_id),
        select(OfflineLearning.learner_id, OfflineLearning.course_id, func.max(OfflineLearning.date)),
        select(WorkplaceEvidence.learner_id, WorkplaceEvidence.course_id, func.max(WorkplaceEvidence.updated_at)),
        select(CriterionDecision.learner_id, CriterionDecision.course_id, func.max(CriterionDecision.decided_at)),
        select(CriterionDecision.learner_id, CriterionDecision.course_id, func.max(IqaReview.reviewed_at))
        .join(CriterionDecision, CriterionDecision.id == IqaReview.decision_id),
    ]
    newest: dict[tuple[int, int], dt.datetime] = {}
    for query in queries:
        user_column, course_column = query.selected_columns[0], query.selected_columns[1]
        for user_id, course_id, value in db.session.execute(
                query.where(who(user_column)).group_by(user_column, course_column)):
            moment = aware(value)
            key = (user_id, course_id)
            if moment is None:
                # A row without a date still makes the course one the learner has records on.
                newest.setdefault(key, dt.datetime.min.replace(tzinfo=UTC))
            elif key not in newest or moment > newest[key]:
                newest[key] = moment
    return newest


def _count(stmt: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _ids(user_id: int, course_id: int) -> dict[str, Any]:
    """Subqueries of the ids of the learner's rows on the course that others hang off."""
    evidence = select(WorkplaceEvidence.id).where(WorkplaceEvidence.learner_id == user_id,
                                                  WorkplaceEvidence.course_id == course_id)
    decisions = select(CriterionDecision.id).where(CriterionDecision.learner_id == user_id,
                                                   CriterionDecision.course_id == course_id)
    attempts = select(Attempt.id).where(Attempt.user_id == user_id, Attempt.module_id.in_(_module_ids(course_id)))
    return {"evidence": evidence, "decisions": decisions, "attempts": attempts}


def count_records(user_id: int, course_id: int) -> dict[str, int]:
    """How many of each kind of record (``RECORD_LABELS``) the learner has on the course."""
    ids = _ids(user_id, course_id)
    modules = _module_ids(course_id)
    time_rows = sum(_count(select(model.id).where(model.user_id == user_id, model.module_id.in_(modules)))
                    for model in (TimeOnTask, TimeLog, ModuleProgress))
    return {
        "enrolments": _count(select(Enrolment.id).where(Enrolment.user_id == user_id,
                                                        Enrolment.course_id == course_id)),
        "attempts": _count(ids["attempts"]),
        "answers": _count(select(AnswerMark.id).where(AnswerMark.attempt_id.in_(ids["attempts"]))),
        "time_records": time_rows,
        "offline_learning": _count(select(OfflineLearning.id).where(OfflineLearning.learner_id == user_id,
                                                                    OfflineLearning.course_id == course_id)),
        "evidence": _count(ids["evidence"]),
        "evidence_files": _count(select(EvidenceFile.id).where(EvidenceFile.evidence_id.in_(ids["evidence"]))),
        "decisions": _count(ids["decisions"]),
        "iqa_reviews": _count(select(IqaReview.id).where(IqaReview.decision_id.in_(ids["decisions"]))),
        "audit_entries": _count(select(AuditEntry.id).where(AuditEntry.learner_id == user_id,
                                                            AuditEntry.course_id == course_id)),
    }


def delete_records(user_id: int, course_id: int) -> dict[str, int]:
    """Delete every record of the learner on the course (flush only); how many of each kind."""
    counts = count_records(user_id, course_id)
    ids = _ids(user_id, course_id)
    modules = _module_ids(course_id)
    decision_ids = list(db.session.scalars(ids["decisions"]))
    evidence_ids = list(db.session.scalars(ids["evidence"]))
    attempt_ids = list(db.session.scalars(ids["attempts"]))
    statements = []
    if decision_ids:
        statements += [
            delete(IqaReview).where(IqaReview.decision_id.in_(decision_ids)),
            # Another learner's decision never supersedes this one's; clear the chain first.
            update(CriterionDecision).where(CriterionDecision.id.in_(decision_ids)).values(supersedes_id=None),
            delete(CriterionDecision).where(CriterionDecision.id.in_(decision_ids)),
        ]
    if evidence_ids:
        statements += [delete(EvidenceFile).where(EvidenceFile.evidence_id.in_(evidence_ids)),
                       delete(WorkplaceEvidence).where(WorkplaceEvidence.id.in_(evidence_ids))]
    if attempt_ids:
        statements += [delete(AnswerMark).where(AnswerMark.attempt_id.in_(attempt_ids)),
                       delete(Attempt).where(Attempt.id.in_(attempt_ids))]
    statements += [delete(model).where(model.user_id == user_id, model.module_id.in_(modules))
                   for model in (TimeOnTask, TimeLog, ModuleProgress)]
    statements += [
        delete(OfflineLearning).where(OfflineLearning.learner_id == user_id,
                                      OfflineLearning.course_id == course_id),
        delete(AuditEntry).where(AuditEntry.learner_id == user_id, AuditEntry.course_id == course_id),
        delete(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id),
    ]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.expire_all()
    return counts


@dataclass
class CourseRetention:
    """One course a learner has records on, and whether its retention period has passed."""

    course: Course
    last_activity: dt.datetime
    keep_until: dt.datetime
    expired: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def retention_by_course(user_id: int, now: dt.datetime, *, with_counts: bool = True,
                        activity: dict[int, dt.datetime] | None = None) -> list[CourseRetention]:
    """Every course the learner has records on, by title: last activity, kept until, expired.
    ``activity`` ({course id: last activity}) saves the queries when the caller has it."""
    if activity is None:
        activity = {course_id: last for (_, course_id), last in last_activity(user_id).items()}
    found = []
    for course_id, last in activity.items():
        course = db.session.get(Course, course_id)
        if course is None:
            continue
        keep_until = add_years(last, course.assessment_retention_years) if last.year > 1 else last
        found.append(CourseRetention(course=course, last_activity=last, keep_until=keep_until,
                                     expired=keep_until <= now,
                                     counts=count_records(user_id, course_id) if with_counts else {}))
    return sorted(found, key=lambda item: (item.course.title.lower(), item.course.id))


def describe(counts: dict[str, int]) -> str:
    """"3 quiz attempts, 12 marked answers" (kinds with none are left out; "nothing" if all are)."""
    parts = [f"{n} {RECORD_LABELS[key]}" for key, n in counts.items() if n and key in RECORD_LABELS]
    return ", ".join(parts) or "nothing"
