"""The progress report's rows: each learner's status, best mark, attempts and time on every
module, and their offline time by kind, for any number of learners in four queries.

Rules (they match the learner's dashboard for the "highest" grading method):

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
  gave (``FRAMEWORK/...``), else only toward the course total.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Text, and_, case, cast, func, select

from course.extensions import db
from course.learning.hours import TimeByKind, time_by_kind
from course.learning.models import Attempt, ModuleProgress, OfflineLearning, TimeOnTask
from course.reports.structure import Structure, Unit

STATUSES = ("passed", "completed", "awaiting marking", "not passed", "in progress", "not started")


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
        refs = json_list(outcomes_text)
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


def json_list(text: str | None) -> list[str]:
    """A JSON list read as text (a JSON column cast to text) as strings; [] when it is not one."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
