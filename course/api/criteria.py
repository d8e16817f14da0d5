"""The API's record of evidence: each criterion's state for one learner on a course.

The states come from ``course.evidence.status`` (``CriterionStatus.as_dict``), the same function
the learner's pages and the tutor's criteria map read, so a script sees what people see.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from course.api.core import api_roles, api_user, fail, organisation_id
from course.api.docs import SLUG, USER_ID, errors
from course.api.resources import api_blueprint
from course.authoring import service as authoring
from course.evidence.display import learner_record, line_json
from course.evidence.status import STATES
from course.extensions import db
from course.learning.models import Enrolment
from course.models.users import User

# Staff of the course's organisation read any of its learners; a learner reads only their own.
READERS = ("tutor", "admin", "assessor", "iqa", "learner")
NOT_FOUND = "Your organisation has no such course, or the learner is not enrolled on it."

bp = api_blueprint("api_criteria", "/api/v1/courses",
                   "Each criterion's state for a learner on a course (the record of evidence).")


class ReviewOut(ma.Schema):
    outcome = fields.String(validate=validate.OneOf(["agreed", "action"]))
    by = fields.String()
    at = fields.String(allow_none=True)
    actions = fields.String()


class DecisionOut(ma.Schema):
    outcome = fields.String(validate=validate.OneOf(["met", "referred"]))
    assessor = fields.String()
    decided_at = fields.String()
    evidence_id = fields.Integer()
    evidence_title = fields.String()
    comment = fields.String()
    iqa = fields.Nested(ReviewOut, allow_none=True)


class CriterionStateOut(ma.Schema):
    ref = fields.String()
    framework = fields.String()
    outcome = fields.String()
    code = fields.String()
    text = fields.String()
    kind = fields.String(validate=validate.OneOf(["knowledge", "performance"]))
    workplace = fields.Boolean()
    quiz_can_meet = fields.Boolean(metadata={"description": "Whether a summative quiz can show it "
                                                            "(a knowledge criterion not kept for the workplace)."})
    state = fields.String(validate=validate.OneOf(list(STATES)))
    label = fields.String(metadata={"description": "The words pages show for the state."})
    achieved = fields.Boolean()
    reasons = fields.List(fields.String())
    decision = fields.Nested(DecisionOut, allow_none=True)
    quiz_attempts = fields.List(fields.Integer())
    pending_evidence = fields.List(fields.Integer())


class LearnerCriteriaOut(ma.Schema):
    course = fields.String()
    learner = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "How many criteria are in each state (every state, zero if none)."})
    criteria = fields.List(fields.Nested(CriterionStateOut))


def _learner(course_id: int, user_id: int) -> User:
    user = api_user()
    if user.role == "learner" and user.id != user_id:
        fail(404, NOT_FOUND)
    found = db.session.scalar(
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course_id, User.id == user_id))
    if found is None:
        fail(404, NOT_FOUND)
    return found


@bp.route("/<slug>/learners/<int:user_id>/criteria", parameters=[SLUG, USER_ID])
class LearnerCriteria(MethodView):
    @api_roles(*READERS)
    @bp.response(200, LearnerCriteriaOut)
    @errors(bp, (403, "The account's role may not read learners' criteria."), (404, NOT_FOUND))
    def get(self, slug: str, user_id: int) -> Any:
        """Every criterion of the course with the learner's state, its reasons and the decision behind it.

        States: ``not_started``, ``knowledge_shown`` (a summative quiz's rule met, knowledge criteria
        only), ``evidence_submitted``, ``referred``, ``met`` (an assessor's decision on workplace
        evidence), ``iqa_returned`` and ``iqa_confirmed``. A learner may read only their own."""
        course = authoring.get_course(organisation_id(), slug)
        if course is None:
            fail(404, NOT_FOUND)
        learner = _learner(course.id, user_id)
        record = learner_record(course, learner.id)
        return {"course": course.slug, "learner": learner.id, "counts": record.counts,
                "criteria": [line_json(line) for line in record.lines]}
