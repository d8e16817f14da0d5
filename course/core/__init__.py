"""App-wide pieces: home page, health check, navigation, error pages."""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.http import HTTP_STATUS_CODES
from marshmallow import ValidationError

from course.auth.decorators import is_api_path
from course.core.headers import setup_headers
from course.core.nav import nav_for, nav_item
from course.core.request_limits import JsonBodyRefused, too_large_message

__all__ = ["json_error", "nav_item", "setup_core"]

ERROR_TITLES = {
    400: "Bad request",
    401: "Sign in needed",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    413: "Too large",
    422: "Cannot process",
    429: "Too many requests",
    500: "Something went wrong",
}


def json_error(status: int, message: str, **extra: Any) -> Any:
    """The app's JSON error: {"error": "not_found", "code": 404, "message": "...", **extra}."""
    name = HTTP_STATUS_CODES.get(status, "Error").lower().replace(" ", "_").replace("-", "_")
    response = jsonify(error=name, code=status, message=message, **extra)
    response.status_code = status
    return response


def _error(status: int, message: str) -> Any:
    if is_api_path(request.path):
        return json_error(status, message)
    title = ERROR_TITLES.get(status, "Error")
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _flatten(messages: Any, path: tuple[str, ...] = ()) -> str:
    """marshmallow's nested messages as "field: message; outer.inner: message"."""
    if isinstance(messages, dict):
        return "; ".join(_flatten(v, (*path, str(k))) for k, v in messages.items())
    if isinstance(messages, list):
        return "; ".join(_flatten(m, path) for m in messages)
    where = ".".join(p for p in path if p != "_schema")
    return f"{where}: {messages}" if where else str(messages)


def setup_core(app: Flask) -> None:
    """Register error pages, the security headers and template globals on ``app``."""
    messages = {
        400: "The request could not be understood.",
        403: "Your account does not have access to this page.",
        404: "There is no page at this address.",
        405: "That action is not available here.",
        500: "The server hit an error. It has been logged; please try again.",
    }
    for status, message in messages.items():
        app.register_error_handler(status, lambda e, s=status, m=message: _error(s, m))
    app.register_error_handler(413, lambda e: _error(413, too_large_message()))

    @app.errorhandler(JsonBodyRefused)
    def json_body_refused(e: JsonBodyRefused) -> Any:
        # What was wrong and where: "The JSON body was refused: nested more than 64 levels ..."
        return _error(400, e.description or "")

    @app.errorhandler(CSRFError)
    def csrf_error(e: CSRFError) -> Any:
        return _error(400, "The form had expired or was sent from elsewhere. Please try again.")

    @app.errorhandler(ValidationError)
    def validation_error(e: ValidationError) -> Any:
        # marshmallow errors reaching the edge: field -> messages, as 422 JSON on API paths.
        if is_api_path(request.path):
            return json_error(422, "The data sent is not valid.", errors=e.messages)
        return _error(422, "The data sent is not valid: " + _flatten(e.messages))

    setup_headers(app)

    @app.context_processor
    def inject_nav() -> dict[str, Any]:
        return {"nav_items": nav_for}
