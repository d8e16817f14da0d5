"""The reports' data: cohort progress, a learner's criteria map, item analysis, the hours log.

Every report aggregates in SQL (GROUP BY) and reads a fixed number of queries whatever the number
of learners: the progress page sorts and pages in SQL, then loads its page's learners in a few
``IN (...)`` queries. Nothing here writes to the database.

Rules the reports use (they match the learner's dashboard for the "highest" grading method):

- best mark: the highest fraction of the learner's finished attempts at the module's quiz;
- status of a module with a quiz: "passed" (a finished attempt passed), "awaiting marking" (an
  essay to mark), "not passed" (finished attempts, none passed), "in progress" (an open attempt,
  time or pages seen), else "not started"; without a quiz: "completed" (last page reached),
  "in progress", "not started";
- a module is "complete" when passed or completed;
- time, kept by kind (course.learning.hours): online self-study seconds per module (TimeOnTask),
  and the minutes a tutor recorded offline as a guided session, a supervised assessment or
  off-the-job training. Guided sessions and assessments count toward GLH; every kind counts
  toward TQT ("total"). Offline minutes count toward the unit of the first reference the tutor
  gave (``FRAMEWORK/...``), else only toward the course total;
- each module belongs to the unit (framework) of its first outcome reference.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, and_, case, cast, distinct, func, select
from sqlalchemy.orm import selectinload

from course.authoring.models import Course, CourseFramework, Module
from course.bank.models import QuestionVersion
from course.evidence.display import TABLE_HEADERS, LearnerRecord, learner_record, table_row
from course.extensions import db
from course.learning.hours import GLH_KINDS, TimeByKind, UnitFigures, course_figures, time_by_kind, unit_figures
from course.learning.models import (
    OFFLINE_KINDS,
    AnswerMark,
    Attempt,
    Enrolment,
    ModuleProgress,
    OfflineLearning,
    TimeLog,
    TimeOnTask,
)
from course.models.frameworks import Framework
from course.models.users import Organisation, User
from course.reports import statistics
from course.reports.export import Table

PAGE_SIZE = 100
CHOICE_TYPES = ("single_choice", "multiple_response", "true_false")
STATUSES = ("passed", "completed", "awaiting marking", "not passed", "in progress", "not started")


class ReportError(Exception):
    """A report cannot be made as asked (unknown course, learner not enrolled...)."""


# ---------------------------------------------------------------- lookups


def organisation_course(organisation_id: int | None, course_id: int) -> Course | None:
    """The course if it belongs to the organisation, else None."""
    course = db.session.get(Course, course_id)
    if course is None or organisation_id is None or course.organisation_id != organisation_id:
        return None
    return course


def course_by_slug(slug: str, organisation: str | None = None) -> Course:
    """The course with this slug (in the named organisation when several have it)."""
    query = select(Course).where(Course.slug == slug)
    if organisation:
        query = query.join(Organisation, Course.organisation_id == Organisation.id).where(Organisation.name == organisation)
    found = db.session.scalars(query.order_by(Course.id)).all()
    if not found:
        raise ReportError(f"no course with slug {slug!r}" + (f" in {organisation!r}" if organisation else ""))
    if len(found) > 1:
        raise ReportError(f"{len(found)} organisations have a course {slug!r}: name one with --organisation")
    return found[0]


def enrolled_learner(course: Course, user_id: int) -> tuple[User, Enrolment] | None:
    """The learner and their enrolment on the course, or None."""
    row = db.session.execute(
        select(User, Enrolment).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course.id, User.id == user_id)
    ).first()
    return (row[0], row[1]) if row else None


def learner_by_email(course: Course, email: str) -> User:
    """The learner with this email enrolled on the course, else ReportError."""
    user = User.by_email(email)
    if user is None or enrolled_learner(course, user.id) is None:
        raise ReportError(f"{email} is not enrolled on {course.slug}")
    return user


# ---------------------------------------------------------------- course structure


@dataclass
class Unit:
    """A framework of the course with its GLH, credit and TQT (as given) and the modules that teach it."""

    code: str
    title: str
    glh: int | None
    module_ids: list[int] = field(default_factory=list)
    credit: int | None = None
    tqt: int | None = None
    framework_id: int | None = None

    @property
    def target_minutes(self) -> int | None:
        """GLH in minutes."""
        return self.glh * 60 if self.glh else None

    @property
    def figures(self) -> UnitFigures:
        """GLH and TQT (given, else credit x 10 hours, else not known)."""
        return unit_figures(self)


@dataclass
class Structure:
    """A course's modules (with quizzes) and units, loaded in a fixed number of queries."""

    course: Course
    modules: list[Module]
    units: list[Unit]
    unit_of_module: dict[int, str]

    @property
    def module_ids(self) -> list[int]:
        """Ids of the modules in order."""
        return [m.id for m in self.modules]

    @property
    def glh(self) -> int | None:
        """The course's GLH: the sum of its units' GLH, None when none has any."""
        values = [u.glh for u in self.units if u.glh]
        return sum(values) if values else None

    @property
    def figures(self) -> UnitFigures:
        """The course's GLH and TQT: sums over the units that give them."""
        return course_figures(self.units)

    def unit_for_ref(self, ref: str) -> str | None:
        """The unit code a ``FRAMEWORK/...`` reference belongs to, if a unit of the course."""
        code = ref.partition("/")[0]
        return code if any(u.code == code for u in self.units) else None


def structure(course: Course) -> Structure:
    """The course's modules and units."""
    modules = db.session.scalars(
        select(Module).where(Module.course_id == course.id).options(selectinload(Module.quiz)).order_by(Module.position)
    ).all()
    frameworks = db.session.scalars(
        select(Framework).join(CourseFramework, CourseFramework.framework_id == Framework.id)
        .where(CourseFramework.course_id == course.id).order_by(CourseFramework.position)
    ).all()
    units = [Unit(f.code, f.title, f.glh, credit=f.credit, tqt=f.tqt, framework_id=f.id) for f in frameworks]
    by_code = {u.code: u for u in units}
    unit_of_module = {}
    for m in modules:
        for ref in m.outcomes or []:
            code = ref.partition("/")[0]
            if code in by_code:
                by_code[code].module_ids.append(m.id)
                unit_of_module[m.id] = code
                break
    return Structure(course, list(modules), units, unit_of_module)


# ---------------------------------------------------------------- cohort progress


@dataclass
class Cell:
    """One learner on one module."""

    status: str = "not started"
    best: float | None = None
    attempts: int = 0
    seconds: int = 0
    target_minutes: int = 0

    @property
    def minutes(self) -> float:
        """Online minutes."""
        return self.seconds / 60

    @property
    def complete(self) -> bool:
        """Passed, or (no quiz) completed."""
        return self.status in ("passed", "completed")


@dataclass
class LearnerRow:
    """One learner's row of the progress report."""

    user_id: int
    name: str
    email: str
    cohort: str
    cells: dict[int, Cell]
    # Offline minutes by kind, for the course and for each unit (by the record's first reference).
    offline: dict[str, int] = field(default_factory=dict)
    unit_offline_kinds: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def online_minutes(self) -> float:
        """Online self-study minutes over all modules."""
        return sum(c.seconds for c in self.cells.values()) / 60

    @property
    def offline_minutes(self) -> int:
        """Offline minutes of every kind."""
        return sum(self.offline.values())

    @property
    def unit_offline(self) -> dict[str, int]:
        """Offline minutes of every kind per unit."""
        return {code: sum(kinds.values()) for code, kinds in self.unit_offline_kinds.items()}

    @property
    def time(self) -> TimeByKind:
        """The learner's time on the course by kind."""
        return time_by_kind(sum(c.seconds for c in self.cells.values()), self.offline.items())

    @property
    def unassigned_time(self) -> TimeByKind:
        """Offline time whose references name none of the course's units (it counts for the course only)."""
        left = dict(self.offline)
        for kinds in self.unit_offline_kinds.values():
            for kind, minutes in kinds.items():
                left[kind] = left.get(kind, 0) - minutes
        return time_by_kind(0, left.items())

    def unit_time(self, unit: Unit) -> TimeByKind:
        """The learner's time on the unit by kind."""
        seconds = sum(self.cells[m].seconds for m in unit.module_ids if m in self.cells)
        return time_by_kind(seconds, self.unit_offline_kinds.get(unit.code, {}).items())

    @property
    def total_minutes(self) -> float:
        """Every kind together: the time that counts toward TQT."""
        return self.online_minutes + self.offline_minutes

    @property
    def complete(self) -> int:
        """Modules complete."""
        return sum(1 for c in self.cells.values() if c.complete)

    def unit_minutes(self, unit: Unit) -> float:
        """Online minutes on the unit's modules plus offline minutes (every kind) recorded against it."""
        return self.unit_time(unit).tqt_minutes


@dataclass
class ModuleSummary:
    """The cohort on one module."""

    module: Module
    complete: int
    started: int
    seconds: int


@dataclass
class Progress:
    """The progress report of a course (one page of learners, and the cohort's totals)."""

    structure: Structure
    rows: list[LearnerRow]
    learners: int
    page: int
    pages: int
    page_size: int
    sort: str
    direction: str
    cohort: str | None
    cohorts: list[str]
    modules: list[ModuleSummary]
    online_minutes: float
    offline_minutes: float
    unit_online: dict[str, float]
    unit_offline: dict[str, int]
    # Offline minutes by kind over the cohort, for the course and per unit.
    offline_kinds: dict[str, int] = field(default_factory=dict)
    unit_offline_kinds: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def glh_minutes(self) -> int:
        """The cohort's minutes with a tutor or assessor (toward GLH)."""
        return sum(self.offline_kinds.get(k, 0) for k in GLH_KINDS)

    def unit_glh_minutes(self, code: str) -> int:
        """The cohort's minutes toward the unit's GLH."""
        return sum(self.unit_offline_kinds.get(code, {}).get(k, 0) for k in GLH_KINDS)

    @property
    def unit_minutes(self) -> dict[str, float]:
        """Online plus offline minutes per unit, over the cohort."""
        return {code: self.unit_online.get(code, 0) + self.unit_offline.get(code, 0) for code in self.unit_online}

    @property
    def mean_minutes(self) -> float:
        """Mean online plus offline minutes per learner."""
        return (self.online_minutes + self.offline_minutes) / self.learners if self.learners else 0.0


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


def _learners_query(course: Course, cohort: str | None) -> Any:
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


def _learner_page(course: Course, cohort: str | None, sort: str, direction: str, offset: int,
                  limit: int) -> list[tuple[int, str, str, str]]:
    """One page of (user id, name, email, cohort), sorted as ``_learners_sorted``."""
    query = _learners_sorted(course, cohort, sort, direction).offset(offset).limit(limit)
    return [tuple(r) for r in db.session.execute(query).all()]  # type: ignore[misc]


def _learner_batches(course: Course, cohort: str | None, sort: str, direction: str,
                     batch: int) -> Iterator[list[tuple[int, str, str, str]]]:
    """All the learners, sorted, ``batch`` at a time from one query read in parts (``yield_per``:
    a server-side cursor on PostgreSQL), so no more than a batch is held at once."""
    result = db.session.execute(_learners_sorted(course, cohort, sort, direction).execution_options(yield_per=batch))
    try:
        for part in result.partitions():
            yield [tuple(r) for r in part]  # type: ignore[misc]
    finally:
        result.close()


def learner_rows(st: Structure, learners: list[tuple[int, str, str, str]]) -> list[LearnerRow]:
    """The progress rows of these learners: four queries, whatever their number."""
    ids = [r[0] for r in learners]
    modules = st.module_ids
    rows = {uid: LearnerRow(uid, name, email, cohort,
                            {m.id: Cell(target_minutes=m.target_minutes) for m in st.modules})
            for uid, name, email, cohort in learners}
    if not ids or not modules:
        return list(rows.values())
    finished = Attempt.status == "finished"
    agg = db.session.execute(
        select(
            Attempt.user_id, Attempt.module_id,
            func.max(case((finished, Attempt.fraction), else_=None)),
            func.sum(case((Attempt.status != "in_progress", 1), else_=0)),
            func.max(case((and_(finished, Attempt.passed.is_(True)), 1), else_=0)),
            func.max(case((Attempt.status == "pending_marking", 1), else_=0)),
            func.max(case((Attempt.status == "in_progress", 1), else_=0)),
        ).where(Attempt.user_id.in_(ids), Attempt.module_id.in_(modules))
        .group_by(Attempt.user_id, Attempt.module_id)
    ).all()
    seconds = db.session.execute(
        select(TimeOnTask.user_id, TimeOnTask.module_id, TimeOnTask.seconds)
        .where(TimeOnTask.user_id.in_(ids), TimeOnTask.module_id.in_(modules))
    ).all()
    pages = db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.module_id, ModuleProgress.pages_seen, ModuleProgress.pages_done)
        .where(ModuleProgress.user_id.in_(ids), ModuleProgress.module_id.in_(modules))
    ).all()
    offline = db.session.execute(
        select(OfflineLearning.learner_id, cast(OfflineLearning.outcomes, Text), OfflineLearning.kind,
               func.sum(OfflineLearning.minutes))
        .where(OfflineLearning.learner_id.in_(ids), OfflineLearning.course_id == st.course.id)
        .group_by(OfflineLearning.learner_id, cast(OfflineLearning.outcomes, Text), OfflineLearning.kind)
    ).all()
    attempts = {(u, m): (best, int(n or 0), bool(p), bool(pend), bool(open_)) for u, m, best, n, p, pend, open_ in agg}
    secs = {(u, m): s for u, m, s in seconds}
    seen = {(u, m): (ps, bool(done)) for u, m, ps, done in pages}
    for uid, outcomes_text, kind, minutes in offline:
        row = rows[uid]
        row.offline[kind] = row.offline.get(kind, 0) + int(minutes or 0)
        refs = _json_list(outcomes_text)
        unit = next((st.unit_for_ref(r) for r in refs if st.unit_for_ref(r)), None)
        if unit:
            kinds = row.unit_offline_kinds.setdefault(unit, {})
            kinds[kind] = kinds.get(kind, 0) + int(minutes or 0)
    for module in st.modules:
        has_quiz = module.quiz is not None
        for uid, row in rows.items():
            cell = row.cells[module.id]
            cell.seconds = int(secs.get((uid, module.id)) or 0)
            pages_seen, done = seen.get((uid, module.id), (0, False))
            a = attempts.get((uid, module.id))
            if a is not None:
                cell.best = None if a[0] is None else float(a[0])
                cell.attempts = a[1]
            active = cell.seconds > 0 or pages_seen > 0
            if has_quiz:
                if a is not None and a[2]:
                    cell.status = "passed"
                elif a is not None and a[3]:
                    cell.status = "awaiting marking"
                elif a is not None and cell.best is not None:
                    cell.status = "not passed"
                elif (a is not None and a[4]) or active:
                    cell.status = "in progress"
            elif done:
                cell.status = "completed"
            elif active:
                cell.status = "in progress"
    return [rows[uid] for uid in ids]


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def cohorts(course: Course) -> list[str]:
    """The course's cohorts, sorted ("" for learners without one)."""
    return sorted(db.session.scalars(select(Enrolment.cohort).where(Enrolment.course_id == course.id).distinct()).all())


def progress(course: Course, *, cohort: str | None = None, sort: str | None = "name", direction: str = "asc",
             page: int = 1, page_size: int = PAGE_SIZE) -> Progress:
    """One page of the course's progress report (filtered by cohort, sorted in SQL), with cohort totals."""
    st = structure(course)
    sort = valid_sort(sort, st.module_ids)
    direction = "desc" if direction == "desc" else "asc"
    learners_q = _learners_query(course, cohort)
    total = db.session.scalar(select(func.count()).select_from(learners_q.subquery())) or 0
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    learners = _learner_page(course, cohort, sort, direction, (page - 1) * page_size, page_size)
    rows = learner_rows(st, learners)
    modules = _module_summaries(st, learners_q if cohort is not None else None)
    online = {m.module.id: m.seconds for m in modules}
    offline_kinds, unit_offline_kinds = _offline_totals(st, learners_q)
    unit_offline = {code: sum(kinds.values()) for code, kinds in unit_offline_kinds.items()}
    unit_online = {u.code: sum(online.get(m, 0) for m in u.module_ids) / 60 for u in st.units}
    return Progress(
        structure=st, rows=rows, learners=total, page=page, pages=pages, page_size=page_size, sort=sort,
        direction=direction,
        cohort=cohort, cohorts=cohorts(course), modules=modules,
        online_minutes=sum(online.values()) / 60, offline_minutes=sum(offline_kinds.values()), unit_online=unit_online,
        unit_offline=unit_offline, offline_kinds=offline_kinds, unit_offline_kinds=unit_offline_kinds,
    )


def _module_summaries(st: Structure, learners_q: Any | None) -> list[ModuleSummary]:
    """Per module: learners complete, learners started, online seconds; ``learners_q`` limits
    them to a cohort. Without it every attempt on the course's modules counts: only enrolled
    learners can make one, and skipping the enrolment lookup lets an index on
    (module_id, status, passed, user_id) answer the count alone."""
    modules = st.module_ids
    if not modules:
        return []
    passed_q = (
        select(Attempt.module_id, func.count(distinct(Attempt.user_id)))
        .where(Attempt.module_id.in_(modules), Attempt.status == "finished", Attempt.passed.is_(True))
        .group_by(Attempt.module_id)
    )
    if learners_q is None:
        learners_q = _learners_query(st.course, None)
    else:
        passed_q = passed_q.where(Attempt.user_id.in_(learners_q))
    passed = dict(db.session.execute(passed_q).all())
    progress_rows = db.session.execute(
        select(ModuleProgress.module_id, func.sum(case((ModuleProgress.pages_done.is_(True), 1), else_=0)),
               func.count())
        .where(ModuleProgress.module_id.in_(modules), ModuleProgress.user_id.in_(learners_q))
        .group_by(ModuleProgress.module_id)
    ).all()
    time_rows = db.session.execute(
        select(TimeOnTask.module_id, func.sum(TimeOnTask.seconds), func.sum(case((TimeOnTask.seconds > 0, 1), else_=0)))
        .where(TimeOnTask.module_id.in_(modules), TimeOnTask.user_id.in_(learners_q))
        .group_by(TimeOnTask.module_id)
    ).all()
    done = {m: int(d or 0) for m, d, _ in progress_rows}
    seconds = {m: int(s or 0) for m, s, _ in time_rows}
    started = _started_counts(modules, learners_q)
    out = []
    for module in st.modules:
        complete = passed.get(module.id, 0) if module.quiz is not None else done.get(module.id, 0)
        out.append(ModuleSummary(module, int(complete), started.get(module.id, 0), seconds.get(module.id, 0)))
    return out


def _started_counts(modules: list[int], learners_q: Any) -> dict[int, int]:
    """Per module, the learners who have started it: any attempt (open, submitted or finished), any
    page seen, or any online time. Time alone is not enough: an attempt made and submitted within
    one beat of the clock, or a page read with time not yet saved, is still a start."""
    touched = (
        select(Attempt.module_id.label("module_id"), Attempt.user_id.label("user_id"))
        .where(Attempt.module_id.in_(modules), Attempt.user_id.in_(learners_q))
        .union(
            select(ModuleProgress.module_id, ModuleProgress.user_id)
            .where(ModuleProgress.module_id.in_(modules), ModuleProgress.user_id.in_(learners_q),
                   (ModuleProgress.pages_seen > 0) | ModuleProgress.pages_done.is_(True)),
            select(TimeOnTask.module_id, TimeOnTask.user_id)
            .where(TimeOnTask.module_id.in_(modules), TimeOnTask.user_id.in_(learners_q), TimeOnTask.seconds > 0),
        )
        .subquery()
    )
    rows = db.session.execute(select(touched.c.module_id, func.count()).group_by(touched.c.module_id)).all()
    return {m: int(n) for m, n in rows}


def _offline_totals(st: Structure, learners_q: Any) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The cohort's offline minutes by kind, for the course and per unit."""
    rows = db.session.execute(
        select(cast(OfflineLearning.outcomes, Text), OfflineLearning.kind, func.sum(OfflineLearning.minutes))
        .where(OfflineLearning.course_id == st.course.id, OfflineLearning.learner_id.in_(learners_q))
        .group_by(cast(OfflineLearning.outcomes, Text), OfflineLearning.kind)
    ).all()
    total: dict[str, int] = {}
    units: dict[str, dict[str, int]] = {}
    for text, kind, minutes in rows:
        total[kind] = total.get(kind, 0) + int(minutes or 0)
        unit = next((st.unit_for_ref(r) for r in _json_list(text) if st.unit_for_ref(r)), None)
        if unit:
            kinds = units.setdefault(unit, {})
            kinds[kind] = kinds.get(kind, 0) + int(minutes or 0)
    return total, units


def progress_table(course: Course, *, cohort: str | None = None, sort: str | None = "name", direction: str = "asc",
                   batch: int = 1000) -> Table:
    """Every learner's progress, one row per learner, in a list (the CLI and small cohorts)."""
    table = progress_stream(course, cohort=cohort, sort=sort, direction=direction, batch=batch)
    table.rows = list(table.rows)
    return table


def progress_stream(course: Course, *, cohort: str | None = None, sort: str | None = "name", direction: str = "asc",
                    batch: int = 1000) -> Table:
    """Every learner's progress as ``progress_table``, but ``rows`` is a generator that reads the
    learners ``batch`` at a time (four queries a batch): a download writes each row as it comes,
    and only one batch of learners is in memory. Iterate it inside the request (app context)."""
    st = structure(course)
    sort = valid_sort(sort, st.module_ids)
    # Time by kind, each against the figure it counts toward (course.learning.hours): GLH is time
    # with a tutor or assessor, TQT every kind together.
    headers = ["name", "email", "cohort", "modules complete", "self-study minutes", "guided session minutes",
               "assessment minutes", "GLH minutes", "off-the-job minutes", "TQT minutes", "course GLH",
               "course TQT hours"]
    for u in st.units:
        headers += [f"{u.code} GLH minutes", f"{u.code} TQT minutes", f"{u.code} GLH", f"{u.code} TQT hours"]
    for m in st.modules:
        headers += [f"{m.slug} status", f"{m.slug} best %", f"{m.slug} attempts", f"{m.slug} self-study minutes",
                    f"{m.slug} target minutes"]
    return Table("Progress", headers, _progress_rows(st, course, cohort, sort, direction, batch))


def _progress_rows(st: Structure, course: Course, cohort: str | None, sort: str, direction: str,
                   batch: int) -> Iterator[list[Any]]:
    figures = st.figures
    for learners in _learner_batches(course, cohort, sort, direction, batch):
        for row in learner_rows(st, learners):
            t = row.time
            out: list[Any] = [row.name, row.email, row.cohort, row.complete, round(t.self_study_minutes, 1),
                              t.guided_minutes, t.assessment_minutes, t.glh_minutes, t.off_the_job_minutes,
                              round(t.tqt_minutes, 1), figures.glh, figures.tqt]
            for u in st.units:
                ut = row.unit_time(u)
                out += [ut.glh_minutes, round(ut.tqt_minutes, 1), u.glh, u.figures.tqt]
            for m in st.modules:
                c = row.cells[m.id]
                out += [c.status, None if c.best is None else round(c.best * 100, 1), c.attempts,
                        round(c.minutes, 1), c.target_minutes]
            yield out


def learner_count(course: Course, cohort: str | None = None) -> int:
    """How many learners (of the cohort) the course has: what decides whether a download is a job."""
    return db.session.scalar(select(func.count()).select_from(_learners_query(course, cohort).subquery())) or 0


# ---------------------------------------------------------------- a learner's criteria map


def criteria_map(course: Course, learner: User) -> LearnerRecord:
    """Every criterion of the course's frameworks with the learner's state and its reasons, as
    ``course.evidence.status`` decides them (the learner's own pages show the same)."""
    return learner_record(course, learner.id)


def criteria_table(course: Course, learner: User) -> Table:
    """The criteria map as rows: one per criterion, with its state, reasons and the decision behind it."""
    table = Table("Criteria", list(TABLE_HEADERS))
    table.rows = [table_row(line) for line in criteria_map(course, learner).lines]
    return table


# ---------------------------------------------------------------- item analysis


@dataclass
class OptionCount:
    """How often one option of a choice question was chosen."""

    id: str
    text: str
    correct: bool
    count: int


@dataclass
class ItemRow:
    """One question of a quiz with its statistics."""

    question_id: str
    title: str
    type: str
    max_score: float
    stats: statistics.ItemStatistics
    options: list[OptionCount]
    no_answer: int


@dataclass
class ItemReport:
    """Item analysis of one module's quiz."""

    module: Module
    which: str
    attempts: int
    items: list[ItemRow]


def _analysed_attempts(module: Module, which: str) -> Any:
    """The attempts to analyse: each learner's first finished attempt, or every finished one."""
    if which == "all":
        return select(Attempt.id, Attempt.score).where(Attempt.module_id == module.id, Attempt.status == "finished")
    first = (
        select(Attempt.user_id, func.min(Attempt.number).label("number"))
        .where(Attempt.module_id == module.id, Attempt.status == "finished")
        .group_by(Attempt.user_id).subquery()
    )
    return (
        select(Attempt.id, Attempt.score)
        .join(first, and_(Attempt.user_id == first.c.user_id, Attempt.number == first.c.number))
        .where(Attempt.module_id == module.id)
    )


def item_analysis(module: Module, *, which: str = "first") -> ItemReport:
    """Facility, discrimination, option frequencies and flags per question of the module's quiz.

    ``which`` is "first" (each learner's first finished attempt, Moodle's default) or "all".
    Items are grouped by question (drawn questions are analysed wherever they were drawn).
    """
    which = "all" if which == "all" else "first"
    analysed = _analysed_attempts(module, which).subquery()
    n_attempts = db.session.scalar(select(func.count()).select_from(analysed)) or 0
    t = analysed.c.score
    x = AnswerMark.score
    sums = db.session.execute(
        select(AnswerMark.question_id, func.min(AnswerMark.position), func.count(), func.sum(x), func.sum(x * x),
               func.sum(t), func.sum(t * t), func.sum(x * t), func.max(AnswerMark.max_score))
        .join(analysed, AnswerMark.attempt_id == analysed.c.id)
        .group_by(AnswerMark.question_id)
        .order_by(func.min(AnswerMark.position), AnswerMark.question_id)
    ).all()
    qids = [r[0] for r in sums]
    questions: dict[str, QuestionVersion] = {}
    if qids:
        for qv in db.session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.organisation_id == module.course.organisation_id, QuestionVersion.question_id.in_(qids))
            .order_by(QuestionVersion.version)
        ):
            questions[qv.question_id] = qv  # the latest version
    choice_ids = [q for q in qids if q in questions and questions[q].type in CHOICE_TYPES]
    answers: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    if choice_ids:
        response_text = cast(AnswerMark.response, Text)
        for qid, text, count in db.session.execute(
            select(AnswerMark.question_id, response_text, func.count())
            .join(analysed, AnswerMark.attempt_id == analysed.c.id)
            .where(AnswerMark.question_id.in_(choice_ids))
            .group_by(AnswerMark.question_id, response_text)
        ).all():
            try:
                value = None if text is None else json.loads(text)
            except ValueError:
                value = text
            answers[qid].append((value, int(count)))
    items = []
    for qid, _pos, n, sx, sxx, st_, stt, sxt, max_score in sums:
        s = statistics.ItemSums(int(n), float(sx or 0), float(sxx or 0), float(st_ or 0), float(stt or 0),
                                float(sxt or 0), float(max_score or 0))
        qv = questions.get(qid)
        data = qv.data if qv is not None else {}
        options: list[OptionCount] = []
        no_answer = 0
        if qid in answers:
            if data.get("type") == "true_false":
                defined = [("true", "True", data.get("answer") is True), ("false", "False", data.get("answer") is False)]
            else:
                defined = [(o["id"], o.get("text", o["id"]), bool(o.get("correct"))) for o in data.get("options", [])]
            freq = statistics.option_frequencies(answers[qid], [d[0] for d in defined])
            known = {d[0] for d in defined}
            options = [OptionCount(oid, text, correct, freq.get(oid, 0)) for oid, text, correct in defined]
            options += [OptionCount(k, k, False, v) for k, v in freq.items() if k and k not in known]
            no_answer = freq.get("", 0)
        items.append(ItemRow(qid, qv.title if qv else qid, qv.type if qv else "", s.max_score,
                             statistics.item_statistics(s), options, no_answer))
    return ItemReport(module, which, int(n_attempts), items)


def items_tables(course: Course, *, which: str = "first", module: Module | None = None) -> list[Table]:
    """Item analysis of each module's quiz (or one) as rows: statistics, then option frequencies."""
    st = structure(course)
    modules = [module] if module is not None else [m for m in st.modules if m.quiz is not None]
    stats = Table("Items", ["module", "question", "title", "type", "attempts analysed", "facility",
                            "discrimination", "flags", "max score", "which attempts"])
    opts = Table("Options", ["module", "question", "option", "text", "correct", "chosen"])
    for m in modules:
        report = item_analysis(m, which=which)
        for item in report.items:
            stats.rows.append([m.slug, item.question_id, item.title, item.type, item.stats.n,
                               None if item.stats.facility is None else round(item.stats.facility, 4),
                               None if item.stats.discrimination is None else round(item.stats.discrimination, 4),
                               "; ".join(item.stats.flags), item.max_score, report.which])
            for o in item.options:
                opts.rows.append([m.slug, item.question_id, o.id, o.text, o.correct, o.count])
            if item.options:
                opts.rows.append([m.slug, item.question_id, "", "no answer", False, item.no_answer])
    return [stats, opts]


# ---------------------------------------------------------------- hours log


# The kinds of time in the hours log, in words that say what each counts toward.
HOURS_KINDS: dict[str, str] = {
    "self_study": "Online self-study (TQT)",
    "guided_session": "Guided session (GLH)",
    "assessment": "Supervised assessment (GLH)",
    "off_the_job": "Off-the-job training (TQT)",
}


@dataclass
class HoursRow:
    """One line of the hours log."""

    date: dt.date
    activity: str
    minutes: float
    outcome: str
    covers: str
    kind: str = "self_study"  # self_study (online), or an offline kind (OFFLINE_KINDS)

    @property
    def kind_label(self) -> str:
        """The kind in words, and what it counts toward."""
        return HOURS_KINDS.get(self.kind, self.kind)


def hours_log(course: Course, learner: User) -> list[HoursRow]:
    """The learner's learning time by day: online self-study per module and day, offline records by kind.

    ``outcome`` is the result of quiz attempts submitted that day on that module; ``covers`` the
    outcomes the module or the offline activity covers.
    """
    st = structure(course)
    modules = {m.id: m for m in st.modules}
    out: list[HoursRow] = []
    results: dict[tuple[int, dt.date], list[str]] = defaultdict(list)
    if modules:
        for module_id, number, submitted, fraction, passed, status in db.session.execute(
            select(Attempt.module_id, Attempt.number, Attempt.submitted_at, Attempt.fraction, Attempt.passed,
                   Attempt.status)
            .where(Attempt.user_id == learner.id, Attempt.module_id.in_(list(modules)),
                   Attempt.submitted_at.is_not(None))
            .order_by(Attempt.number)
        ).all():
            if status == "finished":
                text = f"attempt {number}: {'passed' if passed else 'not passed'} ({round((fraction or 0) * 100)}%)"
            else:
                text = f"attempt {number}: awaiting marking"
            results[(module_id, submitted.date())].append(text)
        used: set[tuple[int, dt.date]] = set()
        for module_id, day, seconds in db.session.execute(
            select(TimeLog.module_id, TimeLog.day, TimeLog.seconds)
            .where(TimeLog.user_id == learner.id, TimeLog.module_id.in_(list(modules)))
        ).all():
            m = modules[module_id]
            used.add((module_id, day))
            out.append(HoursRow(day, f"Online study: {m.title}", round(seconds / 60, 1),
                                "; ".join(results.get((module_id, day), [])), ", ".join(m.outcomes or [])))
        for (module_id, day), texts in results.items():
            if (module_id, day) not in used:
                m = modules[module_id]
                out.append(HoursRow(day, f"Online study: {m.title}", 0.0, "; ".join(texts),
                                    ", ".join(m.outcomes or [])))
    for date, minutes, activity, outcomes, kind in db.session.execute(
        select(OfflineLearning.date, OfflineLearning.minutes, OfflineLearning.activity, OfflineLearning.outcomes,
               OfflineLearning.kind)
        .where(OfflineLearning.learner_id == learner.id, OfflineLearning.course_id == course.id)
    ).all():
        out.append(HoursRow(date, f"{OFFLINE_KINDS.get(kind, kind)}: {activity}", float(minutes),
                            "recorded by a tutor", ", ".join(outcomes or []), kind))
    out.sort(key=lambda r: (r.date, r.activity))
    return out


def hours_table(course: Course, learner: User) -> Table:
    """The hours log as rows, with total lines: GLH (time with a tutor or assessor), off-the-job
    training on its own, and every kind together (toward TQT)."""
    rows = hours_log(course, learner)
    table = Table("Hours", ["date", "kind", "activity", "minutes", "outcome", "covers"])
    for r in rows:
        table.rows.append([r.date.isoformat(), r.kind_label, r.activity, r.minutes, r.outcome, r.covers])
    glh = sum(r.minutes for r in rows if r.kind in GLH_KINDS)
    off_the_job = sum(r.minutes for r in rows if r.kind == "off_the_job")
    table.rows.append(["total toward GLH", "", "", round(glh, 1), "", ""])
    table.rows.append(["total off-the-job", "", "", round(off_the_job, 1), "", ""])
    table.rows.append(["total toward TQT", "", "", round(sum(r.minutes for r in rows), 1), "", ""])
    return table


__all__ = [
    "PAGE_SIZE", "ReportError", "progress", "progress_table", "criteria_map", "criteria_table", "item_analysis",
    "items_tables", "hours_log", "hours_table", "structure", "progress_stream", "learner_count",
]
