"""``carecourse export-scorm``: the SCORM package of a course, checked, written to a file."""
from __future__ import annotations

from pathlib import Path

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
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the zip.")
@with_appcontext
def export_scorm_command(course_slug: str, standard: str, multi_sco: bool, sequencing: bool,
                         organisation: str | None, out: Path) -> None:
    """Export COURSE (its slug) as a SCORM package after checking it.

    Problems are printed on stderr; any error means no file is written and the exit status is 1.
    """
    from course.authoring.models import Course
    from course.cli import CommandError
    from course.models.users import Organisation
    from course.publishing.service import PackageOptions, build_checked_package

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
    package = build_checked_package(courses[0], options)
    for problem in package.problems + package.quality:
        click.echo(str(problem), err=True)
    if package.errors:
        raise CommandError(f"{len(package.errors)} error(s): no package written")
    out.write_bytes(package.data)
    click.echo(f"Wrote {out} (SCORM {standard}, {'one SCO per module' if multi_sco else 'one SCO'}, "
               f"{len(package.data):,} bytes, {len(package.warnings)} warning(s))")


def register_commands(cli: click.Group) -> None:
    """Add the publishing commands to the app's CLI."""
    cli.add_command(export_scorm_command)
