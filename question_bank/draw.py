"""Seeded shuffles and quiz assembly (docs/formats.md "Seeded draws and shuffles").

mulberry32 + Fisher-Yates, bit for bit what scorm_export/player/marking.js does, so an attempt
replays the same in Python and in the player.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from .model import Question, quote

__all__ = ["DrawError", "assemble_quiz", "mulberry32", "shuffle", "shuffle_orders"]

_M32 = 0xFFFFFFFF


class DrawError(ValueError):
    """A quiz that cannot be assembled (too few candidates, unknown question version...)."""


def _imul(a: int, b: int) -> int:
    return (a * b) & _M32


def mulberry32(seed: int) -> Callable[[], float]:
    """A generator of floats in [0, 1) from a 32-bit seed (any int; taken modulo 2**32)."""
    state = seed & _M32

    def rand() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & _M32
        t = _imul(state ^ (state >> 15), state | 1)
        t = ((t + _imul(t ^ (t >> 7), t | 61)) & _M32) ^ t
        return ((t ^ (t >> 14)) & _M32) / 4294967296

    return rand


def shuffle(items: Iterable, rand: Callable[[], float]) -> list:
    """A shuffled copy: Fisher-Yates from the last index down to 1, j = floor(rand() * (i + 1))."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = int(rand() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def _order(question: dict, rand: Callable[[], float], shuffle_options: bool = False) -> list[str] | None:
    kind = question["type"]
    shuffled = shuffle_options or question.get("shuffle")
    if kind in ("single_choice", "multiple_response") and shuffled:
        return shuffle([o["id"] for o in question["options"]], rand)
    if kind == "matching" and shuffled:
        return shuffle([r["id"] for r in question["responses"]], rand)
    if kind == "ordering":
        return shuffle([i["id"] for i in question["items"]], rand)
    return None


def shuffle_orders(question: dict, rand: Callable[[], float], *, shuffle_options: bool = False) -> dict:
    """The display orders of one question: `order`, and `step_orders` for a scenario.

    `shuffle_options` (a quiz's setting) shuffles choice options and matching responses even where
    the question's own `shuffle` is false."""
    if question["type"] == "scenario":
        steps = {}
        for step in question["steps"]:
            order = _order(step["question"], rand, shuffle_options)
            if order is not None:
                steps[step["id"]] = order
        return {"order": None, "step_orders": steps}
    return {"order": _order(question, rand, shuffle_options)}


def _is_count(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 1 \
        and float(value).is_integer()


def assemble_quiz(quiz: dict, bank_questions: list[dict | Question], seed: int) -> list[dict]:
    """The questions of one attempt: [{question, version, order[, step_orders]}], in quiz order.

    `bank_questions` holds the fixed items' versions and the candidates for draws (the highest
    version of each id is its current one). The quiz's `shuffle` shuffles the question order and its
    `shuffle_options` every choice and matching question's options. DrawError names the item that
    cannot be assembled.
    """
    rand = mulberry32(seed)
    by_key: dict[tuple[str, int], dict] = {}
    current: dict[str, dict] = {}
    for q in bank_questions:
        data = q.data if isinstance(q, Question) else q
        by_key[(data["id"], data["version"])] = data
        if data["id"] not in current or data["version"] > current[data["id"]]["version"]:
            current[data["id"]] = data
    items = quiz.get("items") or []
    fixed = {item["question"] for item in items if "question" in item}
    chosen: list[dict] = []
    used: set[str] = set()
    for index, item in enumerate(items, start=1):
        if "question" in item:
            data = by_key.get((item["question"], item.get("version")))
            if data is None:
                raise DrawError(f"quiz item {index}: question {quote(item['question'])} version "
                                f"{quote(item.get('version'))} is not in the bank")
            if item["question"] in used:
                raise DrawError(f"quiz item {index}: question {quote(item['question'])} "
                                "is already in the quiz")
            chosen.append(data)
            used.add(item["question"])
            continue
        draw = item.get("draw")
        if not isinstance(draw, dict) or not _is_count(draw.get("count")) \
                or (draw.get("criterion") is None and draw.get("tag") is None):
            raise DrawError(f"quiz item {index}: expected a question, or a draw with a count and "
                            "a criterion or tag")
        candidates = [
            data for qid, data in sorted(current.items())
            if qid not in used and qid not in fixed
            and (draw.get("criterion") is None or draw["criterion"] in data["criteria"])
            and (draw.get("tag") is None or draw["tag"] in data.get("tags", ()))
        ]
        if len(candidates) < draw["count"]:
            described = json.dumps(draw, separators=(",", ":"), ensure_ascii=False)
            raise DrawError(f"quiz item {index}: draw {described} has only {len(candidates)} "
                            "candidate(s)")
        for data in shuffle(candidates, rand)[: int(draw["count"])]:
            chosen.append(data)
            used.add(data["id"])
    if quiz.get("shuffle"):
        chosen = shuffle(chosen, rand)
    every_option = bool(quiz.get("shuffle_options"))
    return [{"question": data["id"], "version": data["version"],
             **shuffle_orders(data, rand, shuffle_options=every_option)}
            for data in chosen]
