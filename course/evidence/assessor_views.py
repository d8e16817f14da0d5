"""Staff pages of the evidence blueprint: learners' evidence, the assessor's queue and decision.

    GET       /evidence/learners                           tutor, assessor, iqa, admin: learners by course
    GET       /evidence/courses/<cid>/learners/<uid>       tutor, assessor, iqa, admin: a learner's evidence
    GET       /evidence/queue                              assessor, admin: evidence to assess (?course=)
    GET/POST  /evidence/<id>/assess                        assessor, admin: the decision form
    POST      /evidence/essays/<item_id>/use               assessor, admin: a marked essay becomes evidence
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from course.auth import roles_required
from course.authoring.models import Course
from course.evidence import decisions, essay_evidence, records
from course.evidence.models import WorkplaceEvidence
from course.evidence.status import STATES, learner_statuses
from course.evidence.views import bp, criteria_text, evidence_url, found_or_404, me
from course.extensions import db
from course.learning.models import Enrolment
from course.models.users import User

STAFF = ("tutor", "assessor", "iqa", "admin")


def org_courses() -> list[Course]:
    """The signed-in user's organisation's courses, by title."""
    if current_user.organisation_id is None:
        return []
    return list(db.session.scalars(
        select(Course).where(Course.organisation_id == current_user.organisation_id).order_by(Course.title)))


def org_course(course_id: int) -> Course:
    """A course of the user's organisation, else 404."""
    course = db.session.get(Course, course_id)
    if course is None or current_user.organisation_id is None or course.organisation_id != current_user.organisation_id:
        abort(404)
    return course


def course_filter(courses: list[Course]) -> Course | None:
    """The ``course`` query argument as one of ``courses`` (none given: None; unknown: 404)."""
    wanted = request.args.get("course", "")
    if not wanted:
        return None
    chosen = next((c for c in courses if str(c.id) == wanted), None)
    if chosen is None:
        abort(404)
    return chosen


@bp.get("/learners")
@roles_required(*STAFF)
def learners() -> Any:
    """Each course's learners with how much evidence they have and how much awaits the assessor."""
    courses = org_courses()
    chosen = course_filter(courses)
    shown = [chosen] if chosen else courses
    rows: dict[int, list[tuple[User, int, int]]] = {}
    for course in shown:
        counts = {learner_id: (total, waiting) for learner_id, total, waiting in db.session.execute(
            select(WorkplaceEvidence.learner_id, func.count(),
                   func.count(WorkplaceEvidence.id).filter(WorkplaceEvidence.assessed_at.is_(None)))
            .where(WorkplaceEvidence.course_id == course.id).group_by(WorkplaceEvidence.learner_id))}
        learners_ = db.session.scalars(
            select(User).join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.course_id == course.id).order_by(User.name)).all()
        rows[course.id] = [(u, *counts.get(u.id, (0, 0))) for u in learners_]
    return render_template("evidence/learners.html", courses=courses, shown=shown, chosen=chosen, rows=rows)


@bp.get("/courses/<int:course_id>/learners/<int:user_id>")
@roles_required(*STAFF)
def learner(course_id: int, user_id: int) -> Any:
    """One learner's evidence on a course, and their marked essays an assessor can offer as evidence."""
    course = org_course(course_id)
    user = db.session.get(User, user_id)
    if user is None or not records.is_enrolled(user, course):
        abort(404)
    return render_template(
        "evidence/learner.html", course=course, learner=user, evidence=records.learner_evidence(course, user.id),
        statuses=learner_statuses(course, user.id), states=STATES, texts=criteria_text(course),
        essays=essay_evidence.marked_essays(course, user.id),
        can_record=me().role in ("tutor", "assessor", "admin"), can_assess=me().role in decisions.ASSESSORS)


@bp.get("/queue")
@roles_required(*decisions.ASSESSORS)
def queue() -> Any:
    """Evidence awaiting a decision across the organisation, oldest first; ``?course=`` narrows it."""
    courses = org_courses()
    chosen = course_filter(courses)
    found = decisions.assessment_queue(current_user.organisation_id, chosen.id if chosen else None)
    return render_template("evidence/queue.html", courses=courses, chosen=chosen, queue=found)


def _choices(evidence: WorkplaceEvidence) -> dict[str, tuple[str, str]]:
    """The form's ``outcome-N`` / ``comment-N`` pairs by claimed criterion (N: its position)."""
    out = {}
    for index, ref in enumerate(evidence.claimed or []):
        out[ref] = (request.form.get(f"outcome-{index}", ""), request.form.get(f"comment-{index}", ""))
    # A criterion the evidence does not claim cannot be ticked: the service refuses it by name.
    for extra in request.form.getlist("criterion")[:20]:
        out.setdefault(extra, ("met", ""))
    return out


@bp.route("/<int:evidence_id>/assess", methods=["GET", "POST"])
@roles_required(*decisions.ASSESSORS)
def assess(evidence_id: int) -> Any:
    """Judge each claimed criterion met, referred or not yet, each with a comment."""
    evidence = found_or_404(records.visible_evidence, me(), evidence_id)
    if not decisions.can_assess(me(), evidence):
        abort(404)
    current = decisions.current_decisions(evidence)
    values = {ref: (current[ref].outcome, current[ref].comment) if ref in current else ("", "")
              for ref in evidence.claimed}
    errors: dict[str, str] = {}
    if records.needs_declaration(evidence):
        errors["declaration"] = "The learner has not yet declared this evidence their own work; it cannot be judged."
    if request.method == "POST":
        values = _choices(evidence)
        try:
            written = decisions.judge(evidence, me(), values)
            db.session.commit()
        except records.EvidenceInvalid as exc:
            db.session.rollback()
            errors = exc.errors
            evidence = db.session.get(WorkplaceEvidence, evidence_id)
            current = decisions.current_decisions(evidence)
        else:
            flash(f"{len(written)} decision{'s' if len(written) != 1 else ''} saved." if written
                  else "Nothing changed.", "success")
            return redirect(evidence_url(evidence.id))
    essay = essay_evidence.essay_of(evidence)
    return render_template(
        "evidence/assess.html", evidence=evidence, course=evidence.course, learner=evidence.learner,
        texts=criteria_text(evidence.course), current=current, values=values, errors=errors, essay=essay,
        outcome_labels=decisions.OUTCOME_LABELS,
    ), 422 if request.method == "POST" and errors else 200


@bp.post("/essays/<int:item_id>/use")
@roles_required(*decisions.ASSESSORS)
def use_essay(item_id: int) -> Any:
    """Offer a marked essay as a reflective account, then judge it like any evidence."""
    item = found_or_404(essay_evidence.essay_item, me(), item_id)
    course_id, learner_id = item.attempt.module.course_id, item.attempt.user_id
    try:
        evidence = found_or_404(essay_evidence.use_essay, item, request.form.get("part", ""), me())
        db.session.commit()
    except records.EvidenceInvalid as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("evidence.learner", course_id=course_id, user_id=learner_id))
    flash("The essay is now evidence: judge each criterion it claims.", "success")
    return redirect(url_for("evidence.assess", evidence_id=evidence.id))
