"""The admin's view of their organisation's people: listing and the changes an admin can make.

Every function is scoped to one organisation: an account of another organisation is "not
found", never named. Changes flush, never commit, and raise ``Refused`` with the reason an
admin sees when they would do harm (an admin deactivating or demoting themself).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select

from course.auth import sessions, throttle
from course.dbtypes import UTCDateTime, utcnow
from course.extensions import db
from course.models.users import ROLES, LoginThrottle, User

PER_PAGE = 50
MAX_SEARCH = 200


class Refused(Exception):
    """The change was not made; the message says why."""


def _in_org(organisation_id: int | None) -> object:
    return User.organisation_id.is_(None) if organisation_id is None else User.organisation_id == organisation_id


def user_in(organisation_id: int | None, user_id: int) -> User | None:
    """The user ``user_id`` if they belong to the organisation, else None."""
    return db.session.scalar(select(User).where(User.id == user_id, _in_org(organisation_id)))


@dataclass
class Page:
    """One page of users and how many match in all."""

    users: list[User]
    total: int
    page: int
    pages: int


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search(organisation_id: int | None, *, text: str = "", role: str = "", page: int = 1) -> Page:
    """Users of the organisation whose name or email contains ``text`` (any case), of ``role``
    (blank: any), by name, ``PER_PAGE`` a page."""
    query = select(User).where(_in_org(organisation_id))
    text = text.strip()[:MAX_SEARCH]
    if text:
        pattern = _like(text)
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                User.email.like(pattern, escape="\\")))
    if role in ROLES:
        query = query.where(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    users = list(db.session.scalars(query.order_by(func.lower(User.name), User.id)
                                    .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return Page(users, total, page, pages)


def delayed_emails(emails: list[str]) -> set[str]:
    """Which of ``emails`` have a sign-in delay in force now."""
    if not emails:
        return set()
    return set(db.session.scalars(select(LoginThrottle.email).where(
        LoginThrottle.email.in_(emails),
        LoginThrottle.blocked_until > bindparam("now", utcnow(), type_=UTCDateTime()))))


def change_role(admin: User, user: User, role: str) -> bool:
    """Give ``user`` the role ``role``; whether it changed."""
    if role not in ROLES:
        raise Refused(f"{role!r} is not a role")
    if user.id == admin.id and role != "admin":
        raise Refused("You cannot take away your own admin role: ask another admin.")
    if user.role == role:
        return False
    user.role = role
    db.session.flush()
    return True


def set_active(admin: User, user: User, active: bool) -> bool:
    """Deactivate (ending every session) or reactivate ``user``; whether it changed."""
    if user.id == admin.id and not active:
        raise Refused("You cannot deactivate your own account: ask another admin.")
    if user.active == active:
        return False
    user.active = active
    if not active:
        sessions.sign_out_everywhere(user)
    db.session.flush()
    return True


def sign_out_everywhere(user: User) -> int:
    """End every session of ``user``; how many."""
    return sessions.sign_out_everywhere(user)


def lift_sign_in_delay(user: User) -> int:
    """Lift every sign-in delay and failure count on ``user``'s email; how many keys were waiting."""
    waiting = throttle.unlock_account(user.email)
    db.session.flush()
    return waiting
