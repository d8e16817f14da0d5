"""``carecourse courses``, ``check-course``, ``export-course``, ``import-course``; the shipped course step
of ``init``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course.extensions import db
from question_bank.limits import COURSE_DOCUMENT_BYTES, TooLarge, read_at_most

SHIPPED_ORGANISATION = "carecourse"


def _organisation(name: str | None) -> Any:
    """The organisation called ``name``; default: the only one, else CommandError."""
    from course.cli import CommandError
    from course.models.users import Organisation

    if name:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            raise CommandError(f"no organisation called {name!r}")
        return org
    orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    if len(orgs) == 1:
        return orgs[0]
    if not orgs:
        raise CommandError("no organisation yet: run `carecourse init` first")
    raise CommandError("several organisations: name one with --organisation "
                       f"({', '.join(o.name for o in orgs)})")


def _print_problems(problems: list[tuple[str, str]]) -> None:
    for path, message in problems:
        click.echo(f"{path or '(document)'}: {message}", err=True)


@click.command("courses")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--organisation", help="Only this organisation's courses.")
@with_appcontext
def courses_command(as_json: bool, organisation: str | None) -> None:
    """List courses: slug, title, frameworks, modules."""
    from course.authoring.models import Course
    from course.models.users import Organisation

    stmt = select(Course).join(Organisation).order_by(Organisation.name, Course.slug)
    if organisation:
        stmt = stmt.where(Organisation.name == organisation)
    courses = list(db.session.scalars(stmt))
    rows = [
        {
            "slug": c.slug,
            "title": c.title,
            "organisation": c.organisation.name,
            "frameworks": [fw.code for fw in c.frameworks],
            "modules": len(c.modules),
        }
        for c in courses
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No courses.")
        return
    for row in rows:
        click.echo(
            f"{row['slug']}\t{row['title']}\t{', '.join(row['frameworks'])}\t"
            f"{row['modules']} module{'s' if row['modules'] != 1 else ''}\t{row['organisation']}"
        )


def _course(slug: str, organisation: str | None) -> Any:
    """The course with ``slug`` (in ``organisation`` when named), else CommandError."""
    from course.authoring.models import Course
    from course.cli import CommandError

    stmt = select(Course).where(Course.slug == slug)
    if organisation:
        stmt = stmt.where(Course.organisation_id == _organisation(organisation).id)
    found = list(db.session.scalars(stmt))
    if not found:
        raise CommandError(f"no course with the slug {slug!r} (see `carecourse courses`)")
    if len(found) > 1:
        raise CommandError(f"several organisations have a course {slug!r}: name one with --organisation")
    return found[0]


@click.command("export-course")
@click.argument("slug")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write the course document to ('-' for standard output).")
@click.option("--organisation", help="The organisation owning the course (when several have this slug).")
@with_appcontext
def export_course_command(slug: str, out: Path, organisation: str | None) -> None:
    """Write a course as the canonical course document (JSON)."""
    from course.authoring.document import DocumentError, export_course_bytes
    from course.cli import CommandError

    course = _course(slug, organisation)
    try:
        data = export_course_bytes(course)
    except DocumentError as exc:
        _print_problems(exc.problems)
        raise CommandError(f"course {slug!r} does not make a valid course document") from None
    if str(out) == "-":
        click.echo(data.decode("utf-8"), nl=False)
        return
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data):,} bytes)")


@click.command("import-course")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", help="The organisation to import into (default: the only one).")
@click.option("--wait", is_flag=True, help="Wait for the import job and print what it did.")
@with_appcontext
def import_course_command(file: Path, organisation: str | None, wait: bool) -> None:
    """Import a course document as a job: everything is checked first, then all of it is created
    or nothing."""
    from course.authoring.jobs import IMPORT_COURSE
    from course.cli import CommandError
    from course.jobs.commands import interactive, start

    org = _organisation(organisation)
    try:
        data = read_at_most(file, COURSE_DOCUMENT_BYTES)  # an oversize file is refused unread
    except TooLarge as exc:
        raise CommandError(f"{file}: the course document is {exc}; nothing imported") from None
    start(IMPORT_COURSE, params={"filename": file.name}, payload=data, organisation_id=org.id, wait=wait,
          as_json=False, label="Importing the course", show_progress=interactive(),
          report=lambda job: _print_import(job, file))


@click.command("check-course")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.option("--organisation", help="The organisation owning the course (when several have this slug).")
@with_appcontext
def check_course_command(slug: str, as_json: bool, organisation: str | None) -> None:
    """Check what a course's quizzes really measure: every item-quality finding, each quiz's
    test-wise score, and the modules' estimated time against their targets. Exit status 1 when anything is severe (an error finding, or a quiz a learner
    with no knowledge is expected to pass)."""
    from course.authoring.estimates import whole_minutes
    from course.authoring.quality import course_quality, findings_counts_line, testwise_sentence
    from course.cli import CommandError

    report = course_quality(_course(slug, organisation))
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for quiz in report.quizzes:
            click.echo(f"{quiz.module} ({quiz.mode}, pass mark {quiz.pass_mark * 100:g}%): "
                       f"{findings_counts_line(quiz.findings)}")
            for f in quiz.findings:
                subject = f"{f.question} {f.field}".strip() or "quiz"
                click.echo(f"  {f.severity}: {subject}: {f.message} [{f.code}; {f.guideline}]")
            click.echo(f"  test-wise: {testwise_sentence(quiz)}")
        by_code = report.counts_by_code()
        click.echo(f"{report.course}: {findings_counts_line(report.findings())} over {len(report.quizzes)} quizzes"
                   + (" (" + ", ".join(f"{code} {n}" for code, n in by_code.items()) + ")" if by_code else ""))
        estimate = sum(e.total_minutes for e in report.estimates)
        target = sum(e.target_minutes or 0 for e in report.estimates)
        flagged = [e.slug for e in report.estimates if e.flag]
        click.echo(f"Estimated learning time: {whole_minutes(estimate)} min against {target} min of targets; "
                   f"{len(flagged)} of {len(report.estimates)} modules flagged (see the course page)")
        passable = [q.module for q in report.quizzes if q.passable_without_knowledge]
        click.echo(f"Quizzes a learner with no knowledge is expected to pass: {len(passable)}"
                   + (f" ({', '.join(passable)})" if passable else ""))
    if report.severe:
        raise CommandError(f"course {slug!r}: severe quality findings (see above)")


def _print_import(job: Any, file: Path) -> None:
    """Print a finished course import: the course, or every problem and exit 1."""
    from course.cli import CommandError

    if job.status == "done":
        r = job.result
        click.echo(f"Imported {r['slug']}: {r['title']} ({r['modules']} modules) into {r['organisation']}")
        return
    problems = [e for e in job.errors if e.get("where")]
    _print_problems([(e["where"], e["message"]) for e in problems])
    if problems:
        raise CommandError(f"{file}: {len(problems)} problem(s); nothing imported")
    raise CommandError(f"{file}: {'; '.join(e['message'] for e in job.errors)}")


def load_shipped_course(organisation_name: str) -> str:
    """Import the shipped course into ``organisation_name`` (created if missing) unless present.

    Flush only. Returns a line for init's output; raises CommandError listing every problem
    (JSON paths) if the shipped content does not validate.
    """
    from course.authoring.document import DocumentError, import_course
    from course.authoring.models import Course
    from course.cli import CommandError
    from course.models.users import Organisation
    from course.shipped import load_shipped_document

    org = db.session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    if org is None:
        org = Organisation(name=organisation_name)
        db.session.add(org)
        db.session.flush()
    try:
        doc = load_shipped_document()
        slug = doc["course"]["slug"]
        if Course.by_slug(org.id, slug) is not None:
            return f"Shipped course: {slug} already present in {org.name}"
        course = import_course(doc, organisation=org, user=None)
    except DocumentError as exc:
        _print_problems(exc.problems)
        raise CommandError(
            f"the shipped course does not validate ({len(exc.problems)} problem(s) above); "
            "the database and frameworks are ready, the shipped course was not loaded"
        ) from None
    except (OSError, ValueError) as exc:
        raise CommandError(f"the shipped course could not be built: {exc}") from None
    return f"Shipped course: {course.slug} loaded into {org.name} ({len(course.modules)} modules)"


def register_commands(cli: Any) -> None:
    """Add the course commands to a click group (``app.cli``)."""
    cli.add_command(courses_command)
    cli.add_command(check_course_command)
    cli.add_command(export_course_command)
    cli.add_command(import_course_command)


def init_shipped_course(demo: bool) -> None:
    """``carecourse init``'s last step: load the shipped course once and commit, or fail loudly.

    Into the demo organisation with ``--demo``, else into the organisation "carecourse".
    """
    from course.seeds import DEMO_ORGANISATION

    try:
        line = load_shipped_course(DEMO_ORGANISATION if demo else SHIPPED_ORGANISATION)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    click.echo(line)
