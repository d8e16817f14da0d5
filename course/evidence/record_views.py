"""The learner's unit record: one printable page per unit of a course.

    /record/courses/<course_id>/learners/<user_id>/units/<framework_id>

For the learner (their own record only), and for the tutors, assessors, internal quality
assurers and admins of the course's organisation. Anything else (another organisation's course,
a learner not enrolled, a unit not in the course, another learner's record for a learner) is a
404, so the page never tells whether such a record exists.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user

from course.auth import roles_required
from course.evidence import record
from course.learning.hours import TIME_EXPLAINED

bp = Blueprint("unit_record", __name__, url_prefix="/record", template_folder="templates")


@bp.get("/courses/<int:course_id>/learners/<int:user_id>/units/<int:framework_id>")
@roles_required("learner", "tutor", "assessor", "iqa", "admin")
def unit(course_id: int, user_id: int, framework_id: int) -> Any:
    """Every criterion of the unit with its state, evidence and decisions, and the hours logged."""
    if current_user.role == "learner" and current_user.id != user_id:
        abort(404)
    found = record.find(current_user.organisation_id, course_id, user_id, framework_id)
    if found is None:
        abort(404)
    data = record.unit_record(*found)
    return render_template("unit_record/unit.html", record=data, time_explained=TIME_EXPLAINED)
