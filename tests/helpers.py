"""Helpers for tests that are not fixtures: import them with ``from tests.helpers import ...``."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from course import create_app
from course.extensions import db

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = Path(os.environ.get("CARECOURSE_SEEDS") or REPO_ROOT.parent / "shared" / "seeds")
DEFAULT_PASSWORD = "correct horse battery staple"


def database_url() -> str | None:
    """The PostgreSQL URL the suite runs against, or None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres:")) else None


# Each test process works in its own PostgreSQL schema, so two test runs on one database (two
# engineers, or CI jobs) never drop each other's tables.
PG_SCHEMA = f"cc_test_{os.getpid()}"


def reset_postgres_schema() -> None:
    """Drop every table (ours and any stray ones) by recreating this process's schema."""
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))


def fresh_postgres_schema() -> None:
    """Give the test empty tables: TRUNCATE them when this process's schema already holds exactly
    the models' tables (a fraction of the time DROP SCHEMA and create_all take), else rebuild it.
    RESTART IDENTITY starts every id at 1 again, as on a new schema."""
    expected = set(db.metadata.tables)
    with db.engine.begin() as conn:
        present = set(conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :schema"), {"schema": PG_SCHEMA}
        ).scalars())
        if present == expected:
            tables = ", ".join(f'"{name}"' for name in sorted(present))
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            return
    reset_postgres_schema()
    db.create_all()


# An empty SQLite database built once per test process and copied for each test: copying a file
# takes a millisecond, create_all about a hundred.
_SQLITE_TEMPLATE_DIR: Path | None = None


def _sqlite_template() -> Path | None:
    return _SQLITE_TEMPLATE_DIR / "empty.sqlite3" if _SQLITE_TEMPLATE_DIR else None


def _save_sqlite_template(database: Path) -> None:
    global _SQLITE_TEMPLATE_DIR
    with db.engine.connect() as conn:  # fold the WAL into the file, so the file alone is whole
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _SQLITE_TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="cc-sqlite-template-"))
    atexit.register(shutil.rmtree, _SQLITE_TEMPLATE_DIR, True)
    shutil.copyfile(database, _SQLITE_TEMPLATE_DIR / "empty.sqlite3")


def drop_postgres_schema() -> None:
    """Remove this process's schema at the end of the run."""
    url = database_url()
    if url is None:
        return
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")


def make_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app for tests on a fresh, empty schema (``overrides`` go into its config)."""
    url = database_url() or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        # Fast hashing: tests create many users; production keeps werkzeug's default (scrypt).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SEEDS_DIR": str(SEEDS_DIR),
        "MIGRATIONS_DIR": str(tmp_path / "no-migrations"),  # schema from models: create_all
        # Jobs run at once, in the request or command that submits them (tests/jobs runs the
        # thread and RQ backends too).
        "JOBS_BACKEND": "inline",
    }
    if database_url():
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "connect_args": {"options": f"-csearch_path={PG_SCHEMA}"},
        }
    config.update(overrides)
    default_sqlite = tmp_path / "test.sqlite3"
    copied = False
    if config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{default_sqlite}" and not default_sqlite.exists():
        template = _sqlite_template()
        if template is not None:
            shutil.copyfile(template, default_sqlite)
            copied = True
    app = create_app(config)
    with app.app_context():
        if config["SQLALCHEMY_DATABASE_URI"] == database_url():
            fresh_postgres_schema()
        elif not copied:
            db.create_all()
            if _sqlite_template() is None and config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{default_sqlite}":
                _save_sqlite_template(default_sqlite)
    return app


def framework_doc(code: str = "TESTFW", **overrides: Any) -> dict[str, Any]:
    """A small framework document (docs/formats.md): P.1 with P1-P2, K.1 with K1-K2."""
    doc: dict[str, Any] = {
        "kind": "nos",
        "code": code,
        "title": f"Test framework {code}",
        "urn": None,
        "version": "1",
        "date_approved": "2026-01-31",
        "review_date": "2031-01-31",
        "suite": "Test suite",
        "keywords": ["testing"],
        "overview": "A framework for tests.",
        "glh": None,
        "linked_standards": None,
        "outcomes": [
            {
                "code": "P.1",
                "title": "Performance criteria",
                "kind": "performance",
                "criteria": [
                    {"code": "P1", "kind": "performance", "text": "do the first thing", "workplace": True},
                    {"code": "P2", "kind": "performance", "text": "do the second thing", "workplace": True},
                ],
            },
            {
                "code": "K.1",
                "title": "Knowledge and understanding",
                "kind": "knowledge",
                "criteria": [
                    {"code": "K1", "kind": "knowledge", "text": "know the first thing", "workplace": False},
                    {"code": "K2", "kind": "knowledge", "text": "know the second thing", "workplace": False},
                ],
            },
        ],
        "scope": None,
        "values": None,
        "guidance": None,
    }
    doc.update(overrides)
    return doc


def login(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD) -> Any:
    """Sign in through the real form; returns the response (302 on success)."""
    return client.post("/login", data={"email": email, "password": password})


def sign_in_without_form(app: Flask, client: FlaskClient, user: Any) -> None:
    """Sign ``client`` in as ``user`` without posting the form (for apps with CSRF on): opens a
    server-side session as the sign-in page does and puts its id in the client's cookie."""
    from course.auth import sessions
    from course.models import User

    with app.test_request_context():
        token = sessions.start(db.session.get(User, user.id))
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
