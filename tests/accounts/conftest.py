"""Fixtures for the accounts tests: a real SMTP server (aiosmtpd) and the app sending to it."""
from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from course.extensions import db
from tests.helpers import make_app

LINK_RE = re.compile(r"https?://\S+/account/set-password/[A-Za-z0-9_-]+")


class Mailbox:
    """The messages the test SMTP server accepted, in order (aiosmtpd's handler interface)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        """The plain text part."""
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, message: EmailMessage) -> str:
        """The one set-password link of ``message``'s text."""
        links = LINK_RE.findall(self.text(message))
        assert len(links) == 1, self.text(message)
        return links[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A running SMTP server on 127.0.0.1 (port in ``mailbox.port``) collecting every message."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port  # type: ignore[attr-defined]
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Iterator[Flask]:
    """The app on a fresh schema, mailing through ``mailbox`` without TLS."""
    app = make_app(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port, SMTP_TLS="none",  # type: ignore[attr-defined]
                   MAIL_FROM="carecourse <courses@provider.test>")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def signed_in(client: object) -> bool:
    """Whether ``client``'s session still signs it in (home sends the signed-out to /login)."""
    response = client.get("/")  # type: ignore[attr-defined]
    assert response.status_code == 302
    return not response.headers["Location"].startswith("/login")
