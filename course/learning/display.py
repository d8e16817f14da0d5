"""Learners' answers as readable text, for the review page and the marking queue."""
from __future__ import annotations

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
    """A score without needless decimals: 1, 0.5, 2.33."""
    if number is None:
        return "–"
    return f"{round(number, 2):g}"


def percent(fraction: float | None) -> str:
    """A fraction as a whole-number percentage."""
    return "–" if fraction is None else f"{round(fraction * 100):d}%"
