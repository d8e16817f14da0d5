"""Processes as production runs them: gunicorn web nodes on one database, started and killed
the way systemd does (tests/ops); and the deployment files checked against the app."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers import REPO_ROOT

# How long a gunicorn may take to answer after starting (a loaded 2-core machine), and to stop.
START_SECONDS = 60
STOP_SECONDS = 30


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_taken(port: int) -> bool:
    """Whether a process holds ``port`` open for listening. It tries to bind the port rather than
    connect: a connection would wake an orphaned gunicorn worker, which then sees its master
    gone and exits."""
    with socket.socket() as probe:
        # As gunicorn binds: connections of the past (TIME_WAIT) do not count, a listener does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def group_running(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (a zombie has already closed its files)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # state, ppid, pgrp
            return True
    return False


class Gunicorn:
    """A ``python -m gunicorn`` serving the app, in a process group of its own (as systemd's
    control group holds a unit's processes)."""

    def __init__(self, port: int, env: dict[str, str], log: Path, workers: int = 1, timeout: int = 30):
        self.port = port
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", str(timeout),
             "--bind", f"127.0.0.1:{port}", "course:create_app()"],
            cwd=REPO_ROOT, env=env, start_new_session=True,
            stdout=log.open("ab"), stderr=subprocess.STDOUT)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_serving(self) -> None:
        """Wait until /healthz answers 200; fail with gunicorn's log if it stops or never does."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped ({self.process.returncode}):\n{self.log.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer within {START_SECONDS} s:\n{self.log.read_text()}")

    def kill_group(self) -> None:
        """Kill every process of the group, as systemd does with KillMode=control-group."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(STOP_SECONDS)
        # SIGKILL is delivered asynchronously: the orphans' sockets close as each one exits.
        deadline = time.monotonic() + STOP_SECONDS
        while group_running(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A SQLite database file with the schema, framework TESTFW and a tutor of "Org A"
    (tutor@ops.test); its URL."""
    from course import create_app
    from course.extensions import db
    from course.frameworks.service import store_framework
    from course.models import Organisation, User
    from tests.helpers import DEFAULT_PASSWORD, framework_doc

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "JOBS_BACKEND": "inline", "MIGRATIONS_DIR": str(tmp_path / "none")})
    with app.app_context():
        db.create_all()
        store_framework(framework_doc("TESTFW"), source="test")
        user = User(email="tutor@ops.test", name="Tutor", role="tutor", organisation=Organisation(name="Org A"))
        user.set_password(DEFAULT_PASSWORD)
        db.session.add(user)
        db.session.commit()
        db.engine.dispose()
    yield url


@pytest.fixture
def web_env(database: str) -> dict[str, str]:
    """The environment of a web node (carecourse.env as deploy/ has it, on the test database)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CARECOURSE_", "FLASK_")) and key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=database, SECRET_KEY="ops-test-secret", CARECOURSE_JOBS="thread")
    return env


@pytest.fixture
def start_gunicorn(tmp_path: Path) -> Iterator[Callable[..., Gunicorn]]:
    """``start_gunicorn(env, port=None, **options)``: a serving gunicorn; all killed at the end."""
    started: list[Gunicorn] = []

    def start(env: dict[str, str], port: int | None = None, wait: bool = True, **options: Any) -> Gunicorn:
        server = Gunicorn(port or free_port(), env, tmp_path / f"gunicorn-{len(started)}.log", **options)
        started.append(server)
        if wait:
            server.wait_until_serving()
        return server

    yield start
    for server in started:
        server.kill_group()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)
