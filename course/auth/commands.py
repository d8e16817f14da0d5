"""User administration from the command line: create users, set passwords, lift sign-in locks."""
from __future__ import annotations

from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course.auth import throttle
from course.extensions import db
from course.models.users import ROLES, Organisation, User

MIN_PASSWORD_LENGTH = 10


class _Fail(click.ClickException):
    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise _Fail(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as shown in the app.")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--organisation", "org_name", help="Organisation (created if missing).")
@click.password_option(help="Asked for, twice, when not given.")
@with_appcontext
def create_user_command(
    email: str, name: str, role: str, org_name: str | None, password: str
) -> None:
    """Create a user who can sign in."""
    _check_password(password)
    if "@" not in email:
        raise _Fail(f"{email!r} is not an email address")
    if User.by_email(email) is not None:
        raise _Fail(f"a user with email {User.normalise_email(email)} already exists")
    org = None
    if org_name:
        org = db.session.scalar(select(Organisation).where(Organisation.name == org_name))
        if org is None:
            org = Organisation(name=org_name)
            db.session.add(org)
    user = User(email=email, name=name.strip(), role=role, organisation=org)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {user.email}" + (f" in {org_name}" if org_name else ""))


@click.command("set-password")
@click.argument("email")
@click.password_option(help="Asked for, twice, when not given.")
@with_appcontext
def set_password_command(email: str, password: str) -> None:
    """Set a user's password (and lift any sign-in lock on their email)."""
    _check_password(password)
    user = User.by_email(email)
    if user is None:
        raise _Fail(f"no user with email {User.normalise_email(email)}")
    user.set_password(password)
    throttle.unlock(user.email)
    db.session.commit()
    click.echo(f"Password set for {user.email}")


@click.command("unlock-user")
@click.argument("email")
@with_appcontext
def unlock_user_command(email: str) -> None:
    """Lift the sign-in lock that repeated failures put on an email address."""
    cleared = throttle.unlock(email)
    db.session.commit()
    address = User.normalise_email(email)
    click.echo(f"Unlocked {address}" if cleared else f"{address} was not locked")


def register_commands(cli: click.Group) -> None:
    """Add the user administration commands to ``cli``."""
    for command in (create_user_command, set_password_command, unlock_user_command):
        cli.add_command(command)
