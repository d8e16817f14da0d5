"""deploy/ agrees with the app: the environment it sets is what the app reads, the units run the
commands that exist and kill their whole group, nginx lets through every request the app takes."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"


def _env_example() -> dict[str, str]:
    """Every NAME=value of carecourse.env.example, the commented-out ones too."""
    found = {}
    for line in (DEPLOY / "carecourse.env.example").read_text().splitlines():
        match = re.fullmatch(r"#?\s*([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text().replace("\\\n", " "))
    return parser


def test_every_variable_of_the_example_is_read_by_the_app():
    source = "\n".join(path.read_text() for path in (REPO_ROOT / "course").rglob("*.py"))
    names = _env_example()
    assert {"DATABASE_URL", "SECRET_KEY", "CARECOURSE_ENV", "CARECOURSE_JOBS", "REDIS_URL"} <= set(names)
    unread = [name for name in names if f'"{name}"' not in source]
    assert unread == []


def test_the_example_configures_a_production_app(monkeypatch, tmp_path):
    from course import create_app

    for name, value in _env_example().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value-for-this-test")
    app = create_app()
    assert app.config["PRODUCTION"] is True and app.config["SESSION_COOKIE_SECURE"] is True
    assert (app.config["JOBS_BACKEND"], app.config["REDIS_URL"]) == ("rq", "redis://redis.internal:6379/0")
    assert (app.config["PROXY_FIX_X_FOR"], app.config["PROXY_FIX_X_PROTO"]) == (1, 1)
    # Without its SECRET_KEY line the app refuses to start.
    monkeypatch.delenv("SECRET_KEY")
    from course import ConfigError

    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app()


def test_the_web_unit_migrates_first_and_kills_its_whole_group():
    unit = _unit("carecourse-web.service")["Service"]
    assert unit["KillMode"] == "control-group"
    assert unit["Restart"] == "always"
    assert unit["EnvironmentFile"] == "/etc/carecourse/carecourse.env"
    assert unit["ExecStartPre"].endswith("/carecourse db upgrade")
    assert "gunicorn" in unit["ExecStart"] and "'course:create_app()'" in unit["ExecStart"]
    bind = re.search(r"--bind (\S+)", unit["ExecStart"]).group(1)
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert re.search(rf"server {re.escape(bind)};", nginx), "nginx's upstream is the unit's --bind"


def test_the_worker_unit_is_a_template_running_the_worker_command():
    unit = _unit("carecourse-worker@.service")["Service"]
    assert unit["ExecStart"].endswith("/carecourse worker")
    # SIGTERM to the worker alone (it finishes its job); the whole group is killed at the timeout.
    assert (unit["KillMode"], unit["Restart"]) == ("mixed", "always")
    timeout = int(re.search(r"CARECOURSE_JOB_TIMEOUT_SECONDS=(\d+)",
                            (DEPLOY / "carecourse.env.example").read_text()).group(1))
    assert int(unit["TimeoutStopSec"]) > timeout
    assert unit["EnvironmentFile"] == "/etc/carecourse/carecourse.env"


def test_the_housekeeping_timer_starts_its_oneshot_service_nightly():
    timer = _unit("carecourse-housekeeping.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 03:30:00" and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    # a timer starts the service of its own name unless it says Unit=
    assert "Unit" not in timer["Timer"] and (DEPLOY / "carecourse-housekeeping.service").is_file()
    unit = _unit("carecourse-housekeeping.service")["Service"]
    assert (unit["Type"], unit["ExecStart"]) == ("oneshot", "/srv/carecourse/.venv/bin/carecourse expire-job-files")
    assert unit["EnvironmentFile"] == "/etc/carecourse/carecourse.env"


def test_the_commands_the_units_run_exist(app):
    commands = app.cli.list_commands(app.app_context())
    assert {"db", "worker", "init", "expire-job-files", "retention"} <= set(commands)
    db_group = app.cli.get_command(app.app_context(), "db")
    assert "upgrade" in db_group.list_commands(None)


def test_nginx_takes_every_request_the_app_takes_and_serves_its_static_files(app):
    nginx = (DEPLOY / "nginx.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)([kmg]?);", nginx)
    assert size, "nginx.conf sets client_max_body_size"
    scale = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[size.group(2)]
    assert int(size.group(1)) * scale >= app.config["MAX_CONTENT_LENGTH"]
    alias = re.search(r"location /static/ \{\s*alias /srv/carecourse/(\S+);", nginx).group(1)
    assert Path(REPO_ROOT / alias).resolve() == Path(app.static_folder).resolve()
    assert "listen 443 ssl http2;" in nginx and "ssl_certificate " in nginx
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert f"proxy_set_header {header} " in nginx
