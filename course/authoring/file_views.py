"""Course files (the authoring blueprint's uploads): the course's images and the upload form, one
image, and deleting one.

Listing, uploading and deleting are for tutors and admins of the course's organisation. An image
itself is served to any signed-in user of that organisation, or to a learner enrolled on the
course. Routes join ``course.authoring.views.bp``, which imports this module.
"""
from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course.auth import roles_required
from course.authoring import common, uploads
from course.authoring.forms import UploadForm
from course.authoring.models import Course
from course.authoring.views import AUTHORS, attach, bp, course_or_404
from course.core.headers import cacheable
from course.core.request_limits import max_body
from course.extensions import db
from question_bank.limits import FORM_ENVELOPE_BYTES


@bp.route("/<slug>/files/", methods=["GET", "POST"])
@max_body(lambda: uploads.max_upload_bytes() + FORM_ENVELOPE_BYTES)
@roles_required(*AUTHORS)
def files(slug: str) -> Any:
    """The course's images, and the upload form."""
    c = course_or_404(slug)
    form = UploadForm()
    form.form_errors = []
    if form.validate_on_submit():
        uploaded = form.file.data
        try:
            upload = uploads.add_upload(c, filename=uploaded.filename or "image", data=uploaded.read())
            db.session.commit()
        except common.AuthoringError as exc:
            db.session.rollback()
            attach(form, exc)
        else:
            flash(f"Uploaded {upload.filename}.", "success")
            return redirect(url_for("authoring.files", slug=c.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    status = 422 if form.form_errors else 200
    return render_template(
        "authoring/files.html", course=c, form=form, limit=uploads.max_upload_bytes()
    ), status


def _may_read_files(c: Course) -> bool:
    if current_user.organisation_id == c.organisation_id:
        return True
    try:  # enrolments belong to the learning area; without it only the organisation's users
        from course.learning.enrolment import is_enrolled  # type: ignore[import-not-found]
    except ImportError:
        return False
    return bool(is_enrolled(current_user, c))


@bp.get("/<slug>/files/<name>")
@roles_required()
@cacheable
def file(slug: str, name: str) -> Any:
    """An uploaded image, for signed-in users of the course's organisation (or enrolled learners)."""
    from course.authoring.models import Upload

    candidates = db.session.scalars(db.select(Course).where(Course.slug == slug)).all()
    for c in candidates:
        if not _may_read_files(c):
            continue
        upload = db.session.scalar(db.select(Upload).where(Upload.course_id == c.id, Upload.filename == name))
        if upload is not None:
            response = Response(upload.data, mimetype=upload.content_type)
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Content-Security-Policy"] = "default-src 'none'"
            response.headers["Cache-Control"] = "private, max-age=300"
            return response
    abort(404)


@bp.post("/<slug>/files/<name>/delete")
@roles_required(*AUTHORS)
def delete_file(slug: str, name: str) -> Any:
    """Delete an uploaded image."""
    c = course_or_404(slug)
    upload = uploads.get_upload(c, name)
    if upload is None:
        abort(404)
    uploads.delete_upload(upload)
    db.session.commit()
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("authoring.files", slug=c.slug))
