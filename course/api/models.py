"""ApiToken: a bearer token a tutor or admin creates to call the JSON API from a script.

Only a SHA-256 hash of the token is stored; the token itself is shown once, when created.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.base import utcnow
from course.models.users import User

TOKEN_PREFIX = "cc_"


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 hex digest (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(db.Model):
    """A bearer token for the JSON API, acting as its user."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        """A new token for ``user`` (added and flushed) and its secret, shown to the user once."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls(user_id=user.id, name=name.strip()[:100], token_hash=hash_token(secret))
        db.session.add(token)
        db.session.flush()
        return token, secret

    @classmethod
    def find(cls, secret: str) -> ApiToken | None:
        """The token whose secret is ``secret``, or None."""
        return db.session.scalar(select(cls).where(cls.token_hash == hash_token(secret)))

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"
