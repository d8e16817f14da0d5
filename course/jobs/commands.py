"""``carecourse job`` and ``carecourse worker``, and what every command that starts a job shares:
submit, then print the job id, or with ``--wait`` follow it and print its result."""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from course.extensions import db

# --wait reads the job's record at once, then less and less often: a short import is printed
# without a noticeable delay, a long one costs the database a read a second.
FIRST_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 1.0
# After this long still queued, --wait says once that a worker may be missing.
QUEUED_HINT_SECONDS = 15


def interactive() -> bool:
    """Whether progress lines are wanted: standard output is a terminal."""
    return sys.stdout.isatty()


def wait_for(job_id: str, *, label: str, show_progress: bool) -> Any:
    """Follow the job until it has finished (reading the database each time); the finished job.
    With ``show_progress``, print each new state ("Importing questions: step 1 of 2: ...")."""
    from course.jobs.service import get_job, state_text

    last, waited, hinted, pause = None, 0.0, False, FIRST_POLL_SECONDS
    while True:
        db.session.rollback()  # a fresh read each time: see what the worker committed
        job = get_job(job_id)
        if job is None:
            raise click.ClickException(f"no job {job_id}")
        db.session.commit()  # a job found lost is recorded as failed
        text = state_text(job)
        if show_progress and text != last:
            click.echo(f"{label}: {text[0].lower()}{text[1:]}")
            last = text
        if job.finished:
            return job
        if job.status == "queued" and waited >= QUEUED_HINT_SECONDS and not hinted:
            click.echo(f"Job {job_id} is still waiting to start: is a worker running (`carecourse worker`)?",
                       err=True)
            hinted = True
        time.sleep(pause)
        waited += pause
        pause = min(MAX_POLL_SECONDS, pause * 1.5)


def start(kind: str, *, params: dict[str, Any], payload: bytes | None, organisation_id: int | None,
          wait: bool, as_json: bool, label: str, show_progress: bool,
          report: Callable[[Any], None]) -> None:
    """Submit a ``kind`` job; without ``wait`` print its id (as JSON with ``as_json``), else
    follow it and hand the finished job to ``report``, which prints it (and exits 1 on errors)."""
    from course.jobs.service import submit

    job = submit(kind, params=params, payload=payload, organisation_id=organisation_id, owner_id=None)
    if not wait:
        if as_json:
            click.echo(json.dumps({"job": job.id, "status": job.status}))
        else:
            click.echo(f"Job {job.id}: {job.status}. `carecourse job {job.id} --wait` shows its result.")
        return
    report(wait_for(job.id, label=label, show_progress=show_progress and not as_json))


@click.command("job")
@click.argument("job_id")
@click.option("--wait", is_flag=True, help="Wait until the job has finished.")
@click.option("--json", "as_json", is_flag=True, help="Print the job as JSON.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the file the job made (a SCORM export's package) here.")
@with_appcontext
def job_command(job_id: str, wait: bool, as_json: bool, out: Path | None) -> None:
    """Show a job: its state and progress, then its result or every error; exit 1 if it failed."""
    from course.cli import CommandError
    from course.jobs.service import get_job, state_text, status_document

    job = wait_for(job_id, label="Job", show_progress=interactive() and not as_json) if wait else get_job(job_id)
    if job is None:
        raise CommandError(f"no job {job_id}")
    db.session.commit()
    if as_json:
        click.echo(json.dumps(dict(status_document(job), result=job.result, errors=job.errors),
                              indent=2, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(f"Job {job.id} ({job.kind}): {state_text(job)}")
        if job.status == "done":
            click.echo(json.dumps(job.result, indent=2, sort_keys=True, ensure_ascii=False))
        for error in job.errors:
            where = f"{error['where']}: " if error.get("where") else ""
            click.echo(f"error: {where}{error['message']}", err=True)
    if job.status == "failed":
        sys.exit(1)
    if out is not None:
        from course.publishing.commands import write_output

        size = write_output(job.id, out)
        click.echo(f"Wrote {out} ({size:,} bytes)", err=as_json)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run jobs from the Redis queue (CARECOURSE_JOBS=rq); start one or more on any machine."""
    from rq import Worker

    from course.cli import CommandError
    from course.jobs.backends import backend

    chosen = backend()
    if chosen.name != "rq":
        raise CommandError(f"CARECOURSE_JOBS is {chosen.name!r}: jobs run inside the app. "
                           "Set CARECOURSE_JOBS=rq (and REDIS_URL) to run them on workers")
    connection = chosen.connection()
    # Each job runs in a forked process: it must not share this process's database connections.
    db.engine.dispose()
    current_app.logger.info("worker on queue %s", chosen.queue_name)
    Worker([chosen.queue(connection)], connection=connection).work(burst=burst)


@click.command("expire-job-files")
@click.option("--dry-run", is_flag=True, help="List the jobs whose files would be deleted; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def expire_job_files_command(dry_run: bool, as_json: bool) -> None:
    """Delete the files (packages, reports) of jobs that finished over CARECOURSE_JOB_FILE_DAYS days ago."""
    from course.jobs.expiry import expire_job_files

    expired = expire_job_files(dry_run=dry_run)
    if as_json:
        click.echo(json.dumps({"dry_run": dry_run, "finished_before": expired.cutoff.isoformat(),
                               "jobs": expired.jobs, "bytes": expired.bytes}))
        return
    verb = "Would delete" if dry_run else "Deleted"
    count = len(expired.jobs)
    click.echo(f"{verb} the files of {count} job{'' if count == 1 else 's'} ({expired.bytes:,} bytes) "
               f"that finished before {expired.cutoff:%Y-%m-%d %H:%M} UTC.")
    for job_id in expired.jobs:
        click.echo(f"  {job_id}")


def register_commands(cli: click.Group) -> None:
    """Add ``job``, ``worker`` and ``expire-job-files`` to a click group (``app.cli``)."""
    cli.add_command(job_command)
    cli.add_command(worker_command)
    cli.add_command(expire_job_files_command)
