"""What the scenario editor shows beside the form's fields: the steps to choose from as "go to"
targets, the paths through the scenario, and where to put the tutor back after a button
(add, remove, move, apply type) reloads the form. Pure: a draft in, plain values out."""
from __future__ import annotations

from typing import Any

from course.questions import scenario_drawing, scenario_graph

LABEL_CHARS = 50  # a step's name in a list of steps: its title, else the start of its question


def _summary(step: dict) -> str:
    child = step.get("question") or {}
    text = str(child.get("title") or "").strip() or " ".join(str(child.get("stem") or "").split())
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip() + "…"


def step_choices(draft: dict) -> list[tuple[str, str]]:
    """(step id, "Step 2: Ask him first") for every step with an id, in the form's order."""
    out = []
    for index, step in enumerate(draft.get("steps") or []):
        step_id = str(step.get("id") or "").strip()
        if step_id:
            summary = _summary(step)
            out.append((step_id, f"Step {index + 1}" + (f": {summary}" if summary else "")))
    return out


def step_names(draft: dict) -> dict[str, str]:
    """Each step id's name in messages: "Step 2" (its place in the form)."""
    names: dict[str, str] = {}
    for index, step in enumerate(draft.get("steps") or []):
        names.setdefault(str(step.get("id") or "").strip(), f"Step {index + 1}")
    return names


def graph_view(question: dict, draft: dict) -> dict[str, Any]:
    """The paths and flags as the page lists them, and the drawn graph (``svg``); the script
    redraws the same as the tutor edits."""
    graph = scenario_graph.analyse(question)
    names = step_names(draft)
    ends = {"end": "End", "missing": "a step that no longer exists", "loop": "back to an earlier step (a loop)"}
    paths = [[names.get(s, ends.get(s, s)) for s in path] for path in graph.paths]
    problems = [message for _path, message in scenario_graph.problems(question, names)]
    svg = scenario_drawing.drawing(question, dict(step_choices(draft)))
    return {"paths": paths, "more": graph.more_paths, "problems": problems, "svg": svg}


def focus_after(form: Any, draft: dict) -> str:
    """Where the tutor is put back after a button reloaded the form: the changed type's select,
    the new row's first box, the list's Add button after a removal, the moved row's button."""
    if form.get("_apply"):
        return str(form["_apply"])[:200]
    if form.get("_add"):
        name = str(form["_add"])[:200]
        if name == "steps" and draft.get("steps"):
            return f"steps-{len(draft['steps']) - 1}-question-title"
        return "_add:" + name
    if form.get("_remove"):
        return "_add:" + str(form["_remove"]).rsplit("-", 1)[0][:200]
    if form.get("_move"):
        row, _, direction = str(form["_move"])[:200].partition(":")
        head, _, index = row.rpartition("-")
        if head == "steps" and index.isdigit():
            moved = int(index) + (1 if direction == "down" else -1)
            last = len(draft.get("steps") or []) - 1
            if moved <= 0:
                direction = "down"
            elif moved >= last:
                direction = "up"
            return f"_move:steps-{max(0, min(moved, last))}:{direction}"
    return ""
