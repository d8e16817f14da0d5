"""Server-side sessions: signing out, a password change or an admin can end them.

Flask's session cookie is signed, not stored, so on its own a copy of it works until it expires.
Here the cookie carries only a random session id (Flask-Login's "alternative id": ``User.get_id``
returns it), and the database keeps one ``UserSession`` row per signed-in browser: a SHA-256 of
the id, the user, and when it was created and last seen. A request is signed in only while its
row exists and is current, so:

- signing out deletes the row, and a copy of the cookie stops working;
- ``sign_out_everywhere`` (an admin's decision, and every password change) deletes all of a
  user's rows;
- a session ends ``SESSION_IDLE_MINUTES`` after its last request, and ``SESSION_MAX_HOURS``
  after sign-in whatever the browser does;
- ``last_seen_at`` is written at most once every ``SESSION_TOUCH_SECONDS``, so a learner whose
  player sends autosaves and 30-second heartbeats costs one small UPDATE a minute.

API bearer tokens are separate credentials (course.api.tokens) and are not ended here.
Functions that change sessions flush, never commit: the caller commits.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, g, session
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from course.dbtypes import utcnow
from course.extensions import db
from course.models.users import User, UserSession

ENDED_MESSAGE = "Your session has ended: sign in again."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _limits() -> tuple[dt.timedelta, dt.timedelta, dt.timedelta]:
    """(idle, absolute, touch interval) from the app's config."""
    cfg = current_app.config
    return (
        dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
        dt.timedelta(hours=cfg["SESSION_MAX_HOURS"]),
        dt.timedelta(seconds=cfg["SESSION_TOUCH_SECONDS"]),
    )


def start(user: User) -> str:
    """Open a new session for ``user`` (flushed) and return its id for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    prune(now)
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id, created_at=now, last_seen_at=now))
    db.session.flush()
    user.session_token = token
    return token


def user_for(token: str) -> User | None:
    """The active user whose current session has id ``token``, else None.

    None for an unknown, ended or expired session also marks the request (``has_ended``). A page
    request also forgets the id in the cookie, so the sign-in page says why once; JSON requests
    keep it, so every call the player makes until the learner signs in again says why.
    """
    from course.auth.decorators import is_api_path  # decorators imports this module

    row = db.session.execute(
        select(UserSession, User).join(User, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(token))
    ).first() if token else None
    now = utcnow()
    idle, absolute, touch = _limits()
    if (
        row is None
        or not row.User.active
        or now - row.UserSession.created_at >= absolute
        or now - row.UserSession.last_seen_at >= idle
    ):
        g.session_ended = True
        if not is_api_path():
            for key in ("_user_id", "_fresh", "_id"):
                session.pop(key, None)
        return None
    if now - row.UserSession.last_seen_at >= touch:
        _touch(row.UserSession.id, now, touch)
    user: User = row.User
    user.session_token = token
    return user


def _touch(session_id: int, now: dt.datetime, touch: dt.timedelta) -> None:
    """Record that a session was just used, on a connection of its own.

    The request's own transaction is left alone (a view commits once, or not at all); the
    condition keeps concurrent requests of one browser to a single write.
    """
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(UserSession)
                .where(UserSession.id == session_id, UserSession.last_seen_at <= now - touch)
                .values(last_seen_at=now)
            )
    except SQLAlchemyError:  # best effort: a missed refresh only brings the idle end nearer
        current_app.logger.warning("could not refresh session %s", session_id, exc_info=True)


def has_ended() -> bool:
    """Whether this request came with a session that has ended or expired."""
    return bool(g.get("session_ended"))


def end(token: str | None) -> int:
    """End the session with id ``token`` (signing out); the number of sessions ended."""
    if not token:
        return 0
    return db.session.execute(
        delete(UserSession).where(UserSession.token_hash == _hash(token))
        .execution_options(synchronize_session=False)
    ).rowcount


def sign_out_everywhere(user: User) -> int:
    """End every session of ``user`` (an admin's decision, or a password change); how many."""
    return db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount


def prune(now: dt.datetime | None = None) -> int:
    """Delete sessions past their idle or absolute end, so the table holds only live ones."""
    now = now or utcnow()
    idle, absolute, _ = _limits()
    return db.session.execute(
        delete(UserSession)
        .where((UserSession.last_seen_at <= now - idle) | (UserSession.created_at <= now - absolute))
        .execution_options(synchronize_session=False)
    ).rowcount
