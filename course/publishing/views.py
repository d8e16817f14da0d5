"""The tutor's SCORM page: choose the package, see the check's findings, export it.

Checking is a GET (it changes nothing). Exporting is a POST that starts a job (building,
checking, zipping and validating a large course takes seconds): its page follows the steps and
then offers the package, kept with the job. ``/scorm/download`` still builds the zip in the
request, for scripts that fetched it directly.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from course.auth import roles_required
from course.authoring.views import course_or_404
from course.publishing.service import PackageOptions, build_checked_package

bp = Blueprint("publishing", __name__, url_prefix="/courses", template_folder="templates")

AUTHORS = ("tutor", "admin")


def _options(values: Any = None) -> tuple[PackageOptions | None, str | None]:
    """Options from the query string (or ``values``, a form), or the message saying what is
    wrong with them."""
    values = request.args if values is None else values
    try:
        return PackageOptions(
            standard=values.get("standard", "1.2"),
            multi_sco=values.get("multi_sco") == "1",
            sequencing=values.get("sequencing") == "1",
        ), None
    except ValueError as exc:
        return None, str(exc)


@bp.get("/<slug>/scorm")
@roles_required(*AUTHORS)
def scorm(slug: str) -> str:
    """Choose the package; with ``check=1``, build it and list every problem found."""
    course = course_or_404(slug)
    options, error = _options()
    package = None
    if options is not None and request.args.get("check") == "1":
        package = build_checked_package(course, options)
    return render_template("publishing/scorm.html", course=course, options=options or PackageOptions(),
                           option_error=error, package=package)


@bp.get("/<slug>/scorm/download")
@roles_required(*AUTHORS)
def download(slug: str) -> Response | tuple[str, int]:
    """The package zip, built and checked again; refused (422) while the check finds errors."""
    course = course_or_404(slug)
    options, error = _options()
    if options is None:
        abort(400, description=error)
    package = build_checked_package(course, options)
    if package.errors:
        return render_template("publishing/scorm.html", course=course, options=options,
                               option_error=None, package=package), 422
    return Response(
        package.data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{options.filename(course.slug)}"'},
    )


@bp.post("/<slug>/scorm/export")
@roles_required(*AUTHORS)
def export(slug: str) -> Any:
    """Start the export job (build, check, zip, validate) and go to its page; bad options are
    named on the SCORM page (400) and start nothing."""
    from course.jobs.service import submit
    from course.publishing.jobs import EXPORT_SCORM, export_params

    course = course_or_404(slug)
    options, error = _options(request.form)
    if options is None:
        return render_template("publishing/scorm.html", course=course, options=PackageOptions(),
                               option_error=error, package=None), 400
    job = submit(EXPORT_SCORM, params=export_params(course, options), payload=None,
                 organisation_id=course.organisation_id, owner_id=current_user.id)
    return redirect(url_for("jobs.show", job_id=job.id), 303)
