"""The tutor's SCORM page: choose the package, see the check's findings, download it.

Both steps are GETs: building and checking a package changes nothing on the server.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from course.auth import roles_required
from course.authoring.views import course_or_404
from course.publishing.service import PackageOptions, build_checked_package

bp = Blueprint("publishing", __name__, url_prefix="/courses", template_folder="templates")

AUTHORS = ("tutor", "admin")


def _options() -> tuple[PackageOptions | None, str | None]:
    """Options from the query string, or the message saying what is wrong with them."""
    try:
        return PackageOptions(
            standard=request.args.get("standard", "1.2"),
            multi_sco=request.args.get("multi_sco") == "1",
            sequencing=request.args.get("sequencing") == "1",
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
