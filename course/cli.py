"""The ``carecourse`` command: the Flask CLI of the app, plus ``init`` and ``import-unit``."""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.engine import make_url

from course.extensions import db


class CommandError(click.ClickException):
    """An error the user can fix; printed on stderr as "error: ..." with exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def parse_unit_file(path: Path, *, code: str | None = None) -> dict[str, Any]:
    """Read and parse a unit file into framework JSON; CommandError naming file and line if bad."""
    from course.units import UnitError
    from course.units import parse_unit_file as parse

    if path.is_dir():
        raise CommandError(f"{path}: is a directory, not a unit file")
    try:
        return parse(path, code=code)
    except UnitError as exc:
        raise CommandError(str(exc)) from None


def upgrade_or_create_schema() -> str:
    """Bring the schema up to date: Alembic upgrade if migrations exist, else create_all."""
    directory = Path(current_app.config["MIGRATIONS_DIR"])
    if (directory / "env.py").is_file():
        from flask_migrate import upgrade

        upgrade(directory=str(directory))
        return "migrated to the latest revision"
    db.create_all()
    return "tables created from the models where missing"


def load_seed_units(seeds_path: Path) -> list[str]:
    """Store the seed units not stored yet (flush only); the codes added."""
    from course.frameworks.service import FrameworkError, store_framework
    from course.models.frameworks import Framework
    from course.seeds import SEED_UNITS

    added = []
    for filename, code in SEED_UNITS:
        if Framework.by_code(code) is not None:
            continue
        path = seeds_path / filename
        data = parse_unit_file(path, code=code)
        data["code"] = code  # docs/formats.md fixes the seed codes
        try:
            store_framework(data, source=filename)
        except FrameworkError as exc:
            raise CommandError(f"{path}: {exc}") from None
        added.append(code)
    return added


def create_demo_users() -> list[str]:
    """Create the demo organisation and users if missing (flush only); the emails added."""
    from course.models.users import Organisation, User
    from course.seeds import DEMO_ORGANISATION, DEMO_USERS

    org = db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION))
    if org is None:
        org = Organisation(name=DEMO_ORGANISATION)
        db.session.add(org)
        db.session.flush()
    added = []
    for email, name, role, password in DEMO_USERS:
        if User.by_email(email) is not None:
            continue  # never reset a password someone may have changed
        user = User(email=email, name=name, role=role, organisation=org)
        user.set_password(password)
        db.session.add(user)
        added.append(email)
    db.session.flush()
    return added


@click.command("init")
@click.option("--demo", is_flag=True, help="Also create the demo organisation and users.")
@with_appcontext
def init_command(demo: bool) -> None:
    """Create or migrate the database, load the five seed units, and optionally demo users.

    Running it again changes nothing. Seeds come from $CARECOURSE_SEEDS or ../shared/seeds.
    """
    from course.seeds import DEMO_USERS, seeds_dir

    schema = upgrade_or_create_schema()
    seeds_path = seeds_dir(current_app.config.get("SEEDS_DIR"))
    try:
        added = load_seed_units(seeds_path)
        users = create_demo_users() if demo else []
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    url = url.render_as_string(hide_password=True)
    click.echo(f"Database {url}: {schema}")
    click.echo(f"Frameworks added: {', '.join(added) if added else 'none (all present)'}")
    if demo:
        click.echo(f"Demo users added: {', '.join(users) if users else 'none (all present)'}")
        for email, _name, role, password in DEMO_USERS:
            click.echo(f"  {role:8} {email}  password: {password}")
    # Later steps (the shipped course...) run after the seeds are committed; each commits itself.
    for target in INIT_STEPS:
        _load(target)(demo)


@click.command("import-unit")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--code", help="Code to use when the document gives no URN.")
@click.option("--json", "as_json", is_flag=True, help="Print the framework JSON; store nothing.")
@click.option("--wait", is_flag=True, help="Wait for the import job and print what it did.")
@with_appcontext
def import_unit_command(file: Path, code: str | None, as_json: bool, wait: bool) -> None:
    """Import one unit document (NOS, QCF or RQF; plain text or Markdown) as a framework, as a job."""
    from course.frameworks.jobs import IMPORT_UNIT
    from course.jobs.commands import interactive, start

    if as_json:  # a preview: parsed here, nothing stored
        click.echo(json.dumps(parse_unit_file(file, code=code), indent=2, ensure_ascii=False))
        return
    start(IMPORT_UNIT, params={"filename": file.name, "source": str(file), "code": code},
          payload=read_unit_file(file), organisation_id=None, wait=wait, as_json=False,
          label="Importing the unit", show_progress=interactive(), report=_print_unit_import)


def read_unit_file(path: Path) -> bytes:
    """A unit file's bytes; CommandError naming the file if it is a folder, unreadable or too large."""
    from question_bank.limits import UNIT_DOCUMENT_BYTES, TooLarge, read_at_most

    if path.is_dir():
        raise CommandError(f"{path}: is a directory, not a unit file")
    try:
        return read_at_most(path, UNIT_DOCUMENT_BYTES)
    except TooLarge as exc:
        raise CommandError(f"{path}: the file is {exc}: a unit document is plain text") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def _print_unit_import(job: Any) -> None:
    """Print a finished unit import: the framework, or each error (exit 1)."""
    if job.status == "done":
        r = job.result
        click.echo(f"Imported {r['code']}: {r['title']} ({r['outcomes']} outcomes, {r['criteria']} criteria)")
        return
    messages = [f"{e['where']}: {e['message']}" if e.get("where") else e["message"] for e in job.errors]
    for message in messages[:-1]:
        click.echo(f"error: {message}", err=True)
    raise CommandError(messages[-1] if messages else "the import failed")


# Other areas' commands as "module:function"; each function(group) adds its commands to the
# group it is given (app.cli). Adding an area? Add one line here.
COMMANDS: list[str] = [
    "course.auth.commands:register_commands",
    "course.bank.commands:register_commands",
    "course.authoring.commands:register_commands",
    "course.reports.commands:register_commands",
    "course.publishing.commands:register_commands",
    "course.jobs.commands:register_commands",
    "course.privacy.commands:register_commands",
]

# Steps `carecourse init` runs after the seed units and demo users, in order, as
# "module:function"; each is called with ``demo`` (bool) and commits its own work.
INIT_STEPS: list[str] = [
    "course.authoring.commands:init_shipped_course",
    "course.learning.commands:enrol_demo_learner",
]


def _load(target: str) -> Any:
    """The object named by "module:attribute"."""
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def register_commands(app: Flask) -> None:
    """Add the carecourse commands, and every area's in COMMANDS, to ``app.cli``."""
    app.cli.add_command(init_command)
    app.cli.add_command(import_unit_command)
    for target in COMMANDS:
        _load(target)(app.cli)


def _create_app() -> Flask:
    from course import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="carecourse: the e-learning app's command line.")


def main() -> None:
    """Entry point of the ``carecourse`` console script."""
    cli.main(args=sys.argv[1:], prog_name="carecourse")
