"""Sending mail through SMTP, configured by environment (CARECOURSE_SMTP_*), with the standard
library only: ``smtplib`` and ``email.message.EmailMessage``.

``mail_settings_from_env`` is read with the app's other settings. Without CARECOURSE_SMTP_HOST nothing is sent
(``enabled`` is False) and callers show or log the link instead, so a small provider can run
without a mail server.
"""
from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from course import ConfigError, positive_int_env  # a bad setting stops the app at start-up

TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
TIMEOUT_SECONDS = 15


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server; the text says why."""


def mail_settings_from_env() -> dict[str, Any]:
    """The accounts settings from the environment: SMTP (none when CARECOURSE_SMTP_HOST is unset),
    the sender, and the lifetimes of invitation and reset links."""
    tls = (os.environ.get("CARECOURSE_SMTP_TLS", "").strip().lower() or "starttls")
    if tls not in TLS_MODES:
        raise ConfigError(f"CARECOURSE_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    return {
        "SMTP_TLS": tls,
        "SMTP_HOST": os.environ.get("CARECOURSE_SMTP_HOST", "").strip(),
        "SMTP_PORT": positive_int_env("CARECOURSE_SMTP_PORT", DEFAULT_PORTS[tls]),
        "SMTP_USERNAME": os.environ.get("CARECOURSE_SMTP_USERNAME", "").strip(),
        "SMTP_PASSWORD": os.environ.get("CARECOURSE_SMTP_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("CARECOURSE_MAIL_FROM", "").strip() or "carecourse <no-reply@localhost>",
        "INVITE_DAYS": positive_int_env("CARECOURSE_INVITE_DAYS", 7),
        "RESET_MINUTES": positive_int_env("CARECOURSE_RESET_MINUTES", 60),
    }


def enabled() -> bool:
    """Whether an SMTP server is configured."""
    return bool(current_app.config.get("SMTP_HOST"))


@dataclass(frozen=True)
class Message:
    """One message to one person: plain text, and the same as simple HTML."""

    to: str
    subject: str
    text: str
    html: str


def build(message: Message) -> EmailMessage:
    """The MIME message: multipart/alternative, plain text first."""
    mime = EmailMessage()
    mime["From"] = current_app.config["MAIL_FROM"]
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Message-ID"] = make_msgid(domain="carecourse")
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    host, port, tls = cfg["SMTP_HOST"], int(cfg["SMTP_PORT"]), cfg["SMTP_TLS"]
    if tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if cfg["SMTP_USERNAME"]:
        smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
    return smtp


def _connect_problem(where: str, exc: Exception) -> str:
    """Why no message could be handed over, in words an admin can act on."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return (f"the mail server {where} refused the sign-in of CARECOURSE_SMTP_USERNAME "
                f"({exc.smtp_code} {detail})")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the mail server {where} has a certificate this host does not trust ({exc.verify_message})"
    return f"the mail server {where} could not be reached ({exc})"


def send_all(messages: Iterable[Message]) -> dict[int, str]:
    """Send ``messages`` over one connection; {index: why} for each that failed (empty: all sent).

    A failure to connect fails every message with the same reason; a refused recipient fails
    only its own message.
    """
    messages = list(messages)
    if not messages:
        return {}
    cfg = current_app.config
    where = f"{cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}"
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("could not connect to the mail server %s: %s", where, exc)
        return dict.fromkeys(range(len(messages)), _connect_problem(where, exc))
    failures: dict[int, str] = {}
    try:
        for index, message in enumerate(messages):
            try:
                smtp.send_message(build(message))
            except (OSError, smtplib.SMTPException) as exc:
                current_app.logger.warning("mail to %s failed: %s", message.to, exc)
                failures[index] = f"the mail server {where} refused the message ({exc})"
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):  # the messages already went (or failed) above
            smtp.close()
    return failures


def send(message: Message) -> None:
    """Send one message; ``MailError`` says why it could not be sent."""
    failures = send_all([message])
    if failures:
        raise MailError(failures[0])
