"""carecourse: the Flask app. ``create_app`` builds it; areas plug in through ``BLUEPRINTS``."""
from __future__ import annotations

import importlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Every blueprint of the app as "module:attribute", registered in this order.
# Adding an area? Add one line here.
BLUEPRINTS: list[str] = [
    "course.core.views:bp",
    "course.auth.views:bp",
    "course.frameworks.views:bp",
    "course.questions.views:bp",
    "course.api.tokens:bp",
    "course.authoring.views:bp",
    "course.learning.views:bp",
    "course.reports.views:bp",
    "course.publishing.views:bp",
    "course.jobs.views:bp",
    "course.evidence.views:bp",
    "course.evidence.record_views:bp",
    "course.evidence.iqa_views:bp",
    "course.privacy.views:bp",
    "course.accounts.views:bp",
]

DEV_SECRET_KEY = "dev-insecure-change-me"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete."""


def _database_uri(url: str) -> str:
    """Normalise DATABASE_URL so plain ``postgres(ql)://`` URLs use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def is_production() -> bool:
    """Whether FLASK_ENV or CARECOURSE_ENV says production."""
    return "production" in {
        os.environ.get("FLASK_ENV", "").lower(),
        os.environ.get("CARECOURSE_ENV", "").lower(),
    }


def _proxy_count(name: str) -> int:
    """The number of trusted proxies in environment variable ``name`` (unset: 0)."""
    value = os.environ.get(name, "0").strip() or "0"
    if not value.isdigit():
        raise ConfigError(
            f"{name} must be the number of proxies in front of the app (0 or more), not {value!r}"
        )
    return int(value)


def positive_int_env(name: str, default: int) -> int:
    """A whole number of at least 1 from the environment variable ``name``, else ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def _config_from_env(app: Flask) -> dict[str, Any]:
    from course.accounts.mail import mail_settings_from_env

    default_db = "sqlite:///" + str(Path(app.instance_path) / "carecourse.sqlite3")
    production = is_production()
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": _database_uri(os.environ.get("DATABASE_URL", default_db)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Any request larger than this gets a 413 before it is read; upload forms have their own,
        # smaller caps (course.core.request_limits.max_body). Default: a course document and its form.
        "MAX_CONTENT_LENGTH": _max_request_bytes(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PRODUCTION": production,
        # Server-side sessions (course/auth/sessions.py). Idle: an hour without a request ends
        # a session; the player's autosaves and 30-second heartbeats keep an active learner's
        # alive through a long quiz, while a shared care-home computer left signed in is closed
        # within the hour. Absolute: 12 hours after sign-in (a long shift), whatever happens.
        "SESSION_IDLE_MINUTES": positive_int_env("CARECOURSE_SESSION_IDLE_MINUTES", 60),
        "SESSION_MAX_HOURS": positive_int_env("CARECOURSE_SESSION_MAX_HOURS", 12),
        # last_seen is written at most this often per session (one small UPDATE, not one a request).
        "SESSION_TOUCH_SECONDS": 60,
        # How long a browser stays trusted for an account after its last sign-in (devices.py).
        "DEVICE_COOKIE_DAYS": 180,
        # Sign-in delays (course/auth/throttle.py has the rule): a key reaching its threshold
        # makes attempts wait LOGIN_FIRST_DELAY_SECONDS, doubling with each failure, to its cap.
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        "LOGIN_FIRST_DELAY_SECONDS": 5,
        "LOGIN_PAIR_FAILURES": 5,
        "LOGIN_PAIR_MAX_DELAY_SECONDS": 5 * 60,
        "LOGIN_ACCOUNT_FAILURES": 20,
        "LOGIN_ACCOUNT_MAX_DELAY_SECONDS": 60,
        # Distinct accounts failing from one address: a care home's staff share one address.
        "LOGIN_ADDRESS_ACCOUNTS": 30,
        "LOGIN_ADDRESS_MAX_DELAY_SECONDS": 60,
        # Forgotten-password mails from one address per LOGIN_WINDOW_SECONDS (each account also
        # gets at most one a minute): more requests get the same answer and send nothing, so one
        # address cannot flood a list of inboxes. A care home's whole staff share one address.
        "RESET_ADDRESS_REQUESTS": 10,
        # Number of proxies in front of the app that set X-Forwarded-For (0: trust none).
        "PROXY_FIX_X_FOR": _proxy_count("CARECOURSE_PROXY_FIX_X_FOR"),
        # Number of proxies that set X-Forwarded-Proto: behind a TLS-terminating proxy, 1 lets the
        # app see HTTPS requests as secure (HSTS is sent only on those).
        "PROXY_FIX_X_PROTO": _proxy_count("CARECOURSE_PROXY_FIX_X_PROTO"),
        # Where long work (imports) runs: course/jobs/backends.py. "thread" needs no other service
        # (make run); "rq" hands jobs to `carecourse worker` processes through Redis.
        "JOBS_BACKEND": os.environ.get("CARECOURSE_JOBS", "").strip() or "thread",
        "REDIS_URL": os.environ.get("REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0",
        "JOBS_QUEUE": os.environ.get("CARECOURSE_JOBS_QUEUE", "").strip() or "carecourse",
        # A job still running after this long has lost its worker (RQ stops it then too).
        "JOB_TIMEOUT_SECONDS": positive_int_env("CARECOURSE_JOB_TIMEOUT_SECONDS", 10 * 60),
        # A progress report download for more learners than this runs as a job (course/reports/jobs.py),
        # whose file may be at most REPORT_JOB_MAX_BYTES.
        "REPORT_JOB_THRESHOLD": positive_int_env("CARECOURSE_REPORT_JOB_THRESHOLD", 2000),
        "REPORT_JOB_MAX_BYTES": positive_int_env("CARECOURSE_REPORT_JOB_MAX_MB", 64) * 1024 * 1024,
        # The files jobs make (packages, reports) are deleted this many days after the job
        # finished, by `carecourse expire-job-files` (course/jobs/expiry.py).
        "JOB_FILE_DAYS": positive_int_env("CARECOURSE_JOB_FILE_DAYS", 30),
        "MIGRATIONS_DIR": _migrations_dir(),
        "SEEDS_DIR": os.environ.get("CARECOURSE_SEEDS") or None,
        # SMTP, the sender, and how long invitation and reset links last (course/accounts/mail.py).
        **mail_settings_from_env(),
    }


def _max_request_bytes() -> int:
    """CARECOURSE_MAX_UPLOAD_MB if set, else question_bank.limits.REQUEST_BYTES."""
    from question_bank.limits import MIB, REQUEST_BYTES

    megabytes = os.environ.get("CARECOURSE_MAX_UPLOAD_MB")
    return int(megabytes) * MIB if megabytes else REQUEST_BYTES


def _migrations_dir() -> str:
    """Alembic's folder: ``course/migrations`` if the package ships one, else ``./migrations``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parent / "migrations"):
        if candidate.is_dir():
            return str(candidate)
    return str(here.parent / "migrations")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers work while a writer commits; SQLite leaves foreign keys off unless asked."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _render_migration_item(type_: str, obj: Any, autogen_context: Any) -> Any:
    """Write our column types into migrations as the plain SQL types they store.

    UTCDateTime only converts values in Python; the column is a DATETIME/TIMESTAMP, so migrations
    stay independent of app code.
    """
    from course.dbtypes import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config from the environment (then ``test_config``), extensions, blueprints."""
    from course.routing import LazyBuilderRule

    app = Flask(__name__, instance_relative_config=True)
    app.url_rule_class = LazyBuilderRule  # type: ignore[assignment]  (before any route is added)
    app.config.from_mapping(_config_from_env(app))
    if test_config is not None:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_uri(app.config["SQLALCHEMY_DATABASE_URI"])

    if app.config["PRODUCTION"] and app.config["SECRET_KEY"] in (DEV_SECRET_KEY, "", None):
        raise ConfigError("SECRET_KEY must be set to a long random value in production")
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["PROXY_FIX_X_FOR"] or app.config["PROXY_FIX_X_PROTO"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxied = ProxyFix(
            app.wsgi_app,
            x_for=app.config["PROXY_FIX_X_FOR"],
            x_proto=app.config["PROXY_FIX_X_PROTO"],
        )
        app.wsgi_app = proxied  # type: ignore[method-assign]

    from course import models

    models.load_all()  # every table known before create_all / Alembic
    from course.learning import content_version  # noqa: F401  (its flush listener keeps player caches right)
    from course.core.request_limits import setup_request_limits
    from course.extensions import csrf, db, login_manager, migrate

    setup_request_limits(app)  # before CSRFProtect, whose check reads the (capped) body

    db.init_app(app)
    # render_as_batch: SQLite can only ALTER tables by copying them; Alembic's batch mode does that.
    migrate.init_app(
        app,
        db,
        directory=app.config["MIGRATIONS_DIR"],
        render_as_batch=True,
        compare_type=True,
        render_item=_render_migration_item,
    )
    csrf.init_app(app)
    login_manager.init_app(app)

    from course.auth import setup_login

    setup_login(app)

    for target in BLUEPRINTS:
        module_name, _, attr = target.partition(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attr))

    from course.core import setup_core

    setup_core(app)

    from course.api import setup_api

    setup_api(app)

    from course.jobs.backends import init_backend

    init_backend(app)

    from course.cli import register_commands

    register_commands(app)
    return app
