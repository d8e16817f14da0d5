"""What a learner's browser may see of a question before it is marked: an allow-list per type.

In the app the server marks every answer (``question_bank.marking``) and sends the mark with its
feedback, so the page a learner opens carries no answer key, no per-option or general feedback, no
marker guidance and no scenario branches: a script reading the page learns nothing the learner
could not see on screen. Lists are given in the order the attempt shows them, never the authored
order (an author who always writes the right option first would otherwise give it away). A SCORM
package marks itself inside the LMS and so carries its keys: that is a documented limit.
"""

from __future__ import annotations

from typing import Any

__all__ = ["public_question"]

# Keys every question keeps; a scenario's steps keep the same (they have no version).
_COMMON = ("id", "version", "type", "title", "stem", "stem_format", "points", "criteria")


def _ordered(items: list[dict], order: list[str] | None, fields: tuple[str, ...] = ("id", "text")) -> list[dict]:
    """The items with only ``fields``, in ``order`` (ids); without one, sorted by text."""
    kept = [{k: item[k] for k in fields if k in item} for item in items]
    if order:
        position = {item_id: n for n, item_id in enumerate(order)}
        return sorted(kept, key=lambda item: position.get(item["id"], len(position)))
    return sorted(kept, key=lambda item: str(item.get("text", "")).casefold())


def _body(question: dict, order: list[str] | None) -> dict[str, Any]:
    kind = question["type"]
    if kind in ("single_choice", "multiple_response"):
        return {"options": _ordered(question["options"], order)}
    if kind == "matching":
        return {"premises": _ordered(question["premises"], [p["id"] for p in question["premises"]]),
                "responses": _ordered(question["responses"], order)}
    if kind == "ordering":
        return {"items": _ordered(question["items"], order)}
    if kind == "short_answer":
        gaps = []
        for gap in question["gaps"]:
            shown = {"id": gap["id"]}
            if gap.get("options") is not None:
                shown["options"] = sorted(gap["options"], key=str.casefold)
            gaps.append(shown)
        return {"gaps": gaps}
    if kind == "numeric":
        return {"unit": question.get("unit")}
    if kind == "essay":
        return {"word_limit": question.get("word_limit"), "min_words": question.get("min_words", 0)}
    return {}  # true_false: the stem is all there is


def public_question(question: dict, order: list[str] | None = None,
                    step_orders: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The learner's view of one question version, its lists in the attempt's display order.

    ``order`` and ``step_orders`` are an attempt item's (``question_bank.draw.assemble_quiz``).
    """
    shown = {k: question[k] for k in _COMMON if k in question}
    if question["type"] != "scenario":
        shown.update(_body(question, order))
        return shown
    shown["case"] = dict(question["case"])
    shown["steps"] = []
    for step in question["steps"]:
        child = step["question"]
        public = {k: child[k] for k in _COMMON if k in child}
        public.update(_body(child, (step_orders or {}).get(step["id"])))
        shown["steps"].append({"id": step["id"], "question": public})
    return shown
