"""The API's plumbing: the Api object, authentication (session or bearer token), errors.

Every error of the API is JSON ``{"code", "status", "message", "errors": {field: [messages]}}``
(plus ``error``, the status in snake case, which the app's other JSON errors also carry).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

from flask import current_app, g, jsonify, request
from flask_login import current_user
from flask_smorest import Api, Blueprint
from flask_wtf.csrf import validate_csrf
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES
from wtforms import ValidationError as CsrfValidationError

from course.api.models import ApiToken
from course.auth import sessions
from course.core.request_limits import JsonBodyRefused, too_large_message
from course.extensions import db
from course.models.base import utcnow
from course.models.users import User

LOCATIONS = ("json", "query", "querystring", "form", "headers", "files", "view_args")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class CarecourseApi(Api):
    """flask-smorest's Api, minus its app-wide HTTPException handler: the rest of the app keeps
    its HTML error pages; each API blueprint registers ``handle_error`` itself."""

    def _register_error_handlers(self) -> None:  # noqa: D401
        return None



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
    """An error to answer with ``status``, ``message`` and field ``errors``."""

    def __init__(self, status: int, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.code = status
        self.message = message
        self.errors = errors or {}


def fail(status: int, message: str, errors: dict[str, list[str]] | None = None) -> NoReturn:
    """Stop the request with a JSON error."""
    raise ApiError(status, message, errors)


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


def error_response(status: int, message: str, errors: dict[str, list[str]] | None = None) -> Any:
    name = HTTP_STATUS_CODES.get(status, "Error")
    response = jsonify(code=status, status=name, message=message, errors=errors or {},
                       error=name.lower().replace(" ", "_").replace("-", "_"))
    response.status_code = status
    return response


def handle_error(error: HTTPException) -> Any:
    """Every HTTP error raised in an API blueprint, as the API's JSON error."""
    if isinstance(error, ApiError):
        return error_response(error.code, error.message, error.errors)
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
