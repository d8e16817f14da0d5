"""Every route, visited anonymously and as each role, gets the status its roles say.

Routes are read from ``app.url_map``, so a new route is covered as soon as it is registered.
Each view declares who may use it with ``@roles_required(...)`` or ``@public`` (course.auth);
a view with neither fails ``test_every_endpoint_declares_who_may_use_it``.

Extending: add an endpoint to ``PUBLIC_ENDPOINTS`` only for views you cannot decorate, and give
``URL_VALUES`` sample arguments when the generic ones ("x" for strings, 1 for ints) will not do.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import AnyConverter

from course import create_app
from course.extensions import db
from course.models import User
from course.models.users import ROLES  # every role: admin, tutor, assessor, iqa, learner
from tests.helpers import DEFAULT_PASSWORD, login, make_app

SKIPPED_METHODS = {"HEAD", "OPTIONS"}

# Endpoints open to everyone that cannot carry @public (Flask's own static route, for instance).
PUBLIC_ENDPOINTS: set[str] = {"static"}

# Sample URL arguments per endpoint; otherwise they come from DEFAULT_BY_CONVERTER.
URL_VALUES: dict[str, dict[str, Any]] = {
    "static": {"filename": "carecourse.css"},
}
DEFAULT_BY_CONVERTER = {"IntegerConverter": 1, "FloatConverter": 1.0, "UUIDConverter": "00000000-0000-0000-0000-000000000000"}

# The app the table is built from (no database is touched to read its routes).
_APP = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def declaration(app: Flask, endpoint: str, method: str) -> tuple[bool, frozenset[str] | None]:
    """(public?, required roles) declared on the view for ``method`` (MethodView methods too)."""
    view = app.view_functions[endpoint]
    candidates = [view]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        candidates.insert(0, getattr(view_class, method.lower(), None))
    for candidate in candidates:
        if candidate is None:
            continue
        is_public = getattr(candidate, "public", False) or endpoint in PUBLIC_ENDPOINTS
        roles = getattr(candidate, "required_roles", None)
        if is_public or roles is not None:
            return bool(is_public), roles
    return endpoint in PUBLIC_ENDPOINTS, None


def route_cases() -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule and method of the app."""
    cases = []
    for rule in _APP.url_map.iter_rules():
        values: dict[str, Any] = {}
        for arg in rule.arguments:
            converter = rule._converters[arg]
            if isinstance(converter, AnyConverter):
                values[arg] = sorted(converter.items)[0]
            else:
                values[arg] = DEFAULT_BY_CONVERTER.get(type(converter).__name__, "x")
        values.update(URL_VALUES.get(rule.endpoint, {}))
        with _APP.test_request_context():
            url = _APP.url_for(rule.endpoint, **values)
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            cases.append((rule.endpoint, method, url))
    return cases


CASES = route_cases()


def _ids(case: tuple[str, str, str]) -> str:
    return f"{case[1]} {case[2]}"


def test_table_sees_the_core_routes():
    endpoints = {endpoint for endpoint, _, _ in CASES}
    assert {"auth.login", "auth.logout", "core.healthz", "frameworks.index", "frameworks.detail"} <= endpoints


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_every_endpoint_declares_who_may_use_it(case):
    endpoint, method, _ = case
    is_public, roles = declaration(_APP, endpoint, method)
    assert is_public or roles, (
        f"{endpoint} ({method}) has no @roles_required(...) or @public: declare who may use it"
    )
    assert not (is_public and roles), f"{endpoint} ({method}) is both @public and @roles_required"


@pytest.fixture(scope="module")
def route_app(tmp_path_factory) -> Iterator[Flask]:
    """One app for the whole matrix (a fresh schema per case would take minutes), with one
    user per role. Requests are sent with empty or sample data, so cases do not depend on
    each other's writes."""
    app = make_app(tmp_path_factory.mktemp("routes"))
    with app.app_context():
        for role in ROLES:
            user = User(email=f"{role}@routes.test", name=f"Route {role}", role=role)
            user.set_password(DEFAULT_PASSWORD)
            db.session.add(user)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_anonymous(route_app, case):
    client = route_app.test_client()
    endpoint, method, url = case
    is_public, _ = declaration(_APP, endpoint, method)
    response = client.open(url, method=method)
    if is_public:
        assert response.status_code not in (401, 403)
        assert response.status_code < 500
        return
    if url.startswith(("/api/", "/learn/api/")):
        assert response.status_code == 401
        assert response.is_json and response.json["error"] == "unauthorized"
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_signed_in(route_app, case, role):
    endpoint, method, url = case
    is_public, roles = declaration(_APP, endpoint, method)
    client = route_app.test_client()
    assert login(client, f"{role}@routes.test").status_code == 302
    response = client.open(url, method=method)
    if is_public or (roles is not None and role in roles):
        assert response.status_code not in (401, 403), f"{role} refused at {method} {url}"
        assert response.status_code < 500
    else:
        assert response.status_code == 403, f"{role} let in at {method} {url}"
