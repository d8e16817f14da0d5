"""The errors the learning operations raise; each carries the HTTP status the views answer with."""
from __future__ import annotations

from typing import Any


class LearningError(Exception):
    """A request the learning rules refuse; ``status`` is the HTTP status the views answer with."""

    status = 400

    def __init__(self, message: str, **payload: Any) -> None:
        super().__init__(message)
        self.message = message
        self.payload = payload


class NotFound(LearningError):
    """The thing does not exist or is not the user's."""

    status = 404


class Conflict(LearningError):
    """The attempt changed meanwhile or is no longer open (409); ``payload`` holds its state."""

    status = 409


class Invalid(LearningError):
    """The data sent is malformed (422)."""

    status = 422
