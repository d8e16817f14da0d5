"""Issuing and redeeming invitation and password reset links.

A link is good once, until it expires. Issuing a new link of a purpose deletes the person's
unused links of that purpose ("resend replaces the old link"); setting a password through any
link deletes every other unused link of that person. These flush, never commit.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, select, update

from course.accounts.models import INVITE, PURPOSES, AccountToken, hash_token
from course.auth import accounts as auth_accounts
from course.dbtypes import utcnow
from course.extensions import db
from course.models.users import User

# Why a link cannot be used, as the page says it.
UNKNOWN = "This link is not valid. Check that you copied the whole link, or ask for a new one."
USED = "This link has already been used. Links work once: ask for a new one if you need it."
EXPIRED = "This link has expired. Ask for a new one."


def lifetime(purpose: str) -> dt.timedelta:
    """How long a new link of ``purpose`` stays good (config INVITE_DAYS / RESET_MINUTES)."""
    if purpose == INVITE:
        return dt.timedelta(days=current_app.config["INVITE_DAYS"])
    return dt.timedelta(minutes=current_app.config["RESET_MINUTES"])


def issue(user: User, purpose: str, *, by: User | None = None) -> str:
    """A new link token for ``user`` (its hash stored, flushed), replacing their unused ones."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    db.session.execute(
        delete(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(AccountToken(
        purpose=purpose, token_hash=hash_token(token), user_id=user.id, created_at=now,
        expires_at=now + lifetime(purpose), created_by_id=by.id if by else None,
    ))
    db.session.flush()
    return token


@dataclass
class Found:
    """A link looked up: its row and user when usable, else ``problem`` (the page's message)."""

    row: AccountToken | None
    user: User | None
    problem: str | None


def find(token: str) -> Found:
    """The link with ``token``, and whether it can still be used."""
    row = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == hash_token(token))) \
        if token and len(token) <= 200 else None
    if row is None or not row.user.active:
        return Found(None, None, UNKNOWN)
    if row.used_at is not None:
        return Found(row, row.user, USED)
    if utcnow() >= row.expires_at:
        return Found(row, row.user, EXPIRED)
    return Found(row, row.user, None)


class AlreadyUsed(Exception):
    """Another request used the link first."""


def redeem(row: AccountToken, password: str) -> int:
    """Use the link: set the password, end the user's sessions, lift their sign-in delays,
    and void their other unused links. How many sessions ended.

    The link is marked used by a conditional UPDATE, so of two requests racing with one link
    only one sets a password (the other gets ``AlreadyUsed``)."""
    user = row.user
    marked = db.session.execute(
        update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    if marked != 1:
        raise AlreadyUsed
    db.session.execute(
        delete(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None), AccountToken.id != row.id)
        .execution_options(synchronize_session=False)
    )
    return auth_accounts.change_password(user, password)


def pending_invitations(user_ids: list[int]) -> dict[int, dt.datetime]:
    """For each of ``user_ids`` with an unused, unexpired invitation: when it expires."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(AccountToken.user_id, AccountToken.expires_at).where(
            AccountToken.user_id.in_(user_ids), AccountToken.purpose == INVITE,
            AccountToken.used_at.is_(None), AccountToken.expires_at > utcnow())
    ).all()
    return {user_id: expires for user_id, expires in rows}
