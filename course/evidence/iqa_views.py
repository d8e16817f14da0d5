"""Internal quality assurance pages, for the IQA and admins of the course's organisation.

    /iqa/                                               courses, with links by role
    /iqa/courses/<slug>/                                sampling plan and the sample (iqa, admin)
    /iqa/courses/<slug>/plan                 POST       save the plan (iqa, admin)
    /iqa/courses/<slug>/decisions/<id>                  one decision: evidence, criterion, reviews (iqa, admin)
    /iqa/courses/<slug>/decisions/<id>/reviews  POST    agree or send back (iqa, admin)
    /iqa/courses/<slug>/mappings                        question mappings sign-off (iqa, admin; tutor reads)
    /iqa/courses/<slug>/mappings/questions      POST    sign one question (iqa, admin)
    /iqa/courses/<slug>/mappings/modules/<m>    POST    sign a module's unsigned questions (iqa, admin)
    /iqa/courses/<slug>/audit[.csv]                     the audit trail (iqa, admin, tutor, assessor)

Another organisation's course or decision is a 404. The logic is in course.evidence.sampling,
.signoff and .iqa; these views parse the request, call them, commit and render.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course.auth import roles_required
from course.authoring.models import Course, Module
from course.authoring.views import course_or_404
from course.core.nav import nav_item
from course.evidence import iqa, sampling, signoff
from course.evidence.models import EVIDENCE_KINDS, SAMPLING_STRATEGIES, EvidenceFile, IqaReview
from course.evidence.status import course_criteria
from course.extensions import db
from course.models.base import utcnow
from course.models.users import User
from course.reports.export import to_csv

bp = Blueprint("iqa", __name__, url_prefix="/iqa", template_folder="templates")
nav_item("Quality assurance", "iqa.index", roles=("iqa", "admin"), order=55)

IQA = ("iqa", "admin")
READERS = ("iqa", "admin", "tutor", "assessor")  # the audit trail is read-only for tutors and assessors
MAX_FORM_VALUES = 500  # a filter list longer than this is refused rather than read


def _list(name: str) -> list[str]:
    values = request.form.getlist(name)
    if len(values) > MAX_FORM_VALUES:
        raise sampling.IqaError(f"{name}: at most {MAX_FORM_VALUES} choices.", name)
    return values


def _decision_or_404(course: Course, decision_id: int) -> Any:
    decision = iqa.course_decision(course, decision_id)
    if decision is None:
        abort(404)
    return decision


@bp.get("/")
@roles_required(*READERS)
def index() -> Any:
    """The organisation's courses, each with the quality-assurance pages the user may open."""
    courses = db.session.scalars(
        select(Course).where(Course.organisation_id == current_user.organisation_id).order_by(Course.title)
    ).all() if current_user.organisation_id else []
    return render_template("iqa/index.html", courses=courses, is_iqa=current_user.role in IQA)


def _home(course: Course, *, errors: list[str] | None = None, form: dict[str, Any] | None = None,
          status: int = 200) -> Any:
    plan = sampling.plan_for(course)
    found = sampling.sample(course, utcnow().date(), plan)
    criteria = {c.ref: c.text for c in course_criteria(course)}
    return render_template(
        "iqa/course.html", course=course, plan=plan, sample=found, choices=sampling.plan_choices(course),
        strategies=SAMPLING_STRATEGIES, kinds=EVIDENCE_KINDS, criteria=criteria, errors=errors or [],
        form=form or sampling.plan_dict(plan), learners=_names({s.decision.learner_id for s in found.items}),
        assessors=_names({s.decision.assessor_id for s in found.items if s.decision.assessor_id}),
        review_labels=iqa.REVIEW_LABELS,
    ), status


def _names(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids | {0}))).all())


@bp.get("/courses/<slug>/")
@roles_required(*IQA)
def course(slug: str) -> Any:
    """The course's sampling plan and the decisions it selects, with their review status."""
    return _home(course_or_404(slug))


@bp.post("/courses/<slug>/plan")
@roles_required(*IQA)
def save_plan(slug: str) -> Any:
    """Save the sampling plan (422 and nothing saved when a field is wrong)."""
    c = course_or_404(slug)
    form = {"strategy": request.form.get("strategy", ""), "percentage": request.form.get("percentage", "")[:10]}
    try:
        lists = {name: _list(name) for name in ("learner_ids", "assessor_ids", "criteria", "evidence_kinds",
                                                 "new_assessor_ids")}
        form.update(lists)
        _, changed = sampling.save_plan(c, current_user, strategy=form["strategy"], percentage=form["percentage"],
                                        **lists)
        db.session.commit()
    except sampling.IqaError as exc:
        db.session.rollback()
        return _home(c, errors=[exc.message], form=form, status=422)
    flash("Sampling plan saved." if changed else "Nothing changed in the sampling plan.", "success")
    return redirect(url_for("iqa.course", slug=c.slug))


def _decision_page(course: Course, decision: Any, *, errors: list[str] | None = None,
                   form: dict[str, str] | None = None, status: int = 200) -> Any:
    criteria = {c.ref: c for c in course_criteria(course)}
    reviews = db.session.scalars(select(IqaReview).where(IqaReview.decision_id == decision.id)
                                 .order_by(IqaReview.id.desc())).all()
    people = _names({decision.learner_id, decision.assessor_id or 0} | {r.iqa_id for r in reviews if r.iqa_id})
    # The files' names, types and sizes only: their bytes stay in the database.
    files = db.session.execute(select(EvidenceFile.filename, EvidenceFile.content_type, EvidenceFile.size)
                               .where(EvidenceFile.evidence_id == decision.evidence_id)
                               .order_by(EvidenceFile.id)).all()
    return render_template(
        "iqa/decision.html", course=course, decision=decision, evidence=decision.evidence, files=files,
        criterion=criteria.get(decision.criterion_ref), reviews=reviews, people=people, errors=errors or [],
        form=form or {}, review_labels=iqa.REVIEW_LABELS, own=decision.assessor_id == current_user.id,
    ), status


@bp.get("/courses/<slug>/decisions/<int:decision_id>")
@roles_required(*IQA)
def decision(slug: str, decision_id: int) -> Any:
    """One decision to review: the evidence, the criterion, the assessor's comment, earlier reviews."""
    c = course_or_404(slug)
    return _decision_page(c, _decision_or_404(c, decision_id))


@bp.post("/courses/<slug>/decisions/<int:decision_id>/reviews")
@roles_required(*IQA)
def review(slug: str, decision_id: int) -> Any:
    """Agree with the decision or send it back with actions: a new review row, never an edit."""
    c = course_or_404(slug)
    d = _decision_or_404(c, decision_id)
    form = {k: request.form.get(k, "")[: iqa.COMMENT_CHARS + 1] for k in ("outcome", "comment", "actions")}
    try:
        made = iqa.review_decision(c, d, current_user, outcome=form["outcome"], comment=form["comment"],
                                   actions=form["actions"])
        db.session.commit()
    except sampling.IqaError as exc:
        db.session.rollback()
        return _decision_page(c, d, errors=[exc.message], form=form, status=422)
    what = "agreed with" if made.outcome == "agreed" else "sent back"
    flash(f"You {what} the decision on {d.criterion_ref}.", "success")
    return redirect(url_for("iqa.course", slug=c.slug))


@bp.get("/courses/<slug>/mappings")
@roles_required("iqa", "admin", "tutor")
def mappings(slug: str) -> Any:
    """Every quiz's questions with their criteria and sign-off state; sign buttons for the IQA."""
    c = course_or_404(slug)
    criteria = {cc.ref: cc for cc in course_criteria(c)}
    modules = signoff.course_mappings(c)
    people = _names({q.signoff.signed_by_id for mm in modules for q in mm.questions
                     if q.signoff is not None and q.signoff.signed_by_id})
    return render_template("iqa/mappings.html", course=c, modules=modules, criteria=criteria, people=people,
                           can_sign=current_user.role in IQA)


@bp.post("/courses/<slug>/mappings/questions")
@roles_required(*IQA)
def sign_question(slug: str) -> Any:
    """Sign off one question's criteria (the form's ``question_id``)."""
    c = course_or_404(slug)
    question_id = request.form.get("question_id", "").strip()[:200]
    try:
        signed = signoff.sign_question(c, question_id, current_user, request.form.get("comment", "")[:2001])
        db.session.commit()
    except signoff.SignoffError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("iqa.mappings", slug=c.slug))
    flash(f"Signed off {', '.join(q.describe() for q in signed)}.", "success")
    return redirect(url_for("iqa.mappings", slug=c.slug))


@bp.post("/courses/<slug>/mappings/modules/<module_slug>")
@roles_required(*IQA)
def sign_module(slug: str, module_slug: str) -> Any:
    """Sign off every unsigned question of one module's quiz."""
    c = course_or_404(slug)
    module = db.session.scalar(select(Module).where(Module.course_id == c.id, Module.slug == module_slug))
    if module is None:
        abort(404)
    try:
        signed = signoff.sign_module(c, module, current_user, request.form.get("comment", "")[:2001])
        db.session.commit()
    except signoff.SignoffError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("iqa.mappings", slug=c.slug))
    n = len(signed)
    flash(f"Signed off {n} question{'' if n == 1 else 's'} of {module.title}." if n
          else f"Every question of {module.title} was already signed off.", "success")
    return redirect(url_for("iqa.mappings", slug=c.slug))


def _audit_filters(course: Course) -> tuple[int | None, str | None, dict[int, str]]:
    """The learner and action filters from the query string (unknown values: 400)."""
    learners = iqa.audit_learners(course)
    learner_arg = request.args.get("learner", "")
    action = request.args.get("action", "") or None
    learner_id = None
    if learner_arg:
        if not learner_arg.isdigit() or int(learner_arg) not in learners:
            abort(400, description="learner: not a learner in this course's audit trail.")
        learner_id = int(learner_arg)
    if action is not None and action not in iqa.AUDIT_ACTIONS:
        abort(400, description="action: not one of the audit trail's actions.")
    return learner_id, action, learners


@bp.get("/courses/<slug>/audit")
@roles_required(*READERS)
def audit(slug: str) -> Any:
    """The audit trail of the course: who did what, when, with the values before and after."""
    c = course_or_404(slug)
    learner_id, action, learners = _audit_filters(c)
    rows = iqa.audit_rows(c, learner_id=learner_id, action=action)
    return render_template("iqa/audit.html", course=c, rows=rows, learners=learners, actions=iqa.AUDIT_ACTIONS,
                           learner_id=learner_id, action=action, limit=iqa.MAX_AUDIT_ROWS,
                           is_iqa=current_user.role in IQA)


@bp.get("/courses/<slug>/audit.csv")
@roles_required(*READERS)
def audit_csv(slug: str) -> Response:
    """The audit trail (with the page's filters) as CSV."""
    c = course_or_404(slug)
    learner_id, action, _ = _audit_filters(c)
    table = iqa.audit_table(c, iqa.audit_rows(c, learner_id=learner_id, action=action))
    response = Response(to_csv(table), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-{c.slug}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
