"""`carecourse import-questions` and `carecourse export-questions` (issue 4, item 6).

Thin wrappers over question_bank.formats and course.bank.service. `register_commands(cli)` adds
both to a click group (the app's `app.cli`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course.extensions import db
from question_bank.moodle_versions import DEFAULT_MOODLE_VERSION, MOODLE_VERSIONS
from question_bank.limits import QUESTION_FILE_BYTES, TooLarge, read_at_most

IMPORT_FORMATS = ["auto", "moodle", "gift", "aiken", "qti"]
EXPORT_FORMATS = ["moodle", "gift", "aiken", "qti21", "qti30"]


class _Fail(click.ClickException):
    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _interactive(as_json: bool) -> bool:
    return not as_json and sys.stdout.isatty()


def _organisation(name: str | None):
    from course.models import Organisation

    if name:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            raise _Fail(f"no organisation named {name!r}")
        return org
    orgs = list(db.session.scalars(select(Organisation).limit(2)))
    if len(orgs) != 1:
        raise _Fail("several organisations (or none) exist: pass --organisation NAME")
    return orgs[0]


@click.command("import-questions")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    default="auto",
    show_default=True,
    help="The file's format; auto detects it.",
)
@click.option("--dry-run", is_flag=True, help="Check and report; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON only.")
@click.option(
    "--organisation", "org_name", help="The organisation whose bank receives the questions."
)
@click.option(
    "--criterion",
    "criteria",
    multiple=True,
    metavar="REF",
    help="Criterion reference (FRAMEWORK/CODE) for questions the file gives none.",
)
@click.option("--wait", is_flag=True, help="Wait for the import job and print what it did.")
@with_appcontext
def import_questions_command(
    file: Path,
    fmt: str,
    dry_run: bool,
    as_json: bool,
    org_name: str | None,
    criteria: tuple[str, ...],
    wait: bool,
) -> None:
    """Import questions from a Moodle XML, GIFT, Aiken or QTI (item or package) FILE, as a job."""
    from course.bank.jobs import IMPORT_QUESTIONS
    from course.jobs.commands import start
    from question_bank.formats._common import CRITERION_RE

    def fail(message: str) -> None:
        if as_json:
            click.echo(json.dumps(_json_report({}, [message]), indent=2, sort_keys=True))
        raise _Fail(message)

    bad = [c for c in criteria if not CRITERION_RE.match(c)]
    if bad:
        fail(f"--criterion {bad[0]!r} is not a FRAMEWORK/CODE reference")
    try:
        data = read_at_most(file, QUESTION_FILE_BYTES)  # an oversize file is refused unread
    except TooLarge as exc:
        fail(f"{file}: file is {exc}")
    except OSError as exc:
        fail(f"{file}: {exc.strerror or exc}")
    org = _organisation(org_name) if not dry_run or org_name else None
    params = {"filename": file.name, "source": str(file), "format": fmt, "criteria": list(criteria),
              "dry_run": dry_run}
    start(IMPORT_QUESTIONS, params=params, payload=data, organisation_id=org.id if org else None,
          wait=wait, as_json=as_json, label="Importing questions", show_progress=_interactive(as_json),
          report=lambda job: _print_import(job, as_json))


def _json_report(report: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    return {"questions": report.get("questions", 0), "by_type": report.get("by_type", {}),
            "skipped": report.get("skipped", []), "errors": errors}


def _print_import(job: Any, as_json: bool) -> None:
    """Print a finished question import as the command always has; exit 1 if it failed."""
    report = job.result or {}
    errors = [f"{e['where']}: {e['message']}" if e.get("where") else e["message"] for e in job.errors]
    if as_json:
        click.echo(json.dumps(_json_report(report, errors), indent=2, sort_keys=True))
    if job.status != "done":
        for message in errors[:-1]:
            click.echo(f"error: {message}", err=True)
        raise _Fail(errors[-1] if errors else "the import failed")
    if as_json:
        return
    dry_run = report["dry_run"]
    verb = "Would import" if dry_run else "Imported"
    where = f" into {report['organisation']}" if report.get("organisation") else ""
    click.echo(f"{verb} {report['questions']} question(s) from {report['filename']} ({report['format']}){where}")
    for t, n in report["by_type"].items():
        click.echo(f"  {t}: {n}")
    if report["by_criterion"]:
        click.echo("By criterion:")
        for ref, n in report["by_criterion"].items():
            click.echo(f"  {ref}: {n}")
    if report["skipped"]:
        click.echo(f"Skipped {len(report['skipped'])}:")
        for s in report["skipped"]:
            click.echo(f"  {s['name']} ({s['type']}): {s['reason']}")
    if report["descriptions"]:
        click.echo(f"Not questions (descriptions): {report['descriptions']}")
    media = report["media"]
    if report.get("organisation") and (media["stored"] or media["reused"]):
        click.echo(
            f"Images: {media['stored']} {'to store' if dry_run else 'stored'}, "
            f"{media['reused']} already in the bank"
        )
    for w in report["warnings"] + report["media_warnings"]:
        click.echo(f"warning: {w}", err=True)
    if report["unmapped"]:
        click.echo(f"warning: {_unmapped_warning(report['unmapped'])}", err=True)
    for ref in report["unknown_criteria"]:
        click.echo(
            f"warning: criterion {ref} is not in any imported framework (import its unit first)",
            err=True,
        )


def _unmapped_warning(ids: list[str]) -> str:
    shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
    return (
        f"{len(ids)} question(s) carry no criterion reference ({shown}): they wait in the bank, "
        "marked 'not mapped', and no quiz takes them until a tutor gives each a criterion "
        "(or import again with --criterion REF)"
    )


@click.command("export-questions")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="The file format."
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write.",
)
@click.option(
    "--criterion",
    "criteria",
    multiple=True,
    metavar="REF",
    help="Only questions evidencing this criterion (repeatable: any of them).",
)
@click.option("--organisation", "org_name", help="The organisation whose bank to export.")
@click.option(
    "--moodle-version",
    "moodle_version",
    metavar="X.Y",
    help=(
        f"With --format moodle: the Moodle that will import the file ({', '.join(MOODLE_VERSIONS)}; "
        f"default {DEFAULT_MOODLE_VERSION}, the current LTS). Before 4.4, ordering questions are "
        "exported as matching questions."
    ),
)
@with_appcontext
def export_questions_command(
    fmt: str,
    out: Path,
    criteria: tuple[str, ...],
    org_name: str | None,
    moodle_version: str | None,
) -> None:
    """Export the current questions of the bank (optionally only some criteria) to a file."""
    from course.bank.media import export_questions_with_media
    from course.bank.service import current_questions
    from question_bank.formats import (
        MoodleVersionError,
        check_moodle_version,
        is_converted,
        is_not_exported,
    )

    if moodle_version is not None and fmt != "moodle":
        raise _Fail(f"--moodle-version applies only to --format moodle, not {fmt}")
    if fmt == "moodle":
        try:
            moodle_version = check_moodle_version(moodle_version)
        except MoodleVersionError as exc:
            raise _Fail(f"--moodle-version: {exc}") from None
    org = _organisation(org_name)
    if criteria:
        rows, seen = [], set()
        for ref in criteria:
            for row in current_questions(org, criterion=ref):
                if row.id not in seen:
                    seen.add(row.id)
                    rows.append(row)
        rows.sort(key=lambda r: r.question_id)
    else:
        rows = current_questions(org, include_unmapped=True)
    questions = []
    if _interactive(False) and len(rows) > 200:
        with click.progressbar(rows, label="Exporting questions") as bar:
            questions = [dict(r.data) for r in bar]
    else:
        questions = [dict(r.data) for r in rows]
    warnings: list[str] = []
    data = export_questions_with_media(
        questions, fmt, organisation=org, warnings=warnings, moodle_version=moodle_version
    )
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise _Fail(f"{out}: {exc.strerror or exc}") from None
    not_exported = sum(1 for w in warnings if is_not_exported(w))
    target = f"{fmt} for Moodle {moodle_version}" if fmt == "moodle" else fmt
    click.echo(f"Exported {len(questions) - not_exported} question(s) to {out} ({target})")
    converted = list(dict.fromkeys(w.split(":", 1)[0] for w in warnings if is_converted(w)))
    if converted:
        click.echo(
            f"Converted {len(converted)} question(s) to core question types "
            f"(each reason is a warning): {', '.join(converted)}"
        )
    for w in warnings:
        click.echo(f"warning: {w}", err=True)


def register_commands(cli: click.Group) -> None:
    """Add import-questions and export-questions to a click group (e.g. ``app.cli``)."""
    cli.add_command(import_questions_command)
    cli.add_command(export_questions_command)
