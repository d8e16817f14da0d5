"""The marking engine: `mark(question, response) -> Mark`.

Deterministic and pure. A question is marked from lookups compiled once when it was loaded
(`Question.compiled`), so marshmallow is not in the hot path. A malformed response raises
`ResponseError` naming the problem; `None` means "not answered" and scores 0.
"""

from __future__ import annotations

from typing import Any

from .model import Mark, Question, ResponseError
from .types import mark_compiled

__all__ = ["Mark", "ResponseError", "mark"]


def mark(question: Question | dict, response: Any) -> Mark:
    """Mark one response; a dict question is validated (slow path) first."""
    if not isinstance(question, Question):
        from .schemas import load_question

        question = load_question(question)
    return mark_compiled(question.compiled, response)
