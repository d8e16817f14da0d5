"""The course-document import as a job: the course pages' upload and ``carecourse import-course``
both submit it; the job page and ``--wait`` list every problem with its JSON path."""
from __future__ import annotations

from typing import Any

from course.extensions import db
from course.jobs.registry import JobContext, JobFailed, job_kind, problem

IMPORT_COURSE = "import-course"


@job_kind(IMPORT_COURSE, label="Course import", template="authoring/job_result.html")
def import_course(job: JobContext) -> dict[str, Any]:
    """Check a course document completely, then create the course (all or nothing).

    Params: filename. The document's frameworks missing from the database are created, and its
    question versions missing from the organisation's bank are added."""
    from course.authoring.document import DocumentError, check_document, create_course
    from course.models.users import Organisation, User

    filename = job.params.get("filename", "")
    organisation = db.session.get(Organisation, job.organisation_id) if job.organisation_id else None
    if organisation is None:
        raise JobFailed([problem(None, "the organisation to import into no longer exists")],
                        {"filename": filename})
    user = db.session.get(User, job.owner_id) if job.owner_id else None
    job.progress(1, 2, f"checking {filename}")
    try:
        doc = check_document(job.payload or b"", organisation=organisation)
        job.progress(2, 2, f"creating the course and its {len(doc['modules'])} module(s)")
        course = create_course(doc, organisation=organisation, user=user)
    except DocumentError as exc:
        raise JobFailed([problem(path or "(document)", message) for path, message in exc.problems],
                        {"filename": filename}) from None
    return {"filename": filename, "slug": course.slug, "title": course.title, "modules": len(course.modules),
            "organisation": organisation.name}
