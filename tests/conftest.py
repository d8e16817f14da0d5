"""Shared fixtures: the app on a fresh schema, its clients, sign-in helpers and factories.

SQLite in a temporary file by default; when DATABASE_URL names PostgreSQL the same tests run
there, on a schema dropped and recreated for each test.

Factories return model instances whose columns are loaded but which are detached from any
session; to follow relationships, query again inside ``with app.app_context():``.
"""
from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

# `python -m pytest` puts the project root on sys.path, plain `pytest` does not; tests import
# `tests.helpers` either way.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from course.extensions import db
from course.models import Framework, Organisation, User
from tests.helpers import DEFAULT_PASSWORD, drop_postgres_schema, framework_doc, login, make_app


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this run's PostgreSQL schema (SQLite files live in pytest's tmp folders)."""
    drop_postgres_schema()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh schema, CSRF off (see ``csrf_app`` for the real thing)."""
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(tmp_path: Path) -> Iterator[Flask]:
    """The app with CSRF protection on, as in production."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner of ``app`` (``runner.invoke(args=["init", "--demo"])``)."""
    return app.test_cli_runner()


def _context(app: Flask) -> Any:
    return nullcontext() if has_app_context() else app.app_context()


def _loaded(obj: Any) -> Any:
    """Commit, reload columns, and detach ``obj`` so tests can read it outside a session."""
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def create_org(app: Flask) -> Callable[..., Organisation]:
    """Factory: ``create_org(name="...")`` -> Organisation (committed)."""
    counter = itertools.count(1)

    def create(name: str | None = None) -> Organisation:
        with _context(app):
            org = Organisation(name=name or f"Organisation {next(counter)}")
            db.session.add(org)
            return _loaded(org)

    return create


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    """Factory: ``create_user(role="learner", org=None, email=None, password=DEFAULT_PASSWORD,
    name=None, active=True)`` -> User (committed). ``org`` is an Organisation, an id or a name
    (created if missing)."""
    counter = itertools.count(1)

    def create(
        role: str = "learner",
        org: Organisation | int | str | None = None,
        *,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        name: str | None = None,
        active: bool = True,
    ) -> User:
        n = next(counter)
        with _context(app):
            org_id: int | None
            if isinstance(org, Organisation):
                org_id = org.id
            elif isinstance(org, str):
                found = db.session.scalar(select(Organisation).where(Organisation.name == org))
                if found is None:
                    found = Organisation(name=org)
                    db.session.add(found)
                    db.session.flush()
                org_id = found.id
            else:
                org_id = org
            user = User(
                email=User.normalise_email(email or f"{role}{n}@example.test"),
                name=name or f"Test {role.capitalize()} {n}",
                role=role,
                organisation_id=org_id,
                active=active,
            )
            user.set_password(password)
            db.session.add(user)
            return _loaded(user)

    return create


@pytest.fixture
def create_framework(app: Flask) -> Callable[..., Framework]:
    """Factory: ``create_framework(code="TESTFW", **doc_overrides)`` -> Framework (committed),
    built from ``framework_doc``; pass ``outcomes=[...]`` for other criteria."""
    from course.frameworks.service import store_framework

    def create(code: str = "TESTFW", **overrides: Any) -> Framework:
        with _context(app):
            framework = store_framework(framework_doc(code, **overrides), source="test")
            return _loaded(framework)

    return create


@pytest.fixture(name="login")
def login_fixture() -> Callable[..., Any]:
    """``login(client, email, password=DEFAULT_PASSWORD)`` -> response."""
    return login


@pytest.fixture
def login_as(client: FlaskClient, create_user: Callable[..., User]) -> Callable[..., User]:
    """``login_as("tutor", **create_user_kwargs)``: create a user, sign ``client`` in, return it."""

    def sign_in(role: str = "learner", **kwargs: Any) -> User:
        kwargs.setdefault("password", DEFAULT_PASSWORD)
        user = create_user(role, **kwargs)
        response = login(client, user.email, kwargs["password"])
        assert response.status_code == 302, f"sign-in as {role} failed: {response.status_code}"
        return user

    return sign_in


class QueryCounter:
    """Counts the SQL statements run while it is active (``with count_queries() as q: ...``)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: Any) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        """Statements seen so far."""
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], QueryCounter]:
    """``with count_queries() as q: client.get(...)``, then ``q.count``: pages must not grow with data."""

    def make() -> QueryCounter:
        with app.app_context():
            return QueryCounter(db.engine)

    return make


@pytest.fixture
def seeded_app(app: Flask) -> Flask:
    """``app`` after ``carecourse init --demo``: the five seed units and the demo users."""
    result = app.test_cli_runner().invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output + result.stderr
    return app


class Clock:
    """The time as sign-in, sessions and the throttle see it; ``move(minutes=5)`` moves it on."""

    def __init__(self) -> None:
        from course.dbtypes import utcnow

        self.now = utcnow()

    def move(self, **delta: float) -> None:
        """Move the clock forward by ``datetime.timedelta(**delta)``."""
        import datetime as dt

        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A controllable clock for course.auth (no sleeping in tests)."""
    c = Clock()
    for target in ("course.auth.throttle.utcnow", "course.auth.views.utcnow",
                   "course.auth.sessions.utcnow", "course.auth.commands.utcnow"):
        monkeypatch.setattr(target, lambda: c.now)
    return c
