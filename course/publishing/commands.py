"""``carecourse export-scorm``: the SCORM package of a course, checked, built as a job and written
to a file (with ``--wait``; else ``carecourse job ID --out FILE`` writes it later)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course.extensions import db


@click.command("export-scorm")
@click.argument("course_slug", metavar="COURSE")
@click.option("--standard", type=click.Choice(["1.2", "2004"]), default="1.2", show_default=True,
              help="SCORM version (1.2 plays fully in every LMS; Moodle's 2004 support is partial).")
@click.option("--multi-sco", is_flag=True, help="One SCO per module instead of one for the course.")
@click.option("--sequencing", is_flag=True,
              help="SCORM 2004 with --multi-sco: learners take the modules in order.")
@click.option("--organisation", help="The course's organisation, when several have this slug.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Wait for the job and write the zip here.")
@click.option("--wait", is_flag=True, help="Wait for the job and print what it found (implied by --out).")
@with_appcontext
def export_scorm_command(course_slug: str, standard: str, multi_sco: bool, sequencing: bool,
                         organisation: str | None, out: Path | None, wait: bool) -> None:
    """Export COURSE (its slug) as a SCORM package after checking it, as a job.

    With --out (or --wait), the command follows the job: problems are printed on stderr, any
    error means no file is written and the exit status is 1. With neither, it prints the job's
    id: `carecourse job ID --out FILE` writes the package once the job is done.
    """
    from course.authoring.models import Course
    from course.cli import CommandError
    from course.models.users import Organisation
    from course.publishing.service import PackageOptions

    try:
        options = PackageOptions(standard=standard, multi_sco=multi_sco, sequencing=sequencing)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    stmt = select(Course).where(Course.slug == course_slug)
    if organisation:
        stmt = stmt.join(Organisation).where(Organisation.name == organisation)
    courses = list(db.session.scalars(stmt))
    if not courses:
        raise CommandError(f"no course with the slug {course_slug!r} (see `carecourse courses`)")
    if len(courses) > 1:
        raise CommandError(f"several organisations have a course {course_slug!r}: name one with --organisation")
    from course.jobs.commands import interactive, start
    from course.publishing.jobs import EXPORT_SCORM, export_params

    def report(job: Any) -> None:
        result = job.result or {}
        found = list(result.get("problems") or [])
        if job.errors and not any(item["severity"] == "error" for item in found):
            # it failed for another reason: the course was deleted, the package too large
            found += [dict(error, severity="error") for error in job.errors]
        for item in found:
            where = f"{item['where']}: " if item.get("where") else ""
            click.echo(f"{where}{item['severity']}: {item['message']}", err=True)
        if job.status != "done":
            errors = sum(1 for item in found if item["severity"] == "error")
            raise CommandError(f"{errors} error(s): no package written")
        if out is None:
            click.echo(f"Job {job.id}: package ready ({result.get('bytes', 0):,} bytes, "
                       f"{len(result.get('warnings', []))} warning(s)); `carecourse job {job.id} --out FILE` writes it")
            return
        size = write_output(job.id, out)
        click.echo(f"Wrote {out} (SCORM {standard}, {'one SCO per module' if multi_sco else 'one SCO'}, "
                   f"{size:,} bytes, {len(result.get('warnings', []))} warning(s))")

    course = courses[0]
    start(EXPORT_SCORM, params=export_params(course, options), payload=None,
          organisation_id=course.organisation_id, wait=wait or out is not None, as_json=False, label="Exporting",
          show_progress=interactive(), report=report)


def write_output(job_id: str, out: Path) -> int:
    """Write the file job ``job_id`` made to ``out``; its size (CommandError if it made none)."""
    from course.cli import CommandError
    from course.jobs.models import Job

    data = db.session.scalar(select(Job.output).where(Job.id == job_id, Job.status == "done"))
    if data is None:
        result = db.session.scalar(select(Job.result).where(Job.id == job_id)) or {}
        if result.get("file_deleted"):
            raise CommandError(f"job {job_id}'s file was deleted on {result['file_deleted']} "
                               "(files are kept CARECOURSE_JOB_FILE_DAYS days): run the job again")
        raise CommandError(f"job {job_id} has no file to write (it is not a finished export)")
    out.write_bytes(data)
    return len(data)


def register_commands(cli: click.Group) -> None:
    """Add the publishing commands to the app's CLI."""
    cli.add_command(export_scorm_command)
