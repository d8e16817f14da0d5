"""A learner's hours log for funding evidence: online self-study per module and day, offline
records by kind, and totals toward GLH, off-the-job training and TQT."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from course.authoring.models import Course
from course.extensions import db
from course.learning.hours import GLH_KINDS
from course.learning.models import OFFLINE_KINDS, Attempt, OfflineLearning, TimeLog
from course.models.users import User
from course.reports.export import Table
from course.reports.structure import structure


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
