"""Where the learner left off: the module last opened (its latest heartbeat) and the place in it.

The dashboard's "Continue where you left off" link names them; the player itself reopens at the
saved place, so the link only has to open the module."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from course.authoring.models import Course, Module
from course.extensions import db
from course.learning.models import Attempt, Enrolment, ModuleProgress, TimeOnTask
from course.models.users import User

# The player's location (scorm_export/player/player.js `where`): module index, view, page or question.
LOCATION = re.compile(r"^-?\d+:([a-z])(\d*)$")


@dataclass
class ResumePoint:
    """The module last opened and where in it, in words ("Page 3 of 7: Hand hygiene"); before any,
    the first module of the first course (``started`` False)."""

    course: Course
    module: Module
    place: str
    started: bool = True


def place_in(module: Module, location: str | None) -> str:
    """The player's location in words; the first page when nothing was saved."""
    match = LOCATION.match(location or "")
    view, number = (match.group(1), match.group(2)) if match else ("p", "0")
    pages = module.pages
    if view == "p" and pages:
        k = min(int(number or 0), len(pages) - 1)
        return f"Page {k + 1} of {len(pages)}: {pages[k].title}"
    if view == "q":
        return f"Quiz, question {int(number or 0) + 1}"
    return "Quiz" if module.quiz is not None else "Start"


def resume_point(user: User) -> ResumePoint | None:
    """The learner's most recently opened module on a course they are still enrolled on, or None."""
    row = db.session.execute(
        select(TimeOnTask.module_id)
        .join(Module, Module.id == TimeOnTask.module_id)
        .join(Enrolment, (Enrolment.course_id == Module.course_id) & (Enrolment.user_id == user.id))
        .where(TimeOnTask.user_id == user.id, TimeOnTask.last_heartbeat_at.is_not(None))
        .order_by(TimeOnTask.last_heartbeat_at.desc(), TimeOnTask.id.desc()).limit(1)
    ).first()
    if row is None:
        first = db.session.scalars(
            select(Module).join(Enrolment, (Enrolment.course_id == Module.course_id) & (Enrolment.user_id == user.id))
            .order_by(Enrolment.enrolled_at, Enrolment.id, Module.position, Module.id).limit(1)).first()
        return None if first is None else ResumePoint(course=first.course, module=first, place="Start", started=False)
    module = db.session.get(Module, row.module_id)
    attempt = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.module_id == module.id)
        .order_by(Attempt.number.desc()).limit(1)).first()
    progress = db.session.scalars(
        select(ModuleProgress).where(ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id)).first()
    location = (attempt.location if attempt is not None else None) or (progress.location if progress else None)
    return ResumePoint(course=module.course, module=module, place=place_in(module, location))
