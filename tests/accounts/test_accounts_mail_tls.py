"""Mail over TLS, as providers' SMTP services require: STARTTLS (port 587) with a login, and
implicit TLS (port 465), each against a real SMTP server with its own certificate, trusted the
way a production host trusts one (the system's certificate store, here SSL_CERT_FILE). A server
whose certificate is not trusted gets nothing: the admin sees why and the link to give by hand."""
from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.accounts.conftest import LINK_RE, Mailbox, free_port

USER, PASSWORD = "courses@provider.test", "app-password-1"


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (openssl, as on any Debian host)."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("tls")
    return {"trusted": _certificate(folder, "trusted"), "stranger": _certificate(folder, "stranger")}


def _server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def tls_server(certificates: dict[str, tuple[Path, Path]], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``tls_server(mode, certificate="trusted")``: a running SMTP server (starttls: login required
    after STARTTLS; ssl: implicit TLS) and its mailbox. The trusted certificate is the client's
    only trusted authority."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates["trusted"][0]))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    started: list[Controller] = []

    def start(mode: str, certificate: str = "trusted") -> tuple[Mailbox, int]:
        box, port = Mailbox(), free_port()
        context = _server_context(*certificates[certificate])
        if mode == "starttls":
            controller = Controller(box, hostname="127.0.0.1", port=port, tls_context=context,
                                    require_starttls=True, authenticator=_authenticate, auth_required=True)
        else:
            controller = Controller(box, hostname="127.0.0.1", port=port, ssl_context=context,
                                    server_hostname="127.0.0.1")
        controller.start()
        started.append(controller)
        return box, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def admin(login_as: Any, create_org: Any) -> Any:
    return login_as("admin", org=create_org("Sunrise Care"), name="Ada Admin")


def _invite(client: Any, email: str) -> str:
    response = client.post("/admin/users/invite", data={"name": "Bea Brown", "email": email, "role": "learner"},
                           follow_redirects=True)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_an_invitation_is_mailed_over_tls(mode, app, client, admin, tls_server) -> None:
    box, port = tls_server(mode)
    app.config.update(SMTP_PORT=port, SMTP_TLS=mode)
    if mode == "starttls":  # a login, which the server takes only once the connection is encrypted
        app.config.update(SMTP_USERNAME=USER, SMTP_PASSWORD=PASSWORD)
    page = _invite(client, "bea@care.test")
    assert "1 invitation sent by email." in page
    assert [m["To"] for m in box.messages] == ["bea@care.test"]
    assert LINK_RE.search(box.text(box.messages[0]))


def test_a_wrong_password_or_an_untrusted_certificate_sends_nothing_and_says_why(app, client, admin, tls_server) -> None:
    box, port = tls_server("starttls")
    app.config.update(SMTP_PORT=port, SMTP_TLS="starttls", SMTP_USERNAME=USER, SMTP_PASSWORD="not-the-password")
    page = _invite(client, "bea@care.test")
    assert "0 invitations sent; 1 could not be mailed: give those people their link below." in page
    assert (f"the mail server 127.0.0.1:{port} refused the sign-in of CARECOURSE_SMTP_USERNAME "
            "(535 5.7.8 Authentication credentials invalid)") in page, page
    assert len(set(LINK_RE.findall(page))) == 1  # the link, to give by hand
    assert box.messages == []

    stranger, port = tls_server("ssl", certificate="stranger")
    app.config.update(SMTP_PORT=port, SMTP_TLS="ssl", SMTP_USERNAME="", SMTP_PASSWORD="")
    page = _invite(client, "cal@care.test")
    assert "0 invitations sent; 1 could not be mailed" in page
    assert (f"the mail server 127.0.0.1:{port} has a certificate this host does not trust "
            "(self-signed certificate)") in page, page
    assert stranger.messages == []
