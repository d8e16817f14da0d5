"""The unit-document import as a job (``carecourse import-unit``): the unit's text is read as
a framework and stored, or every problem is reported with its file and line."""
from __future__ import annotations

from typing import Any

from course.jobs.registry import JobContext, JobFailed, job_kind, problem

IMPORT_UNIT = "import-unit"


@job_kind(IMPORT_UNIT, label="Unit import", template="frameworks/job_result.html")
def import_unit(job: JobContext) -> dict[str, Any]:
    """Parse a NOS, QCF or RQF unit document (plain text or Markdown) and store it as a framework.

    Params: filename (stored as the framework's source), source (the name messages give),
    code (used when the document gives no URN)."""
    from course.frameworks.service import FrameworkError, store_framework
    from course.units import UnitError, parse_unit
    from course.units.parser import decode_unit_bytes

    filename = job.params.get("filename", "")
    source = job.params.get("source") or filename
    job.progress(1, 2, f"reading {filename}")
    try:
        data = parse_unit(decode_unit_bytes(job.payload or b"", source), source=source,
                          code=job.params.get("code"))
    except UnitError as exc:
        where = f"{exc.source}:{exc.line}" if exc.line is not None else exc.source
        raise JobFailed([problem(where, exc.reason)], {"filename": filename}) from None
    job.progress(2, 2, f"storing {data['code']}")
    try:
        framework = store_framework(data, source=filename)
    except FrameworkError as exc:
        raise JobFailed([problem(source, str(exc))], {"filename": filename}) from None
    return {"filename": filename, "code": framework.code, "title": framework.title,
            "outcomes": len(framework.outcomes),
            "criteria": sum(len(outcome.criteria) for outcome in framework.outcomes)}
