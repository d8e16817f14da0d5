"""A learner's unit record: every criterion of one unit with its state, the evidence and
decisions behind it, and the hours logged by kind against the unit's GLH and TQT.

States come from ``course.evidence.status`` (never re-derived here); this module only gathers
what a printed record shows beside them: the workplace evidence that claims each criterion and
the finished quiz attempts that assessed it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course.authoring.models import Course, CourseFramework, Module, Quiz
from course.evidence.models import EVIDENCE_KINDS, WorkplaceEvidence
from course.evidence.status import CriterionStatus, course_criteria, learner_statuses
from course.extensions import db
from course.learning.hours import TimeByKind, UnitFigures, learner_time, unit_figures
from course.learning.models import Attempt, Enrolment
from course.models.frameworks import Framework, Outcome
from course.models.users import User


@dataclass(frozen=True)
class EvidenceLine:
    """Workplace evidence claiming a criterion."""

    id: int
    title: str
    kind: str
    occurred_on: dt.date
    declared: bool
    decision: str  # "met", "referred" or "awaiting the assessor" for this criterion


@dataclass(frozen=True)
class QuizLine:
    """A finished quiz attempt that assessed a criterion."""

    attempt_id: int
    module_title: str
    number: int
    finished_at: dt.datetime | None
    fraction: float
    met: bool
    summative: bool


@dataclass
class CriterionLine:
    """One row of the record."""

    code: str
    ref: str
    text: str
    kind: str
    workplace: bool
    status: CriterionStatus
    evidence: list[EvidenceLine] = field(default_factory=list)
    quizzes: list[QuizLine] = field(default_factory=list)


@dataclass
class OutcomeGroup:
    """An outcome of the unit with its criteria."""

    code: str
    title: str
    criteria: list[CriterionLine]


@dataclass
class UnitRecord:
    """Everything the unit record page shows."""

    course: Course
    learner: User
    unit: Framework
    figures: UnitFigures
    time: TimeByKind
    outcomes: list[OutcomeGroup]
    printed_on: dt.date

    @property
    def criteria(self) -> list[CriterionLine]:
        return [c for o in self.outcomes for c in o.criteria]


def course_units(course: Course) -> list[Framework]:
    """The course's units (frameworks) in course order."""
    return list(db.session.scalars(
        select(Framework).join(CourseFramework, CourseFramework.framework_id == Framework.id)
        .where(CourseFramework.course_id == course.id).order_by(CourseFramework.position)).all())


def find(organisation_id: int | None, course_id: int, learner_id: int, framework_id: int) -> tuple[
        Course, User, Framework] | None:
    """The course (of the organisation), the learner enrolled on it and the unit of the course, or None."""
    course = db.session.get(Course, course_id)
    if course is None or organisation_id is None or course.organisation_id != organisation_id:
        return None
    learner = db.session.scalar(
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course.id, User.id == learner_id))
    if learner is None:
        return None
    unit = db.session.scalar(
        select(Framework).join(CourseFramework, CourseFramework.framework_id == Framework.id)
        .where(CourseFramework.course_id == course.id, Framework.id == framework_id)
        .options(selectinload(Framework.outcomes).selectinload(Outcome.criteria)))
    if unit is None:
        return None
    return course, learner, unit


def _evidence(course: Course, learner: User, prefix: str) -> dict[str, list[EvidenceLine]]:
    out: dict[str, list[EvidenceLine]] = defaultdict(list)
    rows = db.session.scalars(
        select(WorkplaceEvidence).where(WorkplaceEvidence.course_id == course.id,
                                        WorkplaceEvidence.learner_id == learner.id)
        .options(selectinload(WorkplaceEvidence.decisions))
        .order_by(WorkplaceEvidence.occurred_on, WorkplaceEvidence.id)).all()
    for e in rows:
        current = {d.criterion_ref: d.outcome for d in e.decisions if not d.superseded}
        for ref in e.claimed or []:
            if ref.startswith(prefix):
                out[ref].append(EvidenceLine(e.id, e.title, EVIDENCE_KINDS.get(e.kind, e.kind), e.occurred_on,
                                             e.declared_at is not None, current.get(ref, "awaiting the assessor")))
    return out


def _quizzes(course: Course, learner: User, prefix: str) -> dict[str, list[QuizLine]]:
    out: dict[str, list[QuizLine]] = defaultdict(list)
    rows = db.session.execute(
        select(Attempt.id, Attempt.number, Attempt.finished_at, Attempt.criteria_results, Module.title, Quiz.mode)
        .join(Module, Attempt.module_id == Module.id)
        .outerjoin(Quiz, Quiz.module_id == Module.id)
        .where(Module.course_id == course.id, Attempt.user_id == learner.id, Attempt.status == "finished")
        .order_by(Attempt.finished_at, Attempt.id)).all()
    for attempt_id, number, finished_at, results, title, mode in rows:
        for ref, r in (results or {}).items():
            if ref.startswith(prefix):
                out[ref].append(QuizLine(attempt_id, title, number, finished_at, float(r.get("fraction") or 0),
                                         bool(r.get("met")), mode == "summative"))
    return out


def unit_record(course: Course, learner: User, unit: Framework, *, today: dt.date | None = None) -> UnitRecord:
    """The learner's record for one unit of the course."""
    prefix = f"{unit.code}/"
    statuses = learner_statuses(course, learner.id)
    evidence = _evidence(course, learner, prefix)
    quizzes = _quizzes(course, learner, prefix)
    # Workplace as status.py reads it: the unit's flag or any module of the course reserving it.
    workplace = {c.ref for c in course_criteria(course) if c.workplace}
    groups = []
    for outcome in unit.outcomes:
        lines = []
        for c in outcome.criteria:
            ref = prefix + c.code
            status = statuses[ref]
            lines.append(CriterionLine(c.code, ref, c.text, c.kind, ref in workplace, status,
                                       evidence.get(ref, []), quizzes.get(ref, [])))
        groups.append(OutcomeGroup(outcome.code, outcome.title, lines))
    time = learner_time(course, learner.id).units.get(unit.code, TimeByKind())
    return UnitRecord(course, learner, unit, unit_figures(unit), time, groups, today or dt.date.today())
