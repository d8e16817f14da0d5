"""The marking engine: `mark(question, response) -> Mark`.

Deterministic and pure. A question is marked from lookups compiled once when it was loaded
(`Question.compiled`), so marshmallow is not in the hot path. A malformed response raises
`ResponseError` naming the problem; `None` means "not answered" and scores 0.
"""

from __future__ import annotations

from typing import Any

from .model import Mark, Question, ResponseError, quote
from .types import mark_compiled

__all__ = ["Mark", "ResponseError", "check_shape", "mark", "mark_step", "scenario_path", "step_after"]


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


def mark_step(question: Question | dict, step_id: str, response: Any) -> Mark:
    """Mark one scenario step's answer on its own (the app checks each step as it is taken)."""
    if not isinstance(question, Question):
        question = Question.trusted(question)
    _, steps = question.compiled.body
    if step_id not in steps:
        raise ResponseError(f"unknown step {quote(step_id)}")
    return mark_compiled(steps[step_id].question, response)


def step_after(question: dict, answers: dict, path: list[str]) -> str | None:
    """The step a learner who took ``path`` (answering ``answers``) is on next; None at the end."""
    reached = scenario_path(question, {s: answers.get(s) for s in path})
    return reached[len(path)] if len(reached) > len(path) else None


def check_shape(question: Question | dict, response: Any) -> None:
    """Refuse (ResponseError) an answer in progress that cannot belong to this question.

    Lenient where an answer is still being typed (a number, an essay under its minimum, a gap), as
    strict as marking elsewhere. A scenario's answer is ``{path, answers}``: the steps taken, then
    at most the answer to the step it is on.
    """
    if response is None:
        return
    data = question.data if isinstance(question, Question) else question
    kind = data["type"]
    if kind == "essay":
        if not isinstance(response, str):
            raise ResponseError("expected a string")
    elif kind == "numeric":
        if isinstance(response, bool) or not isinstance(response, (str, int, float)):
            raise ResponseError("expected a number or a text")
    elif kind == "short_answer":
        known = {g["id"] for g in data["gaps"]}
        if not isinstance(response, dict):
            raise ResponseError("expected an object {gap: answer}")
        for gap, value in response.items():
            if gap not in known:
                raise ResponseError(f"unknown gap {quote(gap)}")
            if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
                raise ResponseError(f"expected a text for gap {quote(gap)}")
    elif kind == "scenario":
        _check_scenario_shape(data, response)
    else:  # choices, true/false, matching, ordering: marking checks exactly this (partial matching is fine)
        mark(question if isinstance(question, Question) else Question.trusted(data), response)


def _check_scenario_shape(data: dict, response: Any) -> None:
    if not isinstance(response, dict) or set(response) - {"path", "answers"}:
        raise ResponseError("expected an object {path, answers}")
    path, answers = response.get("path", []), response.get("answers", {})
    if not isinstance(path, list) or not all(isinstance(s, str) for s in path):
        raise ResponseError("path: expected a list of step ids")
    if not isinstance(answers, dict):
        raise ResponseError("answers: expected an object {step: answer}")
    steps = {s["id"]: s["question"] for s in data["steps"]}
    for step_id in [*path, *answers]:
        if step_id not in steps:
            raise ResponseError(f"unknown step {quote(step_id)}")
    if path and scenario_path(data, {s: answers.get(s) for s in path})[: len(path)] != path:
        raise ResponseError("path: these steps do not follow from the answers given")
    on = step_after(data, answers, path)
    for step_id, value in answers.items():
        if step_id not in path and step_id != on:
            raise ResponseError(f"answer for step {quote(step_id)}, which is not on the path")
        try:
            check_shape(steps[step_id], value)
        except ResponseError as error:
            raise ResponseError(f"step {quote(step_id)}: {error}") from None
