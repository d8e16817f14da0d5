"""The learner's dashboard: every enrolled course with its modules' progress, grade and time.

A criterion's state comes from ``course.evidence.status`` (through ``learner_record``), the same
function the tutor's criteria map reads: a quiz's own result only says whether its rule was met in
that attempt, never that the criterion is met."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from course.authoring.models import Course, Module
from course.evidence.display import CriterionLine, LearnerRecord, counts_sentence, learner_record, module_refs
from course.evidence.status import count_states
from course.extensions import db
from course.learning.grading import Grade, grade
from course.learning.hours import TimeByKind, UnitFigures, course_figures, time_by_kind, unit_figures
from course.learning.models import Attempt, Enrolment, ModuleProgress, OfflineLearning, TimeOnTask
from course.models.frameworks import Framework
from course.models.users import User


@dataclass
class ModuleSummary:
    """One module on the dashboard."""

    module: Module
    pages: int
    pages_seen: int
    has_quiz: bool
    quiz_status: str  # not started | in progress | awaiting marking | passed | not passed | no quiz
    attempts_used: int
    attempts_left: int | None
    grade: Grade | None
    seconds: int
    target_minutes: int
    criteria: list[CriterionLine]  # the module's criteria with the learner's current state
    latest: Attempt | None

    @property
    def criteria_counts(self) -> str:
        """"1 Knowledge shown, 3 Not started": the module's criteria by state."""
        return counts_sentence(count_states(line.status for line in self.criteria))


@dataclass
class CourseSummary:
    """One enrolled course on the dashboard."""

    course: Course
    enrolment: Enrolment
    modules: list[ModuleSummary]
    # Time by kind against the course's GLH and TQT (course.learning.hours); the units with
    # their own figures, for the links to each unit's record.
    time: TimeByKind
    figures: UnitFigures
    units: list[tuple[Framework, UnitFigures]]
    record: LearnerRecord

    @property
    def criteria_counts(self) -> str:
        """The course's criteria by state."""
        return counts_sentence(self.record.counts)


def learner_overview(user: User) -> list[CourseSummary]:
    """Everything the learner's dashboard shows, in a fixed number of queries per course."""
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.enrolled_at, Enrolment.id)
    ).all()
    attempts: dict[int, list[Attempt]] = {}
    for a in db.session.scalars(select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.number)):
        attempts.setdefault(a.module_id, []).append(a)
    progress = {p.module_id: p for p in db.session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == user.id))}
    seconds = dict(db.session.execute(
        select(TimeOnTask.module_id, TimeOnTask.seconds).where(TimeOnTask.user_id == user.id)).all())
    offline: dict[int, list[tuple[str, int]]] = {}
    for course_id, kind, minutes in db.session.execute(
        select(OfflineLearning.course_id, OfflineLearning.kind, func.sum(OfflineLearning.minutes))
        .where(OfflineLearning.learner_id == user.id).group_by(OfflineLearning.course_id, OfflineLearning.kind)
    ).all():
        offline.setdefault(course_id, []).append((kind, int(minutes or 0)))
    out = []
    for enrolment in enrolments:
        course = enrolment.course
        record = learner_record(course, user.id)
        lines = record.by_ref
        modules = []
        for module in course.modules:
            mine = attempts.get(module.id, [])
            quiz = module.quiz
            used = sum(1 for a in mine if a.status != "in_progress")
            g = grade(mine, method=quiz.grading, pass_mark=quiz.pass_mark,
                      criterion_threshold=quiz.criterion_threshold) if quiz else None
            latest = mine[-1] if mine else None
            if quiz is None:
                status = "no quiz"
            elif g is not None and g.attempts:
                status = "passed" if g.passed else "not passed"
                if latest is not None and latest.status == "pending_marking":
                    status = "awaiting marking"
            elif latest is None or (latest.status == "in_progress" and not any(
                    v is not None for v in (latest.responses or {}).values())):
                # Opening the module starts an attempt; reading its pages is not starting the quiz.
                status = "not started"
            elif latest.status == "pending_marking":
                status = "awaiting marking"
            else:
                status = "in progress"
            quizzed = {ref for a in mine for ref in (a.criteria_results or {})}
            p = progress.get(module.id)
            modules.append(ModuleSummary(
                module=module, pages=len(module.pages), pages_seen=p.pages_seen if p else 0, has_quiz=quiz is not None,
                quiz_status=status, attempts_used=used,
                attempts_left=(max(0, quiz.attempts - used) if quiz and quiz.attempts else None),
                grade=g, seconds=seconds.get(module.id, 0), target_minutes=module.target_minutes,
                criteria=[lines[ref] for ref in module_refs(module, record, quizzed)], latest=latest,
            ))
        frameworks = list(course.frameworks)
        out.append(CourseSummary(
            course=course, enrolment=enrolment, modules=modules,
            time=time_by_kind(sum(m.seconds for m in modules), offline.get(course.id, [])),
            figures=course_figures(frameworks), units=[(f, unit_figures(f)) for f in frameworks],
            record=record,
        ))
    return out
