"""The question-file import as a job: the Questions page's upload and ``carecourse
import-questions`` both submit it, and the job page and ``--wait`` show what it did."""
from __future__ import annotations

from typing import Any

from course.extensions import db
from course.jobs.registry import JobContext, JobFailed, job_kind, problem

IMPORT_QUESTIONS = "import-questions"


def _counts(values: list[list[str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for keys in values:
        for key in keys:
            out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def empty_report(params: dict[str, Any]) -> dict[str, Any]:
    """The report of an import that read nothing (yet)."""
    return {"filename": params.get("filename", ""), "format": None, "organisation": None,
            "dry_run": bool(params.get("dry_run")), "questions": 0, "by_type": {}, "by_criterion": {},
            "skipped": [], "descriptions": 0, "warnings": [], "media_warnings": [], "unmapped": [],
            "unknown_criteria": [], "media": {"stored": 0, "reused": 0}}


@job_kind(IMPORT_QUESTIONS, label="Question import", template="questions/job_result.html")
def import_questions(job: JobContext) -> dict[str, Any]:
    """Import a Moodle XML, GIFT, Aiken or QTI file into the organisation's bank, all or nothing.

    Params: filename (shown), source (the name messages give), format, criteria (defaults for
    questions the file maps to none), dry_run. Questions the file gives no criterion are kept
    "not mapped"; types the bank cannot hold are skipped and listed.
    """
    from course.bank import service as bank
    from course.bank.media import store_media
    from course.models import Organisation
    from course.questions.service import known_criteria
    from question_bank.formats import FormatError, import_file

    params = job.params
    report = empty_report(params)
    job.progress(1, 2, f"reading {report['filename']}")
    try:
        used, result = import_file(job.payload or b"", params.get("source") or report["filename"],
                                   format=params.get("format", "auto"),
                                   default_criteria=list(params.get("criteria") or []) or None)
    except FormatError as exc:
        where = f"{exc.source}: line {exc.where}" if isinstance(exc.where, int) else \
            f"{exc.source}: {exc.where}" if exc.where not in (None, "") else exc.source
        raise JobFailed([problem(where, exc.message)], report) from None
    except ValueError as exc:
        raise JobFailed([problem(None, str(exc))], report) from None
    questions = result.questions
    report.update(
        format=used, questions=len(questions), skipped=list(result.skipped),
        by_type=_counts([[q["type"]] for q in questions]),
        by_criterion=_counts([list(q["criteria"]) for q in questions]),
        descriptions=len(result.descriptions), warnings=list(result.warnings),
        unmapped=[q["id"] for q in questions if not q.get("criteria")],
    )
    known = known_criteria(list(report["by_criterion"]))
    report["unknown_criteria"] = [ref for ref in report["by_criterion"] if ref not in known]
    organisation = db.session.get(Organisation, job.organisation_id) if job.organisation_id else None
    if organisation is None:  # a check of the file alone (carecourse import-questions --dry-run)
        return report
    report["organisation"] = organisation.name
    job.progress(2, 2, f"{'checking' if report['dry_run'] else 'storing'} {len(questions):,} question(s)")
    # the images first: a name taken by a different image is renamed in the questions too
    questions, media = store_media(result.files, questions, organisation=organisation,
                                   dry_run=report["dry_run"])
    report["media"] = {"stored": len(media.stored), "reused": len(media.reused)}
    report["media_warnings"] = media.warnings()
    if report["dry_run"]:
        return report
    try:
        bank.save_questions(questions, organisation=organisation, user=job.owner_id, unmapped=True)
    except bank.BankError as exc:
        raise JobFailed([problem(report["filename"], message) for message in exc.problems], report) from None
    return report
