"""Cohort progress: one page of a course's learners (course.reports.learners picks, sorts and
pages them in SQL; course.reports.rows loads the page's rows in a few ``IN (...)`` queries) with
the cohort's totals per module and unit, and every learner's progress as a table for downloads
and jobs. Statuses, best marks and time by kind follow the rules in course.reports.rows."""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, case, cast, distinct, func, select

from course.authoring.models import Course, Module
from course.extensions import db
from course.learning.hours import GLH_KINDS
from course.learning.models import Attempt, Enrolment, ModuleProgress, OfflineLearning, TimeOnTask
from course.reports.export import Table
from course.reports.learners import learner_batches, learner_page, learners_query, valid_sort
from course.reports.rows import LearnerRow, json_list, learner_rows
from course.reports.structure import Structure, structure

PAGE_SIZE = 100


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


def cohorts(course: Course) -> list[str]:
    """The course's cohorts, sorted ("" for learners without one)."""
    return sorted(db.session.scalars(select(Enrolment.cohort).where(Enrolment.course_id == course.id).distinct()).all())


def progress(course: Course, *, cohort: str | None = None, sort: str | None = "name", direction: str = "asc",
             page: int = 1, page_size: int = PAGE_SIZE) -> Progress:
    """One page of the course's progress report (filtered by cohort, sorted in SQL), with cohort totals."""
    st = structure(course)
    sort = valid_sort(sort, st.module_ids)
    direction = "desc" if direction == "desc" else "asc"
    learners_q = learners_query(course, cohort)
    total = db.session.scalar(select(func.count()).select_from(learners_q.subquery())) or 0
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    learners = learner_page(course, cohort, sort, direction, (page - 1) * page_size, page_size)
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
        learners_q = learners_query(st.course, None)
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
        unit = next((st.unit_for_ref(r) for r in json_list(text) if st.unit_for_ref(r)), None)
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
    for learners in learner_batches(course, cohort, sort, direction, batch):
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
    return db.session.scalar(select(func.count()).select_from(learners_query(course, cohort).subquery())) or 0
