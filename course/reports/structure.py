"""A course's structure for the reports: its modules (with quizzes) in order, and its units.

A unit is a framework of the course, with its GLH, credit and TQT as given; each module belongs to
the unit (framework) of its first outcome reference.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course.authoring.models import Course, CourseFramework, Module
from course.extensions import db
from course.learning.hours import UnitFigures, course_figures, unit_figures
from course.models.frameworks import Framework


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
