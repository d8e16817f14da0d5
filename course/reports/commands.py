"""``carecourse report progress|criteria|items|hours`` and ``carecourse demo-data``."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from course.extensions import db


def _error(message: str) -> click.ClickException:
    from course.cli import CommandError

    return CommandError(message)


def _write(tables: Any, fmt: str, out: Path | None) -> None:
    from course.reports.export import Table, to_csv, to_xlsx

    if isinstance(tables, Table):
        tables = [tables]
    if fmt == "xlsx":
        if out is None:
            raise _error("--format xlsx needs --out FILE (a workbook is not written to a terminal)")
        out.write_bytes(to_xlsx(tables))
    else:
        text = to_csv(tables[0])
        if out is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            out.write_text(text, encoding="utf-8", newline="")
    if out is not None:
        click.echo(f"Wrote {out}", err=True)


@click.command("report")
@click.argument("kind", type=click.Choice(["progress", "criteria", "items", "hours"]))
@click.option("--course", "slug", required=True, help="The course's slug.")
@click.option("--organisation", help="The organisation's name, when several have a course with this slug.")
@click.option("--learner", "email", help="A learner's email (required for criteria and hours; filters progress).")
@click.option("--cohort", help="Only this cohort (progress).")
@click.option("--attempts", type=click.Choice(["first", "all"]), default="first", show_default=True,
              help="Item analysis over each learner's first finished attempt, or all finished attempts.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: CSV on stdout).")
@with_appcontext
def report_command(kind: str, slug: str, organisation: str | None, email: str | None, cohort: str | None,
                   attempts: str, fmt: str, out: Path | None) -> None:
    """Print or write a report: progress (one row per learner), criteria, items or hours."""
    from course.reports.cohort import progress_table
    from course.reports.criteria import criteria_table
    from course.reports.hours import hours_table
    from course.reports.item_analysis import items_tables
    from course.reports.lookups import ReportError, course_by_slug, learner_by_email

    if fmt == "xlsx" and out is None:
        raise _error("--format xlsx needs --out FILE (a workbook is not written to a terminal)")
    try:
        course = course_by_slug(slug, organisation)
        learner = learner_by_email(course, email) if email else None
    except ReportError as exc:
        raise _error(str(exc)) from None
    if kind in ("criteria", "hours") and learner is None:
        raise _error(f"report {kind} needs --learner EMAIL")
    if kind == "progress":
        table = progress_table(course, cohort=cohort)
        if learner is not None:
            table.rows = [r for r in table.rows if r[1] == learner.email]
        tables: Any = table
    elif kind == "criteria":
        tables = criteria_table(course, learner)
    elif kind == "hours":
        tables = hours_table(course, learner)
    else:
        tables = items_tables(course, which=attempts)
    db.session.rollback()
    _write(tables, fmt, out)


@click.command("demo-data")
@click.option("--learners", type=click.IntRange(1, 1_000_000), required=True, help="Learners to create.")
@click.option("--modules", type=click.IntRange(1, 500), default=10, show_default=True)
@click.option("--attempts-per-learner", type=click.IntRange(0, 10_000), default=None,
              help="Quiz attempts per learner, spread over the modules in turn (default: one per module).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option("--course", "slug", help="Slug of the new course (default demo-data-N).")
@click.option("--wait", is_flag=True, help="Wait for the job, showing its steps, and print what it built.")
@with_appcontext
def demo_data_command(learners: int, modules: int, attempts_per_learner: int | None, seed: int,
                      slug: str | None, wait: bool) -> None:
    """Generate a demo course with learners, enrolments, attempts, item marks and time (bulk
    inserts), as a job: without --wait, print the job's id (`carecourse job ID` shows it)."""
    from course.jobs.commands import interactive, start
    from course.reports.demo_jobs import DEMO_DATA, describe

    def report(job: Any) -> None:
        for error in job.errors:
            click.echo(f"error: {error['message']}", err=True)
        if job.status != "done":
            raise _error(f"{len(job.errors)} error(s): no demo data was created")
        click.echo(f"Built {describe(job.result)}")

    params = {"learners": learners, "modules": modules, "attempts_per_learner": attempts_per_learner,
              "seed": seed, "slug": slug}
    start(DEMO_DATA, params=params, payload=None, organisation_id=None, wait=wait, as_json=False,
          label="Demo data", show_progress=interactive(), report=report)


def register_commands(cli: click.Group) -> None:
    """Add ``report`` and ``demo-data`` to the carecourse command."""
    cli.add_command(report_command)
    cli.add_command(demo_data_command)
