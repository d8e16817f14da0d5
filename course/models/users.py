"""Organisations, users with one role each, their server-side sessions and the sign-in throttle."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from course.extensions import db
from course.models.base import TimestampMixin, utcnow

# An assessor judges workplace evidence against criteria; an internal quality assurer (IQA)
# samples those decisions and signs off question-to-criterion mappings.
ROLES: tuple[str, ...] = ("admin", "tutor", "assessor", "iqa", "learner")
ROLE_LABELS: dict[str, str] = {
    "admin": "Admin", "tutor": "Tutor", "assessor": "Assessor", "iqa": "Internal quality assurer",
    "learner": "Learner",
}


class Organisation(TimestampMixin, db.Model):
    """A training provider or employer; users belong to one."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in: an admin, a tutor, an assessor, an IQA or a learner."""

    __tablename__ = "user_account"  # "user" is reserved on PostgreSQL
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'tutor', 'assessor', 'iqa', 'learner')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Bookkeeping shown to admins; the delays themselves live in LoginThrottle.
    failed_logins: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    @validates("email")
    def _normalise_email(self, key: str, value: str) -> str:
        return self.normalise_email(value)

    @staticmethod
    def normalise_email(email: str) -> str:
        """The form an email is stored and looked up in: stripped, lower case."""
        return email.strip().lower()

    @classmethod
    def by_email(cls, email: str) -> User | None:
        """The user with this email (any case), or None."""
        return db.session.scalar(select(cls).where(cls.email == cls.normalise_email(email)))

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (method from config PASSWORD_HASH_METHOD)."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    # The server-side session this instance was loaded or signed in for (course.auth.sessions).
    # Not a column: Flask-Login keeps get_id() in the cookie, so the cookie names a session
    # that the database can end, never the user's permanent id.
    session_token = None

    def get_id(self) -> str:
        """The random id of this user's current session (Flask-Login's alternative id)."""
        if not self.session_token:
            raise RuntimeError("sign users in with course.auth.sessions.start(), not with their id")
        return self.session_token

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses inactive users."""
        return self.active

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles``."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser: a hash of the random id its cookie carries, its user and times."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the id: a copy of this table does not let anyone act as the users in it.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class LoginThrottle(db.Model):
    """Failed sign-ins counted per key, shared by every worker (course.auth.throttle has the rules).

    ``kind`` is "pair" (one account from one address), "account" (one account from addresses
    without a trusted-device cookie), "address" (distinct accounts failing from one address) or
    "device" (one account from one trusted browser); "reset" counts forgotten-password requests
    from one address (course.auth.throttle.count_reset_request).
    """

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(320), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    address: Mapped[str | None] = mapped_column(String(64), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime]
    blocked_until: Mapped[dt.datetime | None]

    @classmethod
    def count(cls) -> int:
        """Number of throttle rows (for tests and admin views)."""
        return db.session.scalar(select(func.count()).select_from(cls)) or 0
