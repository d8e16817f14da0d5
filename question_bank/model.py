"""The core values every other module shares: Question, Mark, ResponseError, text rules."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Mark",
    "Question",
    "ResponseError",
    "WHITESPACE",
    "normalise_text",
    "quote",
    "word_count",
]

# The Unicode White_Space set, written out so that Python and marking.js agree exactly
# (Python's str.split() and JavaScript's \s disagree at the edges).
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WS_RUN = re.compile(f"[{WHITESPACE}]+")


def normalise_text(text: str, case_sensitive: bool = True) -> str:
    """NFC, collapse whitespace runs to one space, strip; lower-case unless case_sensitive."""
    text = _WS_RUN.sub(" ", unicodedata.normalize("NFC", text)).strip(" ")
    return text if case_sensitive else text.lower()


def quote(value: Any) -> str:
    """A value in a message, as marking.js writes it: 'text' for strings, JSON otherwise."""
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    text = _WS_RUN.sub(" ", text).strip(" ")
    return text.count(" ") + 1 if text else 0


class ResponseError(ValueError):
    """A learner response that does not fit its question (wrong shape, unknown id, ...)."""


@dataclass(slots=True)
class Mark:
    """The result of marking one response; see docs/formats.md "Mark result"."""

    score: float
    max: float
    fraction: float
    correct: bool | None
    feedback: list[str]
    response: Any
    pending: bool = False

    def to_dict(self) -> dict:
        """The JSON form of the mark."""
        return {
            "score": self.score,
            "max": self.max,
            "fraction": self.fraction,
            "correct": self.correct,
            "feedback": list(self.feedback),
            "response": copy.deepcopy(self.response),
            "pending": self.pending,
        }


class Question:
    """One validated, immutable question version.

    Build it with `question_bank.schemas.load_question` (validates) or `Question.trusted`
    (for data that was validated before, e.g. read back from the database). `data` is the
    canonical JSON form; treat it as read-only: the marking lookups are compiled from it once.
    """

    __slots__ = ("data", "compiled")

    def __init__(self, data: dict, compiled: Any):
        self.data = data
        self.compiled = compiled

    @classmethod
    def trusted(cls, data: dict) -> Question:
        """Wrap already-validated canonical data without running the schema."""
        from .types import compile_question

        return cls(data, compile_question(data))

    id = property(lambda self: self.data["id"], doc="Stable id, shared by all versions.")
    version = property(lambda self: self.data["version"], doc="Version number, from 1.")
    type = property(lambda self: self.data["type"], doc="Type name from the registry.")
    title = property(lambda self: self.data["title"], doc="Short title.")
    points = property(lambda self: self.data["points"], doc="Maximum score.")
    criteria = property(lambda self: tuple(self.data["criteria"]), doc="FRAMEWORK/CODE refs.")
    tags = property(lambda self: tuple(self.data["tags"]), doc="Tags used by draws.")

    @property
    def key(self) -> tuple[str, int]:
        """(id, version): what an attempt records."""
        return (self.data["id"], self.data["version"])

    def to_dict(self) -> dict:
        """A deep copy of the canonical JSON form."""
        return copy.deepcopy(self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Question) and self.data == other.data

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"<Question {self.id} v{self.version} {self.type}>"
