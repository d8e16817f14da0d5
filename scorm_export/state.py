"""How many characters of suspend_data the player's resumable state can take.

Mirrors the compact state of ``player/player.js`` (``packModule``, ``encodeAnswer``, ``fitState``):
``{"v":1,"c":<module index>,"m":{"<index>":{"w","p","s","q","a","k","l","z","r","d"}}}`` with each
answer encoded as indices into the question's own lists. Free text (short-answer gaps, numeric,
essays) is counted at 40 characters: ``fitState`` cuts longer texts down to 40 before a save, so
that is the least the state can shrink to. tests/scorm checks the estimate against the player's
own ``packModule`` in node.
"""

from __future__ import annotations

import json

from scorm_export.document import current_questions, draw_candidates

TEXT_FLOOR = 40  # fitState never cuts a text below this
SEED = 4294967295  # the widest 32-bit seed
LATENCY_S = 9999  # seconds on one question, counted as four digits
START_S = 9999999999  # a timed quiz's start, epoch seconds (ten digits until 2286)
RESULT = [66.67, 0]  # the widest [percent, passed (1 or 0)]


def worst_code(question: dict):
    """The longest answer code the player can store for a question."""
    kind = question["type"]
    if kind in ("single_choice", "true_false"):
        return "a"
    if kind == "multiple_response":
        return "a" * len(question["options"])
    if kind == "matching":
        return "a" * len(question["premises"])
    if kind == "ordering":
        return "a" * len(question["items"])
    if kind == "short_answer":
        return ["x" * TEXT_FLOOR for _ in question["gaps"]]
    if kind == "scenario":
        return ["a" * len(question["steps"])] + [
            worst_code(step["question"]) for step in question["steps"]
        ]
    return "x" * TEXT_FLOOR  # numeric, essay: the learner's text


def _size(value) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def quiz_codes(doc: dict, module: dict) -> list:
    """The longest code of each question a module's quiz can hold (draws: longest candidates)."""
    quiz = module.get("quiz")
    if not quiz:
        return []
    by_key = {(q["id"], q["version"]): q for q in doc["questions"]}
    current = current_questions(doc)
    fixed = [by_key[(i["question"], i["version"])] for i in quiz["items"] if "draw" not in i]
    codes = [worst_code(q) for q in fixed]
    fixed_ids = {q["id"] for q in fixed}
    for item in quiz["items"]:
        if "draw" in item:
            candidates = [
                current[qid] for qid in draw_candidates(doc, item["draw"]) if qid not in fixed_ids
            ]
            sized = sorted((worst_code(q) for q in candidates), key=_size, reverse=True)
            codes += sized[: item["draw"]["count"]]
    return codes


def worst_module_state(doc: dict, module: dict) -> dict:
    """The largest packed state of one module (the player's ``packModule`` shape)."""
    codes = quiz_codes(doc, module)
    state: dict = {"w": "p"}
    if len(module["pages"]) > 1:
        state["p"] = len(module["pages"]) - 1
    if codes:
        n = len(codes)
        state.update(
            {
                "s": SEED,
                "q": n - 1,
                "a": codes,
                "k": "1" * n,
                "l": [LATENCY_S] * n,
                "z": 1,
                "r": RESULT,
            }
        )
        if module["quiz"].get("time_limit_minutes"):
            state["t"] = START_S
    state["d"] = 1
    return state


def estimate_suspend_data(doc: dict, module: dict) -> int:
    """Characters of suspend_data when this module's state is the whole state."""
    index = next(i for i, m in enumerate(doc["modules"]) if m["slug"] == module["slug"])
    return _size({"v": 1, "c": index, "m": {str(index): worst_module_state(doc, module)}})


def _results_only(state: dict) -> dict:
    """A module as ``fitState`` keeps it when its answers go (submitted: the results stay)."""
    kept = {k: v for k, v in state.items() if k not in ("a", "k", "l")}
    if "z" in kept:
        kept["w"] = "r"
    return kept


def _course_state(doc: dict, in_progress: int) -> dict:
    """The widest one-SCO state with ``in_progress`` modules whole (the largest) and the rest cut."""
    states = [worst_module_state(doc, m) for m in doc["modules"]]
    cut = [_results_only(s) for s in states]
    gain = sorted(range(len(states)), key=lambda i: _size(states[i]) - _size(cut[i]), reverse=True)
    whole = set(gain[:in_progress])
    n = len(states)
    state: dict = {"v": 1, "c": n - 1}
    if n > 1:
        state["o"] = list(range(n))  # the player's visit order (oldest first)
    state["m"] = {str(i): states[i] if i in whole else cut[i] for i in range(n)}
    return state


def estimate_course_suspend_data(doc: dict) -> int:
    """Characters of suspend_data when every module of a one-SCO course is in progress at once."""
    return _size(_course_state(doc, len(doc["modules"])))


def modules_in_progress_at_once(doc: dict, limit: int) -> int:
    """How many modules of a one-SCO course can be in progress at once with every answer kept.

    Beyond that the player's ``fitState`` drops the answers of the modules left longest ago
    (submitted modules keep their results, the current module stays whole), so the state fits.
    """
    for n in range(len(doc["modules"]), 0, -1):
        if _size(_course_state(doc, n)) <= limit:
            return n
    return 0
