"""The learning area's step of ``carecourse init``: the demo learner starts enrolled."""
from __future__ import annotations

import click
from sqlalchemy import select

from course.extensions import db


def enrol_demo_learner(demo: bool) -> None:
    """With ``--demo``: enrol the demo learner on the shipped course (once), so ``make run`` has
    something to learn straight away."""
    if not demo:
        return
    from course.authoring.models import Course
    from course.learning.enrolment import enrol_learner, enrolment_of
    from course.models.users import Organisation, User
    from course.seeds import DEMO_ORGANISATION, DEMO_USERS
    from course.shipped import load_course_block

    email, name = next((e, n) for e, n, role, _ in DEMO_USERS if role == "learner")
    org = db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION))
    course = Course.by_slug(org.id, load_course_block()["slug"]) if org is not None else None
    learner = User.by_email(email)
    if course is None or learner is None:
        return
    if enrolment_of(learner, course) is not None:
        click.echo(f"Demo learner: already enrolled on {course.slug}")
        return
    try:
        enrol_learner(course, name=name, email=email, cohort="Demo cohort")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    click.echo(f"Demo learner: {email} enrolled on {course.slug}")
