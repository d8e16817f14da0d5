"""Learners' answers as readable text, for the review page and the marking queue."""
from __future__ import annotations

import math
from typing import Any


def _text(items: list[dict[str, Any]], item_id: Any) -> str:
    for item in items:
        if item.get("id") == item_id:
            return str(item.get("text", item_id))
    return str(item_id)


def answer_text(question: dict[str, Any], response: Any) -> str:
    """The learner's answer in words ("No answer" when there is none)."""
    if response is None:
        return "No answer"
    kind = question["type"]
    if kind == "single_choice":
        return _text(question["options"], response)
    if kind == "multiple_response":
        chosen = [_text(question["options"], r) for r in response or []]
        return "; ".join(chosen) if chosen else "No options chosen"
    if kind == "true_false":
        return "True" if response else "False"
    if kind == "matching":
        parts = []
        for premise in question["premises"]:
            picked = (response or {}).get(premise["id"])
            parts.append(f"{premise['text']}: {_text(question['responses'], picked) if picked else 'no answer'}")
        return "; ".join(parts)
    if kind == "ordering":
        return "; ".join(f"{n}. {_text(question['items'], r)}" for n, r in enumerate(response or [], start=1))
    if kind == "short_answer":
        return "; ".join(
            f"Gap {n}: {(response or {}).get(gap['id']) or 'no answer'}"
            for n, gap in enumerate(question["gaps"], start=1)
        )
    if kind == "numeric":
        unit = question.get("unit")
        return f"{response} {unit}" if unit and not str(response).endswith(unit) else str(response)
    if kind == "scenario":
        steps = {s["id"]: s for s in question["steps"]}
        path = (response or {}).get("path") or []
        answers = (response or {}).get("answers") or {}
        return " / ".join(
            f"Step {n}: {answer_text(steps[sid]['question'], answers.get(sid))}"
            for n, sid in enumerate(path, start=1) if sid in steps
        ) or "No answer"
    return str(response)


def fmt(number: float | None) -> str:
    """A score to one decimal at most, as the player shows it: 1, 0.5, 2.3."""
    if number is None:
        return "–"
    # Half up, as the player's Math.round (Python's round would give 2.2 for 2.25 where the player shows 2.3).
    return f"{math.floor(number * 10 + 0.5) / 10:g}"


def percent(fraction: float | None) -> str:
    """A fraction as a whole-number percentage."""
    return "–" if fraction is None else f"{round(fraction * 100):d}%"


def _best(answers: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer with the most credit (the first of equals), as the player's ``best``."""
    top = answers[0]
    for answer in answers[1:]:
        if answer.get("credit", 1) > top.get("credit", 1):
            top = answer
    return top


def key_response(question: dict[str, Any]) -> Any:
    """The best answer to ``question`` as a response the player's controls show (the player's
    ``keyOf``); None for an essay or a scenario, whose steps have their own. Sent only once the quiz's
    option_feedback lets the learner read the explanations (attempts.option_feedback_shown)."""
    kind = question["type"]
    if kind == "single_choice":
        return next(o["id"] for o in question["options"] if o.get("correct"))
    if kind == "multiple_response":
        return [o["id"] for o in question["options"] if o.get("correct")]
    if kind == "true_false":
        return bool(question.get("answer"))
    if kind == "matching":
        return {p["id"]: p["match"] for p in question["premises"] if p.get("match") is not None}
    if kind == "ordering":
        return [item["id"] for item in question["items"]]
    if kind == "short_answer":
        return {gap["id"]: _best(gap["answers"])["text"] for gap in question["gaps"]}
    if kind == "numeric":
        value = _best(question["answers"])["value"]
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return None
