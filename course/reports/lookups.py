"""Lookups the reports share: a course of the organisation, a course by slug, an enrolled learner,
and ``ReportError`` when a report cannot be made as asked."""
from __future__ import annotations

from sqlalchemy import select

from course.authoring.models import Course
from course.extensions import db
from course.learning.models import Enrolment
from course.models.users import Organisation, User


class ReportError(Exception):
    """A report cannot be made as asked (unknown course, learner not enrolled...)."""


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
