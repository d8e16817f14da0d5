"""deploy/nginx.conf run by Debian's nginx in front of the app, as README's Production recipe sets it
up (only the ports, certificate and folders moved for the test): `nginx -t` accepts it; plain HTTP
is sent to HTTPS; over HTTPS the app sees a secure request from the client's own address (it sends
HSTS only then, and the sign-in throttle counts that address); static files come from the app's
folder; and nginx lets through a request as large as the app takes, so the app answers it."""
from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from course.extensions import db
from tests.helpers import REPO_ROOT, make_app
from tests.ops.conftest import free_port

HOST = "learn.example.org"
# The learner's browser: another loopback address than nginx's own, so that the app can only know
# it from the X-Forwarded-For header nginx sets.
CLIENT = "127.0.0.2"


def _site(conf: str, *, http: int, https: int, app_port: int, folder: Path) -> str:
    """deploy/nginx.conf with its ports, certificate and static folder moved into the test's own."""
    out = []
    for line in conf.splitlines():
        if "listen [::]" in line:  # the test machine need not have IPv6
            continue
        line = line.replace("listen 80;", f"listen 127.0.0.1:{http};")
        line = line.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
        line = line.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
        line = line.replace("/etc/letsencrypt/live/learn.example.org", str(folder))
        line = line.replace("/srv/carecourse/course/static/", str(REPO_ROOT / "course" / "static") + "/")
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture
def behind_nginx(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The app (one proxy trusted for X-Forwarded-For and -Proto, as the env example sets) served
    on a free port, and nginx in front of it with deploy/nginx.conf."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is installed by `make install-test` (Debian's nginx-light)"
    app = make_app(tmp_path, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    folder = tmp_path / "nginx"
    folder.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
                    "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
                   check=True, capture_output=True)
    http_port, https_port = free_port(), free_port()
    (folder / "site.conf").write_text(_site((REPO_ROOT / "deploy" / "nginx.conf").read_text(), http=http_port,
                                            https=https_port, app_port=server.server_port, folder=folder))
    temp = "".join(f"{name}_temp_path {folder / name};\n" for name in
                   ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
        + f"http {{\naccess_log {folder / 'access.log'};\n{temp}include {folder / 'site.conf'};\n}}\n")
    checked = subprocess.run([nginx, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                             capture_output=True, text=True)
    running = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", https_port)) == 0:
                    break
            time.sleep(0.05)
        yield {"app": app, "check": checked, "http": http_port, "https": https_port}
    finally:
        running.terminate()
        running.wait(timeout=10)
        server.shutdown()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _request(port: int, method: str, path: str, *, secure: bool, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    if secure:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, context=context, timeout=30, source_address=(CLIENT, 0))
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(CLIENT, 0))
    connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    response.read()
    return response


def test_nginx_takes_the_file_and_the_app_behind_it_sees_https_and_the_client(behind_nginx) -> None:
    check = behind_nginx["check"]
    assert check.returncode == 0, check.stderr
    assert "syntax is ok" in check.stderr

    plain = _request(behind_nginx["http"], "GET", "/login?next=/learn/", secure=False)
    assert plain.status == 301 and plain.getheader("Location") == f"https://{HOST}/login?next=/learn/"

    page = _request(behind_nginx["https"], "GET", "/login", secure=True)
    assert page.status == 200
    assert page.getheader("Strict-Transport-Security"), "the app saw the request as HTTPS"
    static = _request(behind_nginx["https"], "GET", "/static/carecourse.css", secure=True)
    assert static.status == 200 and static.getheader("Cache-Control") == "public, no-cache"
    etag = static.getheader("ETag")
    assert _request(behind_nginx["https"], "GET", "/static/carecourse.css", secure=True,
                    headers={"If-None-Match": etag}).status == 304

    # A failed sign-in is counted against the client's address as nginx passed it on.
    app = behind_nginx["app"]
    with app.app_context():
        from course.models.users import LoginThrottle

        before = db.session.scalar(db.select(db.func.count()).select_from(LoginThrottle))
    app.config["WTF_CSRF_ENABLED"] = False
    _request(behind_nginx["https"], "POST", "/login", secure=True, body=b"email=a%40b.test&password=wrong",
             headers={"Content-Type": "application/x-www-form-urlencoded"})
    with app.app_context():
        addresses = set(db.session.scalars(db.select(LoginThrottle.address)))
    assert before == 0 and CLIENT in addresses and "127.0.0.1" not in addresses


def test_a_request_the_app_refuses_for_size_is_the_app_s_answer(behind_nginx) -> None:
    app = behind_nginx["app"]
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = _request(behind_nginx["https"], "POST", "/login", secure=True, body=b"x" * (limit + 1),
                        headers={"Content-Type": "application/octet-stream"})
    # 413 from the app (its page names the limit), not nginx's own "413 Request Entity Too Large"
    assert response.status == 413
    assert response.getheader("Content-Security-Policy"), "the app's answer, with its headers"
