"""Helpers shared by the format tests."""

from __future__ import annotations

from question_bank.formats._common import html_to_text


def stem_text(q: dict) -> str:
    return html_to_text(q["stem"])


def correct(q: dict):
    """The correct answer of an imported question, in a plain comparable form."""
    t = q["type"]
    if t == "single_choice":
        return next(o["text"] for o in q["options"] if o["correct"])
    if t == "multiple_response":
        return sorted(o["text"] for o in q["options"] if o["correct"])
    if t == "true_false":
        return q["answer"]
    if t == "short_answer":
        return [next(a["text"] for a in g["answers"] if a["credit"] == 1.0) for g in q["gaps"]]
    if t == "numeric":
        a = next(a for a in q["answers"] if a["credit"] == 1.0)
        return (a["value"], a["tolerance"])
    if t == "matching":
        text = {r["id"]: r["text"] for r in q["responses"]}
        return {p["text"]: text[p["match"]] for p in q["premises"]}
    if t == "ordering":
        return [i["text"] for i in q["items"]]
    if t == "scenario":
        return [correct(step["question"]) for step in q["steps"]]
    return None
