"""The SCORM export as a job: the SCORM page's form and ``carecourse export-scorm`` submit it; the
job page shows its four steps, then the check's findings and a download of the package, which is
kept with the job (``Job.output``)."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import update

from course.extensions import db
from course.jobs.models import Job
from course.jobs.registry import JobContext, JobFailed, job_kind, problem

EXPORT_SCORM = "export-scorm"
# The largest package a job keeps in the database. The shipped course's is about 1 MB and a
# 40-module course's a few MB; a course near this carries large images, which an LMS would serve
# slowly anyway. Config SCORM_PACKAGE_MAX_BYTES changes it.
MAX_PACKAGE_BYTES = 64 * 1024 * 1024


def export_params(course: Any, options: Any) -> dict[str, Any]:
    """The params of an export job for ``course`` with ``PackageOptions`` ``options``."""
    return {"course_id": course.id, "slug": course.slug, "title": course.title,
            "standard": options.standard, "multi_sco": options.multi_sco,
            "sequencing": options.sequencing, "filename": options.filename(course.slug)}


def _where(found: Any) -> str:
    if found.module:
        return f"module {found.module}" + (f", page {found.page}" if found.page else "") + f" ({found.where})"
    return found.where


def _listed(found: list[Any]) -> list[dict[str, str]]:
    return [{"where": p.where, "place": _where(p), "message": p.message, "severity": p.severity} for p in found]


@job_kind(EXPORT_SCORM, label="SCORM package", template="publishing/job_result.html")
def export_scorm(job: JobContext) -> dict[str, Any]:
    """Build and check the course's package; keep it with the job unless the check finds errors.

    Params: course_id, standard, multi_sco, sequencing, filename (see ``export_params``).
    """
    from course.authoring.models import Course
    from course.publishing.service import PackageOptions, build_checked_package

    params = job.params
    course = db.session.get(Course, params.get("course_id"))
    if course is None or course.organisation_id != job.organisation_id:
        raise JobFailed([problem(params.get("slug"), "the course no longer exists")])
    try:
        options = PackageOptions(standard=params.get("standard", "1.2"), multi_sco=bool(params.get("multi_sco")),
                                 sequencing=bool(params.get("sequencing")))
    except ValueError as exc:
        raise JobFailed([problem("options", str(exc))]) from None
    package = build_checked_package(course, options, progress=job.progress)
    limit = current_app.config.get("SCORM_PACKAGE_MAX_BYTES", MAX_PACKAGE_BYTES)
    result = {"filename": options.filename(course.slug), "content_type": "application/zip",
              "course": course.title, "slug": course.slug,
              "standard": options.standard, "multi_sco": options.multi_sco, "sequencing": options.sequencing,
              "bytes": len(package.data), "warnings": _listed(package.warnings),
              # every finding in the check's order, as the command line prints them
              "problems": _listed(package.problems + package.quality)}
    if package.errors:
        raise JobFailed([problem(_where(p), p.message) for p in package.errors], result)
    if len(package.data) > limit:
        raise JobFailed([problem(result["filename"], (
            f"the package is {len(package.data):,} bytes, more than the {limit:,} bytes an export may "
            "keep: make the course's images smaller, or split the course"))], result)
    # Stored with the job's "done" in one commit (the runner's): a failed job keeps no package.
    db.session.execute(update(Job).where(Job.id == job.id).values(output=package.data))
    return result
