"""Invitations and password reset requests: the links, their messages, and their delivery.

Issuing (``prepare_*``) flushes the link's token; the caller commits, then ``deliver`` sends the
messages, so a mailed link always works. Without SMTP, or when sending fails, the links are
written to the app log and returned to the caller to show to the admin or tutor who sent them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import select

from course.accounts import mail, tokens
from course.accounts.models import INVITE, RESET, AccountToken
from course.dbtypes import utcnow
from course.extensions import db
from course.models.users import ROLE_LABELS, User

# A second reset request within this time sends nothing: one person's inbox cannot be flooded.
RESET_RESEND_SECONDS = 60


@dataclass
class Delivery:
    """One link for one person: whether it was mailed, and why not when it was not."""

    name: str
    email: str
    link: str
    expires_at: dt.datetime
    message: mail.Message
    sent: bool = False
    problem: str | None = None  # None with ``sent`` False: no mail server is configured


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%-d %B %Y at %H:%M UTC")


def _link(token: str) -> str:
    return url_for("accounts.set_password", token=token, _external=True)


def _message(user: User, subject: str, lines: list[str], link: str) -> mail.Message:
    """Plain text and the same as HTML, the link on its own line."""
    greeting = f"Hello {user.name},"
    text = "\n\n".join([greeting, lines[0], link, *lines[1:]]) + "\n"
    html = Markup("").join([
        Markup("<p>{}</p>").format(greeting),
        Markup("<p>{}</p>").format(lines[0]),
        Markup('<p><a href="{0}">{0}</a></p>').format(link),
        *(Markup("<p>{}</p>").format(line) for line in lines[1:]),
    ])
    return mail.Message(to=user.email, subject=subject, text=text, html=str(html))


def prepare_invitation(user: User, by: User) -> Delivery:
    """A new invitation link for ``user`` (replacing any unused one), and its message."""
    link = _link(tokens.issue(user, INVITE, by=by))
    expires = utcnow() + tokens.lifetime(INVITE)
    where = f" at {user.organisation.name}" if user.organisation else ""
    role = ROLE_LABELS.get(user.role, user.role).lower()
    message = _message(user, "Your carecourse account: choose a password", [
        f"{by.name} has made you a carecourse account as {'an' if role[0] in 'aeiou' else 'a'} {role}{where}. "
        "Open this link to choose your password; it works once, until " + _when(expires) + ":",
        f"Your sign-in email address is {user.email}.",
        "If you were not expecting this email, you can ignore it.",
    ], link)
    return Delivery(user.name, user.email, link, expires, message)


def learners_to_invite(user_ids: list[int], organisation_id: int) -> list[User]:
    """Those of ``user_ids`` in ``organisation_id`` who are active and have no password yet (who
    enrolment's "send invitations", and the job that mails many, invite), in name order."""
    if not user_ids:
        return []
    return list(db.session.scalars(select(User).where(
        User.id.in_(user_ids), User.organisation_id == organisation_id, User.active.is_(True),
        User.password_hash == "").order_by(User.name, User.id)))


def prepare_reset(email: str) -> Delivery | None:
    """A reset link for the active account using ``email``, or None (no such account, or a link
    was sent in the last minute). The caller says the same thing either way."""
    user = User.by_email(email)
    if user is None or not user.active:
        return None
    recent = db.session.scalar(select(AccountToken.id).where(
        AccountToken.user_id == user.id, AccountToken.purpose == RESET, AccountToken.used_at.is_(None),
        AccountToken.created_at > utcnow() - dt.timedelta(seconds=RESET_RESEND_SECONDS)))
    if recent is not None:
        return None
    link = _link(tokens.issue(user, RESET))
    expires = utcnow() + tokens.lifetime(RESET)
    message = _message(user, "Reset your carecourse password", [
        "Someone, probably you, asked to reset the password of your carecourse account. "
        "Open this link to choose a new one; it works once, until " + _when(expires) + ":",
        "Choosing a new password signs you out everywhere else.",
        "If you did not ask, ignore this email: your password stays as it is.",
    ], link)
    return Delivery(user.name, user.email, link, expires, message)


def deliver(deliveries: list[Delivery], purpose: str = INVITE) -> list[Delivery]:
    """Mail each link (one SMTP connection); without a mail server, log them. Returns ``deliveries``
    with ``sent`` and ``problem`` filled in."""
    if not mail.enabled():
        for d in deliveries:
            current_app.logger.warning("no mail server configured: %s link for %s: %s", purpose, d.email, d.link)
        return deliveries
    failures = mail.send_all(d.message for d in deliveries)
    for index, d in enumerate(deliveries):
        d.problem = failures.get(index)
        d.sent = d.problem is None
        if not d.sent:
            current_app.logger.warning("%s link for %s not mailed (%s): %s", purpose, d.email, d.problem, d.link)
    return deliveries


def summary(deliveries: list[Delivery]) -> str:
    """What happened, in one sentence for a flash message."""
    sent = sum(d.sent for d in deliveries)
    failed = sum(d.problem is not None for d in deliveries)
    noun = "invitation" if sent == 1 else "invitations"
    if failed:
        return f"{sent} {noun} sent; {failed} could not be mailed: give those people their link below."
    if sent == len(deliveries):
        return f"{sent} {noun} sent by email."
    return "No mail server is configured: give each person their link below (it is also in the app log)."

