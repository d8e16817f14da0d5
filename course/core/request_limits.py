"""The web side of the input limits (``question_bank.limits``): how big a request may be, and
how a JSON body is read.

* Every JSON body goes through ``question_bank.safe_json.load_json`` (the app's JSON provider), so
  deep nesting, ``NaN`` or an overflowing number is a 400 that says what and where, never a 500.
* A request body is capped before anything reads it: ``MAX_CONTENT_LENGTH`` for any request, and
  a smaller cap for views declared with ``@max_body`` (an upload form: its file's limit plus the
  form around it). Werkzeug refuses a body over the cap by its Content-Length, unread (413).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Request, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from wtforms.validators import Length

from question_bank.limits import TooLarge, human_bytes, longer_than
from question_bank.safe_json import JsonInputError, load_json

F = TypeVar("F", bound=Callable[..., Any])


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, reading with ``load_json`` (writing is unchanged)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if kwargs:  # hooks would be silently lost: say so rather than parse differently
            raise TypeError(f"app.json.loads takes no options (given {', '.join(sorted(kwargs))})")
        return load_json(s)


class JsonBodyRefused(BadRequest):
    """A JSON request body ``load_json`` refused (400); ``error`` says what and where."""

    def __init__(self, error: JsonInputError):
        super().__init__(f"The JSON body was refused: {error}")
        self.error = error


class CarecourseRequest(Request):
    """Flask's request, whose JSON errors keep their message (Flask's own hides it)."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, JsonInputError):
            raise JsonBodyRefused(e) from None
        return super().on_json_loading_failed(e)


def max_body(limit: int | Callable[[], int]) -> Callable[[F], F]:
    """Declare the most bytes a view's request body may hold (a number, or a function of the app's
    config); without it, MAX_CONTENT_LENGTH applies."""

    def decorator(view: F) -> F:
        view.max_body_bytes = limit  # type: ignore[attr-defined]  (kept by functools.wraps)
        return view

    return decorator


def _apply_max_body() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "max_body_bytes", None)
    if limit is not None:
        request.max_content_length = limit() if callable(limit) else limit


def too_large_message() -> str:
    """What a 413 says: the request was over the limit of the page it was sent to."""
    limit = request.max_content_length
    if limit is None:
        return "The upload is too large."
    return f"The upload is too large. This page takes at most {human_bytes(limit)}."


def setup_request_limits(app: Flask) -> None:
    """Install the JSON reader and the per-view body caps on ``app``.

    Call it before CSRFProtect is bound: its check reads the form, so the cap must be set first.
    """
    app.json = SafeJSONProvider(app)
    app.request_class = CarecourseRequest
    app.before_request(_apply_max_body)


def read_upload(upload: Any, limit: int) -> bytes:
    """An uploaded file's bytes, reading at most ``limit`` + 1; TooLarge if it holds more."""
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(None, limit)
    return data


def max_chars(limit: int, label: str) -> Length:
    """A form check of at most ``limit`` characters ("Description: longer than 5,000 characters.")."""
    return Length(max=limit, message=f"{label}: {longer_than(limit)}.")
