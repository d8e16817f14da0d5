"""``carecourse retention``: run the retention sweep (course.privacy.retention) as a job."""
from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course.extensions import db


def _organisation(name: str | None) -> Any:
    from course.cli import CommandError
    from course.models import Organisation

    if name:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            raise CommandError(f"no organisation named {name!r}")
        return org
    orgs = list(db.session.scalars(select(Organisation).limit(2)))
    if len(orgs) != 1:
        raise CommandError("several organisations (or none) exist: pass --organisation NAME")
    return orgs[0]


def print_sweep(job: Any, as_json: bool) -> None:
    """Print a finished retention job: each course's records deleted (or to delete), then totals."""
    from course.cli import CommandError
    from course.privacy.records import describe

    if job.status != "done":
        messages = [e["message"] for e in job.errors]
        raise CommandError(messages[-1] if messages else "the retention sweep failed")
    report = job.result or {}
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False))
        return
    verb = "Would delete" if report.get("dry_run") else "Deleted"
    for change in report.get("changes", []):
        click.echo(f"{verb} learner #{change['learner_id']} on {change['course']} (last active "
                   f"{change['last_activity']}, kept until {change['expired_on']}): {describe(change['deleted'])}")
    anonymised = report.get("anonymised", [])
    if anonymised:
        verb_a = "Would anonymise" if report.get("dry_run") else "Anonymised"
        click.echo(f"{verb_a} {len(anonymised)} learner(s) with nothing left: "
                   + ", ".join(f"#{i}" for i in anonymised))
    click.echo(f"{len(report.get('changes', []))} course record(s) of {report.get('checked_learners', 0)} "
               f"learner(s) past retention; {describe(report.get('totals', {}))}"
               + (" (dry run: nothing changed)." if report.get("dry_run") else "."))
    if report.get("remaining"):
        click.echo(f"{report['remaining']} more course record(s) past retention were left for the next run: "
                   "run it again.")
    sys.stdout.flush()


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="List what has passed its retention period; change nothing.")
@click.option("--organisation", "org_name", help="The organisation to sweep (needed when there are several).")
@click.option("--wait", is_flag=True, help="Wait for the job and print what it did.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def retention_command(dry_run: bool, org_name: str | None, wait: bool, as_json: bool) -> None:
    """Delete learners' records whose course retention period has passed (see the README), as a job."""
    from course.jobs.commands import interactive, start
    from course.privacy.jobs import RETENTION

    org = _organisation(org_name)
    start(RETENTION, params={"dry_run": dry_run}, payload=None, organisation_id=org.id, wait=wait,
          as_json=as_json, label="Retention sweep", show_progress=interactive() and not as_json,
          report=lambda job: print_sweep(job, as_json))


def register_commands(cli: click.Group) -> None:
    """Add ``retention`` to a click group (``app.cli``)."""
    cli.add_command(retention_command)
