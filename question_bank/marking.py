"""The marking engine: `mark(question, response) -> Mark`.

Deterministic and pure. A question is marked from lookups compiled once when it was loaded
(`Question.compiled`), so marshmallow is not in the hot path. A malformed response raises
`ResponseError` naming the problem; `None` means "not answered" and scores 0.
"""

from __future__ import annotations

from typing import Any

from .model import Mark, Question, ResponseError
from .types import mark_compiled

__all__ = ["Mark", "ResponseError", "mark", "scenario_path"]


def mark(question: Question | dict, response: Any) -> Mark:
    """Mark one response; a dict question is validated (slow path) first."""
    if not isinstance(question, Question):
        from .schemas import load_question

        question = load_question(question)
    return mark_compiled(question.compiled, response)


def scenario_path(question: dict, answers: dict) -> list[str]:
    """The steps a learner goes through for ``answers`` (a step id -> that step's answer), by the
    branching rules of docs/formats.md: the first step starts; a single choice or true/false answer
    leads where ``branches`` says, else to ``next``, else to the following step; "end" ends."""
    steps = question["steps"]
    index_of = {s["id"]: i for i, s in enumerate(steps)}
    path: list[str] = []
    current = steps[0]["id"]
    while current != "end" and current in index_of and current not in path:
        path.append(current)
        i = index_of[current]
        step = steps[i]
        default = step.get("next")
        if default is None:
            default = steps[i + 1]["id"] if i + 1 < len(steps) else "end"
        answer = answers.get(current)
        key = None
        kind = step["question"]["type"]
        if kind == "single_choice" and isinstance(answer, str):
            key = answer
        elif kind == "true_false" and isinstance(answer, bool):
            key = "true" if answer else "false"
        current = (step.get("branches") or {}).get(key, default) if key is not None else default
    return path
