"""Where a scenario's steps lead: every path, and the problems a tutor can make while branching.

The rules are docs/formats.md's (and ``question_bank.marking.scenario_path``'s): the first step
starts; an answer goes where its step's ``branches`` say, else to the step's ``next``, else to the
following step; "end" ends. ``question_bank.schemas`` refuses a scenario that breaks them, one
problem at a time and in a developer's words; this module finds all of them at once and says each
in a tutor's words, next to the choice that causes it:

* a **dead end**: a choice that leads to a step that no longer exists (removed, or renamed);
* a **loop**: a choice that leads back to a step already on the path (loops are not allowed:
  a learner must always reach the end);
* an **unreachable step**: no path from the first step reaches it.

``course/static/questions/scenario.js`` draws the same paths and flags from the form as the tutor
edits it; the two must agree (tests/questions/test_scenario_editor.py pins the server side).
Pure: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_PATHS = 50  # a wide scenario has very many paths; the list shows the first ones and a count


@dataclass(frozen=True)
class Choice:
    """One way on from a step: an answer's branch (``key``: option id, "true" or "false") or the
    step's own way on (``key`` None); ``path`` is its JSON path, for the error."""

    step: str
    key: str | None
    target: str
    path: str
    text: str = ""  # the answer's text, as the tutor wrote it


@dataclass
class Graph:
    """The steps' ways on, the paths from the first step, and what is wrong with them."""

    ids: list[str]
    choices: dict[str, list[Choice]]
    paths: list[list[str]] = field(default_factory=list)  # each ends "end", "missing" or "loop"
    more_paths: int = 0
    unreachable: list[str] = field(default_factory=list)
    dead_ends: list[Choice] = field(default_factory=list)
    loops: list[tuple[Choice, list[str]]] = field(default_factory=list)  # the choice, the loop's steps


def _steps(question: dict) -> list[dict]:
    steps = question.get("steps")
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


def choices_of(question: dict) -> dict[str, list[Choice]]:
    """Each step's ways on, answers' branches first (in the question's option order)."""
    steps = _steps(question)
    ids = [str(s.get("id", "")) for s in steps]
    out: dict[str, list[Choice]] = {}
    for index, step in enumerate(steps):
        step_id = ids[index]
        branches = step.get("branches") if isinstance(step.get("branches"), dict) else {}
        child = step.get("question") if isinstance(step.get("question"), dict) else {}
        texts = {str(o.get("id")): str(o.get("text") or "") for o in child.get("options") or []
                 if isinstance(o, dict)}
        found = [Choice(step_id, str(key), str(target), f"steps.{index}.branches.{key}", texts.get(str(key), ""))
                 for key, target in branches.items()]
        nxt = step.get("next")
        default = nxt if isinstance(nxt, str) and nxt else (ids[index + 1] if index + 1 < len(ids) else "end")
        found.append(Choice(step_id, None, default, f"steps.{index}.next"))
        out[step_id] = found
    return out


def analyse(question: dict) -> Graph:
    """The graph of a scenario (question JSON, checked or not); empty when its step ids are not
    usable (blank or repeated: the schema names those)."""
    ids = [str(s.get("id", "")) for s in _steps(question)]
    if not ids or "" in ids or len(set(ids)) != len(ids):
        return Graph(ids=[], choices={})
    graph = Graph(ids=ids, choices=choices_of(question))
    known = set(ids)
    graph.dead_ends = [c for cs in graph.choices.values() for c in cs if c.target != "end" and c.target not in known]
    reached: set[str] = set()
    trail: list[str] = []  # the steps on the way to the one being walked (a depth-first walk)

    def walk(step_id: str) -> None:
        reached.add(step_id)
        trail.append(step_id)
        for choice in graph.choices[step_id]:
            if choice.target in trail:  # back to a step on the way here: this choice closes a loop
                graph.loops.append((choice, trail[trail.index(choice.target):] + [choice.target]))
            elif choice.target in known and choice.target not in reached:
                walk(choice.target)
        trail.pop()

    walk(ids[0])
    graph.unreachable = [i for i in ids if i not in reached]
    graph.paths, graph.more_paths = _paths(graph)
    return graph


def _paths(graph: Graph) -> tuple[list[list[str]], int]:
    """Every distinct path from the first step (several answers to the same step make one path),
    up to MAX_PATHS, and how many more there are."""
    out: list[list[str]] = []
    more = 0
    stack: list[list[str]] = [[graph.ids[0]]]
    budget = 20 * MAX_PATHS * len(graph.ids)  # walks this long only in huge scenarios: stop counting
    while stack and budget:
        budget -= 1
        path = stack.pop()
        here = path[-1]
        targets: list[str] = []
        for choice in graph.choices[here]:
            if choice.target not in targets:
                targets.append(choice.target)
        for target in reversed(targets):
            if target == "end":
                ending = path + ["end"]
            elif target not in graph.choices:
                ending = path + ["missing"]
            elif target in path:
                ending = path + ["loop"]
            else:
                stack.append(path + [target])
                continue
            if len(out) < MAX_PATHS:
                out.append(ending)
            else:
                more += 1
    out.sort(key=lambda p: [graph.ids.index(s) if s in graph.ids else len(graph.ids) for s in p])
    return out, more


def _name(names: dict[str, str], step_id: str) -> str:
    return names.get(step_id) or f"step {step_id!r}"


def _answer(choice: Choice) -> str:
    if choice.key is None:
        return "“After this step”"
    if choice.text:
        short = choice.text if len(choice.text) <= 40 else choice.text[:39].rstrip() + "…"
        return f"the answer “{short}”"
    return f"the answer {choice.key}"


def problems(question: Any, names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(JSON path, message in plain words) for each dead end, loop and unreachable step of a
    scenario; ``names`` gives each step id the name the tutor sees ("Step 2"), default
    "step 's2'". Empty for any other question."""
    if not isinstance(question, dict) or question.get("type") != "scenario":
        return []
    graph = analyse(question)
    names = names or {}
    out: list[tuple[str, str]] = []
    for choice in graph.dead_ends:
        out.append((choice.path, f"{_name(names, choice.step)}: {_answer(choice)} leads to a step that no longer "
                                 f"exists ({choice.target!r}). Choose another step, or End."))
    for choice, loop in graph.loops:
        route = " → ".join(_name(names, s) for s in loop)
        out.append((choice.path, f"{_name(names, choice.step)}: {_answer(choice)} leads back to "
                                 f"{_name(names, choice.target)}, making a loop ({route}). A scenario cannot "
                                 "go back: choose a later step, or End."))
    for step_id in graph.unreachable:
        index = graph.ids.index(step_id)
        out.append((f"steps.{index}", f"{_name(names, step_id)} cannot be reached: no answer or step leads to "
                                      "it. Choose it under “If chosen, go to” or “After this step” of an "
                                      "earlier step, or remove it."))
    return out


# The schema's own messages for the same three problems (replaced by the ones above).
SCHEMA_GRAPH_MESSAGES = ("The steps form a cycle", "cannot be reached from the first step", "Unknown step ")


def is_schema_graph_message(message: str) -> bool:
    """Whether a schema message is one of the problems ``problems`` words for the tutor."""
    return any(part in message for part in SCHEMA_GRAPH_MESSAGES)
