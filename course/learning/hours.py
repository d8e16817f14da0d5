"""Learning time by kind, and the figures each kind counts against (GLH, TQT), in one place.

Ofqual's definitions decide what counts where:

- guided learning hours (GLH) are time under the immediate guidance or supervision of a tutor or
  assessor: guided sessions and supervised assessments (observation) a tutor logs;
- total qualification time (TQT) is GLH plus study without immediate supervision, such as the
  self-paced online study the player times, and off-the-job training;
- a unit that gives only a credit value has a TQT of credit x 10 hours; a unit that gives
  neither has no TQT we can show.

So online self-study never counts toward GLH. Off-the-job training (apprentices) is also listed on
its own, because funding rules ask for it separately.

The arithmetic and the wording are pure; ``learner_time`` is the one database read.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, select

from course.extensions import db

# Offline kinds that happen under a tutor's or assessor's immediate guidance: they count as GLH.
GLH_KINDS: tuple[str, ...] = ("guided_session", "assessment")

# One plain sentence shown wherever time is shown (README: Time).
TIME_EXPLAINED = ("Online study counts toward total qualification time (TQT); guided learning hours (GLH) "
                  "are time with a tutor or assessor, such as a guided session or an observed assessment.")


@dataclass(frozen=True)
class TimeByKind:
    """A learner's time on a course or unit, kept apart by kind."""

    self_study_seconds: int = 0  # online, timed by the player
    guided_minutes: int = 0  # guided sessions a tutor logged
    assessment_minutes: int = 0  # supervised assessments and observations a tutor logged
    off_the_job_minutes: int = 0  # apprentices' off-the-job training a tutor logged

    @property
    def self_study_minutes(self) -> float:
        return self.self_study_seconds / 60

    @property
    def glh_minutes(self) -> int:
        """Minutes that count toward GLH: time with a tutor or assessor."""
        return self.guided_minutes + self.assessment_minutes

    @property
    def tqt_minutes(self) -> float:
        """Minutes that count toward TQT: every kind together."""
        return self.self_study_minutes + self.guided_minutes + self.assessment_minutes + self.off_the_job_minutes

    def __add__(self, other: TimeByKind) -> TimeByKind:
        return TimeByKind(self.self_study_seconds + other.self_study_seconds,
                          self.guided_minutes + other.guided_minutes,
                          self.assessment_minutes + other.assessment_minutes,
                          self.off_the_job_minutes + other.off_the_job_minutes)


def time_by_kind(self_study_seconds: int, offline: Iterable[tuple[str, int]]) -> TimeByKind:
    """Online seconds and ``(kind, minutes)`` offline records, totalled by kind."""
    minutes = dict.fromkeys(("guided_session", "assessment", "off_the_job"), 0)
    for kind, m in offline:
        if kind not in minutes:
            raise ValueError(f"unknown kind of offline learning: {kind!r}")
        minutes[kind] += int(m or 0)
    return TimeByKind(int(self_study_seconds or 0), minutes["guided_session"], minutes["assessment"],
                      minutes["off_the_job"])


class _UnitFacts(Protocol):
    glh: int | None
    tqt: int | None
    credit: int | None


@dataclass(frozen=True)
class UnitFigures:
    """The hours a unit (or a course of units) expects: GLH, and TQT with where it came from.

    For a course, ``units`` counts its units and ``glh_units``/``tqt_units`` those that give the
    figure (a NOS has no GLH): the figures are the sums over those, so pages can say when a figure
    covers only some of the units.
    """

    glh: int | None
    tqt: int | None
    tqt_source: str | None  # "tqt" (given), "credit" (credit x 10), "mixed" (a course of both), None
    units: int = 1
    glh_units: int = 0
    tqt_units: int = 0

    @property
    def tqt_note(self) -> str:
        """How the TQT figure was found, in words."""
        return {"tqt": "as the unit gives it", "credit": "credit \u00d7 10 hours",
                "mixed": "given, or credit \u00d7 10 hours"}.get(self.tqt_source or "", "not known")


def unit_figures(framework: _UnitFacts) -> UnitFigures:
    """A unit's GLH and TQT: TQT as given, else credit x 10 hours, else not known."""
    glh = framework.glh or None
    if framework.tqt:
        return UnitFigures(glh, framework.tqt, "tqt", 1, int(bool(glh)), 1)
    if framework.credit:
        return UnitFigures(glh, framework.credit * 10, "credit", 1, int(bool(glh)), 1)
    return UnitFigures(glh, None, None, 1, int(bool(glh)), 0)


def course_figures(frameworks: Sequence[_UnitFacts]) -> UnitFigures:
    """A course's figures: sums over the units that give each one (None when none does)."""
    figures = [unit_figures(f) for f in frameworks]
    with_glh = [f.glh for f in figures if f.glh]
    with_tqt = [f for f in figures if f.tqt]
    sources = {f.tqt_source for f in with_tqt}
    source = None if not sources else (sources.pop() if len(sources) == 1 else "mixed")
    return UnitFigures(sum(with_glh) if with_glh else None, sum(f.tqt or 0 for f in with_tqt) if with_tqt else None,
                       source, len(figures), len(with_glh), len(with_tqt))


# ---------------------------------------------------------------- words


def duration(minutes: float) -> str:
    """Time in plain words: whole minutes under an hour, hours with one decimal from an hour; never seconds."""
    if minutes <= 0:
        return "0 minutes"
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        whole = int(minutes)
        return "1 minute" if whole == 1 else f"{whole} minutes"
    hours = round(minutes / 60, 1)
    return "1 hour" if hours == 1 else f"{hours:.1f} hours"


def against(minutes: float, target_hours: int | None) -> str:
    """``minutes`` against a target in hours, e.g. "1.5 hours of 27 hours"; the time alone without one."""
    if not target_hours:
        return duration(minutes)
    return f"{duration(minutes)} of {target_hours} hour{'s' if target_hours != 1 else ''}"


def percent_of(minutes: float, target_hours: int | None) -> int:
    """Share of the target reached, 0 to 100 (0 without a target)."""
    if not target_hours:
        return 0
    return min(100, int(minutes * 100 // (target_hours * 60)))


# ---------------------------------------------------------------- reading the records


@dataclass
class LearnerTime:
    """A learner's time on a course, for the course and for each of its units."""

    course: TimeByKind
    units: dict[str, TimeByKind] = field(default_factory=dict)
    # Offline minutes whose references name none of the course's units (counted for the course only).
    unassigned: TimeByKind = TimeByKind()


def unit_code_of(refs: Iterable[str], unit_codes: Iterable[str]) -> str | None:
    """The unit of the first ``FRAMEWORK/...`` reference that names one of ``unit_codes``."""
    codes = set(unit_codes)
    for ref in refs or []:
        code = str(ref).partition("/")[0]
        if code in codes:
            return code
    return None


def learner_time(course: Any, learner_id: int) -> LearnerTime:
    """The learner's time on the course by kind: online per module's unit, offline per its first reference.

    A module belongs to the unit of its first outcome reference, as in the reports.
    """
    from course.authoring.models import CourseFramework, Module
    from course.learning.models import OfflineLearning, TimeOnTask
    from course.models.frameworks import Framework

    codes = list(db.session.scalars(
        select(Framework.code).join(CourseFramework, CourseFramework.framework_id == Framework.id)
        .where(CourseFramework.course_id == course.id).order_by(CourseFramework.position)).all())
    online: dict[str | None, int] = {}
    for outcomes, seconds in db.session.execute(
        select(Module.outcomes, TimeOnTask.seconds).join(TimeOnTask, TimeOnTask.module_id == Module.id)
        .where(Module.course_id == course.id, TimeOnTask.user_id == learner_id)
    ).all():
        unit = unit_code_of(outcomes or [], codes)
        online[unit] = online.get(unit, 0) + int(seconds or 0)
    offline: dict[str | None, list[tuple[str, int]]] = {}
    for kind, outcomes, minutes in db.session.execute(
        select(OfflineLearning.kind, OfflineLearning.outcomes, OfflineLearning.minutes)
        .where(OfflineLearning.course_id == course.id, OfflineLearning.learner_id == learner_id)
    ).all():
        offline.setdefault(unit_code_of(outcomes or [], codes), []).append((kind, minutes))
    units = {code: time_by_kind(online.get(code, 0), offline.get(code, [])) for code in codes}
    unassigned = time_by_kind(online.get(None, 0), offline.get(None, []))
    total = unassigned
    for t in units.values():
        total = total + t
    return LearnerTime(total, units, unassigned)


def offline_minutes_by_kind(course_id: int, learner_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """``{learner_id: {kind: minutes}}`` of offline learning on the course (one GROUP BY query)."""
    from course.learning.models import OfflineLearning

    out: dict[int, dict[str, int]] = {}
    if not learner_ids:
        return out
    for learner_id, kind, minutes in db.session.execute(
        select(OfflineLearning.learner_id, OfflineLearning.kind, func.sum(OfflineLearning.minutes))
        .where(OfflineLearning.course_id == course_id, OfflineLearning.learner_id.in_(list(learner_ids)))
        .group_by(OfflineLearning.learner_id, OfflineLearning.kind)
    ).all():
        out.setdefault(learner_id, {})[kind] = int(minutes or 0)
    return out
