"""Sending mail through SMTP, configured by environment (CARECOURSE_SMTP_*), with the standard
library only: ``smtplib`` and ``email.message.EmailMessage``.

``configure`` reads the environment once per app. Without CARECOURSE_SMTP_HOST nothing is sent
(``enabled`` is False) and callers show or log the link instead, so a small provider can run
without a mail server.
"""
from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask, current_app

from course import ConfigError  # the app's own: a bad setting stops it at start-up

TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
TIMEOUT_SECONDS = 15


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server; the text says why."""


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def configure(app: Flask) -> None:
    """Fill in the accounts settings from the environment, keeping any the app was given."""
    tls = (os.environ.get("CARECOURSE_SMTP_TLS", "").strip().lower() or "starttls")
    if tls not in TLS_MODES:
        raise ConfigError(f"CARECOURSE_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    app.config.setdefault("SMTP_TLS", tls)
    app.config.setdefault("SMTP_HOST", os.environ.get("CARECOURSE_SMTP_HOST", "").strip())
    app.config.setdefault("SMTP_PORT", _int_env("CARECOURSE_SMTP_PORT", DEFAULT_PORTS[app.config["SMTP_TLS"]]))
    app.config.setdefault("SMTP_USERNAME", os.environ.get("CARECOURSE_SMTP_USERNAME", "").strip())
    app.config.setdefault("SMTP_PASSWORD", os.environ.get("CARECOURSE_SMTP_PASSWORD", ""))
    app.config.setdefault("MAIL_FROM", os.environ.get("CARECOURSE_MAIL_FROM", "").strip()
                          or "carecourse <no-reply@localhost>")
    app.config.setdefault("INVITE_DAYS", _int_env("CARECOURSE_INVITE_DAYS", 7))
    app.config.setdefault("RESET_MINUTES", _int_env("CARECOURSE_RESET_MINUTES", 60))


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
        return dict.fromkeys(range(len(messages)), f"the mail server {where} could not be reached ({exc})")
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
