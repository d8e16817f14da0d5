"""A course as a whole (the authoring blueprint's document pages): the coverage matrix (on screen
and for printing), downloading the course document, and importing one as a new course.

For tutors and admins of the course's organisation; importing needs an account that belongs to an
organisation. Routes join ``course.authoring.views.bp``, which imports this module.
"""
from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user

from course.auth import roles_required
from course.authoring.coverage import add_testwise, course_coverage
from course.authoring.document import DocumentError, export_course
from course.authoring.forms import ImportForm
from course.authoring.quality import course_quality
from course.authoring.views import AUTHORS, bp, course_or_404
from course.core.request_limits import max_body, read_upload
from question_bank.limits import COURSE_DOCUMENT_BYTES, FORM_ENVELOPE_BYTES, TooLarge


# --------------------------------------------------------------------------- coverage


@bp.get("/<slug>/coverage")
@roles_required(*AUTHORS)
def coverage(slug: str) -> Any:
    """The coverage matrix: criteria by outcome against summative quizzes, their pools, formative practice."""
    c = course_or_404(slug)
    coverage = add_testwise(course_coverage(c), course_quality(c))
    return render_template("authoring/coverage.html", course=c, coverage=coverage, printing=False)


@bp.get("/<slug>/coverage/print")
@roles_required(*AUTHORS)
def coverage_print(slug: str) -> Any:
    """The coverage matrix laid out for printing (for an awarding body)."""
    c = course_or_404(slug)
    coverage = add_testwise(course_coverage(c), course_quality(c))
    return render_template("authoring/coverage.html", course=c, coverage=coverage, printing=True)


# --------------------------------------------------------------------------- course document


@bp.get("/<slug>/export")
@roles_required(*AUTHORS)
def export(slug: str) -> Any:
    """Download the course document (canonical JSON)."""
    from scorm_export.document import dump_document

    c = course_or_404(slug)
    try:
        data = dump_document(export_course(c))
    except DocumentError as exc:
        return render_template(
            "authoring/problems.html", course=c, problems=exc.problems,
            heading="This course cannot be exported yet",
        ), 422
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{c.slug}.course.json"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@max_body(COURSE_DOCUMENT_BYTES + FORM_ENVELOPE_BYTES)
@roles_required(*AUTHORS)
def import_document() -> Any:
    """Upload a course document: a job checks it and creates the course (every problem listed
    with its JSON path, nothing created), and the job's page follows it."""
    from course.authoring.jobs import IMPORT_COURSE
    from course.jobs.service import submit

    form = ImportForm()
    form.form_errors = []
    if form.validate_on_submit():
        if current_user.organisation_id is None:
            form.form_errors.append("Your account belongs to no organisation, so it cannot own courses.")
        else:
            try:
                data = read_upload(form.file.data, COURSE_DOCUMENT_BYTES)
            except TooLarge as exc:
                form.form_errors.append(f"The course document is {exc}; nothing was imported.")
            else:
                name = (form.file.data.filename or "course.json")[-200:]
                job = submit(IMPORT_COURSE, params={"filename": name}, payload=data,
                             organisation_id=current_user.organisation_id, owner_id=current_user.id)
                return redirect(url_for("jobs.show", job_id=job.id), 303)
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    status = 422 if form.form_errors else 200
    return render_template("authoring/import.html", form=form), status
