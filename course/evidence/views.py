"""Workplace evidence pages: the learner's own, a learner's for staff, files, and the assessor's.

    GET       /evidence/                                   learner: my evidence, per course
    GET/POST  /evidence/courses/<cid>/learners/<uid>/new   record evidence (learner: own; tutor, assessor, admin)
    GET       /evidence/<id>                               one piece (learner: own; staff of the organisation)
    GET/POST  /evidence/<id>/edit                          change it while undecided
    POST      /evidence/<id>/files                         add files
    POST      /evidence/<id>/declare                       the learner's declaration
    POST      /evidence/<id>/withdraw                      withdraw it while undecided
    GET       /evidence/files/<fid>                        download a file (attachment, nosniff)
    (course.evidence.assessor_views: the staff pages and the assessor's decision)

Anything outside the user's reach is a 404. Logic lives in records / decisions / essay_evidence.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course.auth import roles_required
from course.authoring.models import Course
from course.core.nav import nav_item
from course.core.request_limits import max_body
from course.evidence import decisions, essay_evidence, files, records
from course.evidence.models import EVIDENCE_KINDS, WorkplaceEvidence
from course.evidence.status import STATES, course_criteria, learner_statuses
from course.extensions import db
from course.learning.models import Enrolment
from course.models.users import User
from question_bank.limits import FORM_ENVELOPE_BYTES

bp = Blueprint("evidence", __name__, url_prefix="/evidence", template_folder="templates")
nav_item("My evidence", "evidence.mine", roles=("learner",), order=6)
nav_item("Evidence to assess", "evidence.queue", roles=("assessor", "admin"), order=46)

CHANGERS = ("learner", "tutor", "assessor", "admin")
VIEWERS = ("learner", "tutor", "assessor", "iqa", "admin")


def me() -> User:
    """The signed-in user as a model instance (not the proxy)."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def upload_limit() -> int:
    """The most bytes an evidence form may send: every file at its limit, plus the form."""
    return files.max_bytes() * files.max_files() + FORM_ENVELOPE_BYTES


def found_or_404(lookup: Any, *args: Any) -> Any:
    """``lookup(*args)``, or a 404 when the user may not see it."""
    try:
        return lookup(*args)
    except records.EvidenceDenied:
        abort(404)


def uploads() -> list[records.FileUpload]:
    """The files the form sent (empty file inputs left out)."""
    limit = files.max_bytes()
    out = []
    for storage in request.files.getlist("files"):
        if not storage or not storage.filename:
            continue
        # One byte over the limit is enough to refuse it; the rest is never read.
        out.append(records.FileUpload(storage.filename, storage.read(limit + 1)))
    return out


def criteria_groups(course: Course) -> list[dict[str, Any]]:
    """The course's criteria grouped by framework and outcome, for the pickers."""
    groups: list[dict[str, Any]] = []
    for c in records.ordered_criteria(course):
        if not groups or (groups[-1]["framework"], groups[-1]["outcome"]) != (c.framework, c.outcome):
            groups.append({"framework": c.framework, "outcome": c.outcome, "criteria": []})
        groups[-1]["criteria"].append(c)
    return groups


def criteria_text(course: Course) -> dict[str, str]:
    """Each criterion's words by reference."""
    return {c.ref: c.text for c in course_criteria(course)}


@bp.app_template_global("progress_label")
def _progress_label(evidence: WorkplaceEvidence, for_learner: bool) -> str:
    return records.progress_label(evidence, for_learner=for_learner)


def evidence_url(evidence_id: int) -> str:
    return url_for("evidence.detail", evidence_id=evidence_id)


# ---------------------------------------------------------------- the learner's list


@bp.get("/")
@roles_required("learner")
def mine() -> Any:
    """The learner's evidence on each course they are enrolled on, with each piece's progress and
    each claimed criterion's state (from course.evidence.status, as every page reads it)."""
    courses = db.session.scalars(
        select(Course).join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.user_id == current_user.id).order_by(Course.title)).all()
    sections = [{"course": c, "evidence": records.learner_evidence(c, current_user.id),
                 "statuses": learner_statuses(c, current_user.id)} for c in courses]
    return render_template("evidence/mine.html", sections=sections, states=STATES)


# ---------------------------------------------------------------- recording and changing


def _form_values(source: Any) -> dict[str, Any]:
    return {"kind": source.get("kind", ""), "occurred_on": source.get("occurred_on", ""),
            "title": source.get("title", ""), "description": source.get("description", ""),
            "claimed": source.getlist("claimed") if hasattr(source, "getlist") else source.get("claimed", [])}


def _render_form(template: str, status: int = 200, **context: Any) -> Any:
    course = context["course"]
    return render_template(template, kinds=EVIDENCE_KINDS, groups=criteria_groups(course),
                           declaration=records.DECLARATION, max_files=files.max_files(),
                           accepted=files.ACCEPTED_WORDS, **context), status


@bp.route("/courses/<int:course_id>/learners/<int:user_id>/new", methods=["GET", "POST"])
@max_body(upload_limit)
@roles_required(*CHANGERS)
def record(course_id: int, user_id: int) -> Any:
    """Record a piece of evidence for a learner (a learner only for themself)."""
    course = db.session.get(Course, course_id)
    learner = db.session.get(User, user_id)
    if course is None or learner is None:
        abort(404)
    found_or_404(records.check_recorder, me(), course, learner)
    values: dict[str, Any] = {"kind": "", "occurred_on": "", "title": "", "description": "", "claimed": []}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _form_values(request.form)
        declared = request.form.get("declaration") if me().role == "learner" else None
        try:
            evidence = records.record_evidence(course, learner, me(), uploads=uploads(), declaration=declared,
                                               **values)
            db.session.commit()
        except records.EvidenceInvalid as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            flash(f"Evidence \u201c{evidence.title}\u201d recorded.", "success")
            return redirect(evidence_url(evidence.id))
    return _render_form("evidence/record.html", 422 if errors else 200, course=course, learner=learner,
                        values=values, errors=errors, own=me().id == learner.id)


@bp.get("/<int:evidence_id>")
@roles_required(*VIEWERS)
def detail(evidence_id: int) -> Any:
    """One piece of evidence: what it says, its files, the essay it came from, each criterion's
    decision and state, and the decision history."""
    evidence = found_or_404(records.visible_evidence, me(), evidence_id)
    return _detail_page(evidence)


def _detail_page(evidence: WorkplaceEvidence, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    user = me()
    essay = essay_evidence.essay_of(evidence)
    decided = bool(evidence.decisions)
    return render_template(
        "evidence/detail.html", evidence=evidence, course=evidence.course, learner=evidence.learner,
        texts=criteria_text(evidence.course), current=decisions.current_decisions(evidence),
        statuses=learner_statuses(evidence.course, evidence.learner_id), essay=essay,
        history=sorted(evidence.decisions, key=lambda d: (d.decided_at, d.id)),
        own=user.role == "learner" and user.id == evidence.learner_id,
        can_change=records.can_change(user, evidence) and not decided,
        can_assess=decisions.can_assess(user, evidence),
        needs_declaration=records.needs_declaration(evidence),
        declaration=records.DECLARATION, max_files=files.max_files(), accepted=files.ACCEPTED_WORDS,
        outcome_labels=decisions.OUTCOME_LABELS, errors=errors or {},
    ), status


@bp.route("/<int:evidence_id>/edit", methods=["GET", "POST"])
@roles_required(*CHANGERS)
def edit(evidence_id: int) -> Any:
    """Change the evidence's fields while no assessor has judged it."""
    evidence = found_or_404(records.visible_evidence, me(), evidence_id)
    if not records.can_change(me(), evidence):
        abort(404)
    values = {"kind": evidence.kind, "occurred_on": evidence.occurred_on.isoformat(), "title": evidence.title,
              "description": evidence.description, "claimed": list(evidence.claimed or [])}
    errors: dict[str, str] = {}
    if records.has_decision(evidence):
        errors = {"evidence": "An assessor has judged this evidence, so it can no longer be changed."}
    elif request.method == "POST":
        values = _form_values(request.form)
        try:
            records.update_evidence(evidence, me(), **values)
            db.session.commit()
        except records.EvidenceInvalid as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            flash("Changes saved." + (" Declare the evidence your own again." if records.needs_declaration(evidence)
                                      and me().id == evidence.learner_id else ""), "success")
            return redirect(evidence_url(evidence.id))
    return _render_form("evidence/edit.html", 422 if errors else 200, course=evidence.course, evidence=evidence,
                        learner=evidence.learner, values=values, errors=errors)


def _action(evidence_id: int, operation: Any, success: str) -> Any:
    evidence = found_or_404(records.visible_evidence, me(), evidence_id)
    try:
        found_or_404(operation, evidence)
        db.session.commit()
    except records.EvidenceInvalid as exc:
        db.session.rollback()
        return _detail_page(db.session.get(WorkplaceEvidence, evidence_id), exc.errors, 422)
    flash(success, "success")
    return redirect(evidence_url(evidence_id))


@bp.post("/<int:evidence_id>/files")
@max_body(upload_limit)
@roles_required(*CHANGERS)
def add_files(evidence_id: int) -> Any:
    """Attach files to the evidence (checked by content)."""
    sent = uploads()
    return _action(evidence_id, lambda e: records.add_files(e, me(), sent),
                   f"{len(sent)} file{'s' if len(sent) != 1 else ''} added.")


@bp.post("/<int:evidence_id>/declare")
@roles_required("learner")
def declare(evidence_id: int) -> Any:
    """The learner declares the evidence their own work."""
    return _action(evidence_id, lambda e: records.declare(e, me(), request.form.get("declaration")),
                   "Thank you: your declaration is recorded.")


@bp.post("/<int:evidence_id>/withdraw")
@roles_required(*CHANGERS)
def withdraw(evidence_id: int) -> Any:
    """Withdraw (delete) the evidence while no assessor has judged it."""
    evidence = found_or_404(records.visible_evidence, me(), evidence_id)
    course_id, learner_id, title = evidence.course_id, evidence.learner_id, evidence.title
    try:
        found_or_404(records.withdraw_evidence, evidence, me())
        db.session.commit()
    except records.EvidenceInvalid as exc:
        db.session.rollback()
        return _detail_page(db.session.get(WorkplaceEvidence, evidence_id), exc.errors, 422)
    flash(f"Evidence \u201c{title}\u201d withdrawn.", "success")
    if me().role == "learner":
        return redirect(url_for("evidence.mine"))
    return redirect(url_for("evidence.learner", course_id=course_id, user_id=learner_id))


@bp.get("/files/<int:file_id>")
@roles_required(*VIEWERS)
def download(file_id: int) -> Any:
    """A file, always as a download of the type its content was found to be, never sniffed again."""
    found = found_or_404(records.visible_file, me(), file_id)
    response = Response(found.data, mimetype=found.content_type)
    ascii_name = found.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.filename)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


from course.evidence import assessor_views  # noqa: E402,F401  (its routes join this blueprint)
