"""AccountToken: a single-use, expiring link that lets a person set their password.

Two purposes: an invitation (an admin or tutor asks a new person to choose a password) and a
password reset (the person asked, from the sign-in page). Only a SHA-256 hash of the token is
stored, as for sessions and API tokens: a copy of this table gives nobody a working link.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.base import utcnow
from course.models.users import User

INVITE = "invite"
RESET = "reset"
PURPOSES = (INVITE, RESET)


def hash_token(token: str) -> str:
    """The stored form of a link's token: its SHA-256 hex digest (tokens are random, no salt needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccountToken(db.Model):
    """One invitation or password reset link: whose, for what, until when, and whether used."""

    __tablename__ = "account_token"
    __table_args__ = (CheckConstraint("purpose IN ('invite', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    # Who sent an invitation (None for a reset the person asked for themself).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<AccountToken {self.id} {self.purpose} user={self.user_id}>"
