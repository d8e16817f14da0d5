"""``course_statuses`` reading decisions across several pieces of evidence for one criterion."""
from __future__ import annotations

import datetime as dt

from flask import Flask

from course.authoring.models import Course
from course.evidence.status import learner_statuses
from course.extensions import db
from tests.evidence.states_fixtures import (  # noqa: F401  (the fixture)
    P1,
    T0,
    EvidenceCourse,
    decision,
    evidence,
    evidence_course,
)

DAY = dt.timedelta(days=1)


def _p1(ec: EvidenceCourse) -> tuple[str, str]:
    status = learner_statuses(db.session.get(Course, ec.course_id), ec.learner_id)[P1]
    return status.label, status.decision.evidence_title if status.decision else ""


def test_a_later_referral_on_other_evidence_does_not_undo_met(app: Flask, evidence_course: EvidenceCourse) -> None:
    ec = evidence_course
    with app.app_context():
        strong = evidence(ec, [P1], "Observed at lunch", T0)
        decision(ec, strong, P1, "met", T0 + DAY)
        weak = evidence(ec, [P1], "A short note", T0 + 2 * DAY)
        decision(ec, weak, P1, "referred", T0 + 3 * DAY, comment="Too brief.")
        assert _p1(ec) == ("Met", "Observed at lunch")


def test_met_on_newer_evidence_after_a_referral_is_met(app: Flask, evidence_course: EvidenceCourse) -> None:
    ec = evidence_course
    with app.app_context():
        weak = evidence(ec, [P1], "A short note", T0)
        decision(ec, weak, P1, "referred", T0 + DAY, comment="Too brief.")
        assert _p1(ec) == ("Referred", "A short note")
        strong = evidence(ec, [P1], "Observed at lunch", T0 + 2 * DAY)
        assert _p1(ec) == ("Evidence submitted", "A short note")
        decision(ec, strong, P1, "met", T0 + 3 * DAY)
        assert _p1(ec) == ("Met", "Observed at lunch")
