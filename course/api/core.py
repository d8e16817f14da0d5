"""The API's plumbing: the Api object, authentication (session or bearer token), errors.

Every error under /api/v1 is JSON ``{"code", "status", "message", "errors": {field: [messages]},
"error"}`` (``error`` is the status in snake case, as the app's other JSON errors carry it), as
its OpenAPI document's ``Error`` schema says: those raised in views, and those werkzeug raises
before any view is chosen (unknown path 404, 405 with ``Allow``, 414).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

from flask import current_app, g, jsonify, request
from flask_login import current_user
from flask_smorest import Api, Blueprint
from flask_smorest.pagination import PaginationMetadataSchema
from flask_wtf.csrf import validate_csrf
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, NotFound
from werkzeug.http import HTTP_STATUS_CODES
from wtforms import ValidationError as CsrfValidationError

from course.api.models import ApiToken
from course.api.schemas import ErrorSchema
from course.auth import sessions
from course.core.request_limits import JsonBodyRefused, too_large_message
from course.extensions import db
from course.models.base import utcnow
from course.models.users import User

API_PREFIX = "/api/v1"
LOCATIONS = ("json", "query", "querystring", "form", "headers", "files", "view_args")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Longer than any URL the document allows (every path and query parameter is bounded, and even
# percent-encoded the longest come to about 5,500 characters); a longer one is a 414.
MAX_URL_LENGTH = 8192


class CarecourseApi(Api):
    """flask-smorest's Api documenting our error body, with no catch-all ``default`` response
    (each operation declares the statuses it can answer) and X-Pagination as the JSON it is.

    Its app-wide HTTPException handler is left out: the rest of the app keeps its HTML error
    pages; the API blueprints and ``guard_api_request`` use ``handle_error``."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    # The document is completed the first time something reads ``spec`` (its route, the
    # ``flask openapi`` commands, a test), not when the app is made: documenting the views took
    # about 95 ms of the app's 160 ms start-up (measured with cProfile), which every worker process
    # and every test's app paid, and which almost none of them needs.
    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        self._documenting: list[Callable[[], None]] = []
        self._spec: Any = None
        super().__init__(app, **kwargs)

    @property
    def spec(self) -> Any:
        """The OpenAPI document (apispec's APISpec), with every deferred part added."""
        steps, self._documenting = self._documenting, []
        for step in steps:  # in the order they were asked for; a step reading ``spec`` sees its own
            step()
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def document_later(self, step: Callable[[], None]) -> None:
        """Run ``step`` (which adds to ``spec``) when the document is first read."""
        self._documenting.append(step)

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Register ``blp`` on the app now and in the document when it is read (flask-smorest's
        own method does both at once; tests/api/test_deferred_documentation.py checks that this
        one still takes every step the installed flask-smorest's does)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)

        def document() -> None:
            blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
            self._spec.tag({"name": name, "description": blp.description})

        self.document_later(document)

    def _register_error_handlers(self) -> None:  # noqa: D401
        return None

    def _register_pagination_header(self) -> None:
        # The header carries JSON text; OpenAPI 3 says so with `content`, where a `schema` of
        # type object would mean the "simple" style (page,2,total,5).
        self.spec.components.header("PAGINATION", {
            "description": "The list's pagination as JSON, e.g. "
                           '{"total": 5, "total_pages": 3, "first_page": 1, "last_page": 3, '
                           '"page": 2, "previous_page": 1, "next_page": 3}.',
            "content": {"application/json": {"schema": PaginationMetadataSchema}},
        }, lazy=True)


class SafeJsonParser(FlaskParser):
    """webargs' parser, reading JSON bodies through the app's JSON provider (``load_json``) rather
    than the standard library, so that a refused body is a 400 saying why (never a 500)."""

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req) or not req.get_data(cache=True).strip():
            return webargs_core.missing  # as webargs does: no body, no JSON arguments
        return req.get_json()


class ApiBlueprint(Blueprint):
    """flask-smorest's Blueprint with the safe JSON parser."""

    ARGUMENTS_PARSER = SafeJsonParser()


class ApiError(HTTPException):
    """An error to answer with ``status``, ``message``, field ``errors`` and extra ``headers``."""

    def __init__(self, status: int, message: str, errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.code = status
        self.message = message
        self.errors = errors or {}
        self.headers = headers or {}


def fail(status: int, message: str, errors: dict[str, list[str]] | None = None,
         headers: dict[str, str] | None = None) -> NoReturn:
    """Stop the request with a JSON error."""
    raise ApiError(status, message, errors, headers)


def flatten(messages: Any, path: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """marshmallow's nested messages as {"dotted.path": [messages]} ("_schema" for the whole body)."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            for k, v in flatten(value, (*path, str(key))).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[".".join(p for p in path if p != "_schema") or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for n, value in enumerate(messages):
            for k, v in flatten(value, (*path, str(n))).items():
                out.setdefault(k, []).extend(v)
    else:
        out[".".join(p for p in path if p != "_schema") or "_schema"] = [str(messages)]
    return out


def error_response(status: int, message: str, errors: dict[str, list[str]] | None = None,
                   headers: dict[str, str] | None = None) -> Any:
    """The API's JSON error body (the document's ``Error`` schema) with ``status``."""
    name = HTTP_STATUS_CODES.get(status, "Error")
    response = jsonify(code=status, status=name, message=message, errors=errors or {},
                       error=name.lower().replace(" ", "_").replace("-", "_"))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def handle_error(error: HTTPException) -> Any:
    """Every HTTP error raised under /api/v1, as the API's JSON error."""
    if isinstance(error, ApiError):
        return error_response(error.code, error.message, error.errors, error.headers)
    if isinstance(error, JsonBodyRefused):
        where = {error.error.path: [error.error.message]} if error.error.path else {}
        return error_response(400, error.description or "", where)
    status = error.code or 500
    if isinstance(error, InternalServerError) or status >= 500:
        return error_response(500, "The server hit an error. It has been logged; please try again.")
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in LOCATIONS:
        messages = next(iter(messages.values()))
    errors = flatten(messages) if messages else {}
    if status == 422:
        message = "The data sent is not valid."
    elif status == 413:
        message = too_large_message()
    else:
        message = data.get("message") or error.description or HTTP_STATUS_CODES.get(status, "Error")
    return error_response(status, message, errors)


def _not_allowed(error: MethodNotAllowed) -> ApiError:
    """405 naming the methods the address takes, in ``Allow`` too (RFC 9110 requires it)."""
    allowed = ", ".join(sorted(error.valid_methods or []))
    return ApiError(405, f"{request.method} is not allowed at this address; it takes {allowed}.",
                    headers={"Allow": allowed})


def guard_api_request() -> None:
    """Before anything else on /api/v1 paths: refuse an overlong URL (414), and answer routing's
    404 and 405 as the API's JSON errors (Flask sends those to app-wide handlers, since no
    blueprint is chosen, and they would otherwise get the app's other error shape, or a CSRF
    400 for an unsafe method)."""
    if request.path != API_PREFIX and not request.path.startswith(API_PREFIX + "/"):
        return
    if len(request.path) + len(request.query_string) > MAX_URL_LENGTH:
        fail(414, f"The URL is too long: the API takes at most {MAX_URL_LENGTH:,} characters of "
                  "path and query string.")
    routing_error = request.routing_exception
    if isinstance(routing_error, MethodNotAllowed):
        raise _not_allowed(routing_error)
    if isinstance(routing_error, NotFound):
        fail(404, "There is no API endpoint at this address; /api/v1/openapi.json lists them.")


# --------------------------------------------------------------------------- authentication


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def _token_user(secret: str) -> User | None:
    token = ApiToken.find(secret) if secret else None
    if token is None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        token.last_used_at = now  # at most one write a minute per token
        db.session.commit()
    return token.user


def api_user() -> User:
    """The user the current API request acts as (set by ``api_roles``)."""
    return g.api_user


def _clean(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` holds no NUL character (PostgreSQL text cannot store one)."""
    if isinstance(value, str):
        return "\x00" not in value
    if depth > 50:
        return True
    if isinstance(value, dict):
        return all(_clean(k, depth + 1) and _clean(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_clean(v, depth + 1) for v in value)
    return True


def api_roles(*roles: str) -> Callable:
    """Allow only users holding one of ``roles``, by bearer token or by session.

    Anonymous or a bad token: 401; another role: 403. A session request with an unsafe method
    must carry the CSRF token in an ``X-CSRFToken`` header; token requests need none.
    """
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            secret = _bearer()
            if secret is not None:
                user = _token_user(secret)
                if user is None:
                    fail(401, "The API token is not valid (revoked, or its user is inactive).")
            elif current_user.is_authenticated:
                user = current_user._get_current_object()
                if request.method in UNSAFE and current_app.config.get("WTF_CSRF_ENABLED", True):
                    try:
                        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
                    except CsrfValidationError as exc:
                        fail(400, f"CSRF check failed: {exc}. Send the page's csrf-token in an X-CSRFToken header.")
            elif sessions.has_ended():
                fail(401, sessions.ENDED_MESSAGE)
            else:
                fail(401, "Sign in, or send an API token as 'Authorization: Bearer <token>'.")
            if user.role not in allowed:
                fail(403, "Your account does not have access to this API.")
            g.api_user = user
            if any((isinstance(v, str) and not _clean(v)) or (isinstance(v, int) and v > 2**31 - 1)
                   for v in kwargs.values()):
                fail(404, "Not found.")
            if request.method in UNSAFE and request.is_json:
                body = request.get_json(silent=True)
                if body is not None and not _clean(body):
                    fail(422, "The data sent is not valid.", {"_schema": ["Text may not contain NUL characters."]})
            return view(*args, **kwargs)

        wrapped.required_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator


def organisation_id() -> int:
    """The API user's organisation (an account with none owns nothing: 404)."""
    org = g.api_user.organisation_id
    if org is None:
        fail(404, "Not found.")
    return org
