"""Account changes that end sessions.

A new password ends every session of its user: the CLI's ``set-password`` calls
``change_password``, and a future Users or "change my password" page must call it too, never
``User.set_password`` alone on an existing account. "Sign out everywhere" on its own is
``course.auth.sessions.sign_out_everywhere``. These flush, never commit.
"""
from __future__ import annotations

from course.auth import sessions, throttle
from course.extensions import db
from course.models.users import User


def change_password(user: User, password: str) -> int:
    """Give ``user`` a new password, end every session of theirs and lift their sign-in delays;
    how many sessions were ended."""
    user.set_password(password)
    ended = sessions.sign_out_everywhere(user)
    throttle.unlock_account(user.email)
    db.session.flush()
    return ended
