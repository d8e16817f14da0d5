"""User administration from the command line: users, passwords, sessions, sign-in delays."""
from __future__ import annotations

import math
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course.auth import accounts, sessions, throttle
from course.dbtypes import utcnow
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
    """Set a user's password: signs them out everywhere and lifts their sign-in delays."""
    _check_password(password)
    user = _user(email)
    ended = accounts.change_password(user, password)
    db.session.commit()
    click.echo(f"Password set for {user.email}; {_sessions(ended)} ended")


@click.command("sign-out-everywhere")
@click.argument("email")
@with_appcontext
def sign_out_everywhere_command(email: str) -> None:
    """End every session of a user, in every browser (API tokens are not affected)."""
    user = _user(email)
    ended = sessions.sign_out_everywhere(user)
    db.session.commit()
    click.echo(f"Signed {user.email} out: {_sessions(ended)} ended")


@click.command("sign-in-delays")
@with_appcontext
def sign_in_delays_command() -> None:
    """List the sign-in delays in force now, the longest first."""
    now = utcnow()
    delays = throttle.current_delays()
    if not delays:
        click.echo("No sign-in delays.")
        return
    labels = {"pair": "account from address", "account": "account from untrusted browsers",
              "address": "accounts from address", "device": "account from one trusted browser"}
    click.echo(f"{'wait':>6}  {'failures':>8}  {'what':<32}  who")
    for row in delays:
        wait = max(1, math.ceil((row.blocked_until - now).total_seconds()))
        who = " from ".join(part for part in (row.email, row.address) if part)
        click.echo(f"{wait:>5}s  {row.failures:>8}  {labels.get(row.kind, row.kind):<32}  {who}")


@click.command("unlock-user")
@click.argument("email")
@with_appcontext
def unlock_user_command(email: str) -> None:
    """Lift the sign-in delays on an email address, from every address and browser."""
    waiting = throttle.unlock_account(email)
    db.session.commit()
    address = User.normalise_email(email)
    click.echo(f"Lifted the sign-in delays on {address}" if waiting else f"{address} had no sign-in delay")


@click.command("unlock-address")
@click.argument("address")
@with_appcontext
def unlock_address_command(address: str) -> None:
    """Lift the sign-in delays on a network address (IPv4 or IPv6), for every account."""
    waiting = throttle.unlock_address(address)
    db.session.commit()
    address = address.strip()
    click.echo(f"Lifted the sign-in delays on {address}" if waiting else f"{address} had no sign-in delay")


def _user(email: str) -> User:
    user = User.by_email(email)
    if user is None:
        raise _Fail(f"no user with email {User.normalise_email(email)}")
    return user


def _sessions(count: int) -> str:
    return f"{count} session" + ("" if count == 1 else "s")


def register_commands(cli: click.Group) -> None:
    """Add the user administration commands to ``cli``."""
    for command in (create_user_command, set_password_command, sign_out_everywhere_command,
                    sign_in_delays_command, unlock_user_command, unlock_address_command):
        cli.add_command(command)
