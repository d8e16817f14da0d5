"""A scripted learner for the shipped course, and what Moodle 4.3 would POST for the calls it recorded.

The learner is driven by the course document: it knows each question's right (or a wrong) answer
and follows a scenario's branches the way the player does. ``moodle_posts`` replays a run's calls
through the rule Moodle 4.3's SCORM player uses to build each commit's POST (``CollectData`` in
mod/scorm/datamodels/scorm_12.js and scorm_13.js), so a test can bound what a real Moodle receives.
"""

from __future__ import annotations

import re
from urllib.parse import quote

SENTENCE = "I would sit with the person and listen to them carefully."  # 11 words


def essay_text(q: dict) -> str:
    """The learner's essay: the sentence repeated 10 times (110 words), or as often as the
    question's ``min_words`` needs (a 400-word reflective account takes 37: 407 words)."""
    return " ".join([SENTENCE] * max(10, -(-(q.get("min_words") or 0) // 11)))


def module_questions(doc: dict, slug: str) -> tuple[dict, list[dict]]:
    """A module of a document and its fixed quiz questions, in quiz order."""
    module = next(m for m in doc["modules"] if m["slug"] == slug)
    by_key = {(q["id"], q["version"]): q for q in doc["questions"]}
    assert not module["quiz"]["shuffle"] and all("draw" not in i for i in module["quiz"]["items"])
    return module, [by_key[(i["question"], i["version"])] for i in module["quiz"]["items"]]


def choice_answer(q: dict, correct: bool):
    """The answer the learner gives (option id, list of ids, bool, {premise: response}, order)."""
    kind = q["type"]
    if kind == "single_choice":
        return next(o["id"] for o in q["options"] if o["correct"] == correct)
    if kind == "multiple_response":
        return [o["id"] for o in q["options"] if o["correct"] == correct]
    if kind == "true_false":
        return q["answer"] if correct else not q["answer"]
    if kind == "matching":
        ids = [r["id"] for r in q["responses"]]
        return {
            p["id"]: p["match"] if correct else next(r for r in ids if r != p["match"])
            for p in q["premises"]
        }
    if kind == "ordering":
        ids = [i["id"] for i in q["items"]]
        return ids if correct else ids[::-1]
    if kind == "essay":
        return essay_text(q)
    raise AssertionError(f"the scripted learner does not answer {kind}")


def scenario_path(q: dict, correct: bool) -> list[tuple[dict, object]]:
    """The steps taken and the answer given to each, following branches as the player does."""
    steps, out, i = q["steps"], [], 0
    while i >= 0:
        step = steps[i]
        answer = choice_answer(step["question"], correct)
        out.append((step, answer))
        target = None
        if step["question"]["type"] in ("single_choice", "true_false"):
            key = str(answer).lower() if isinstance(answer, bool) else answer
            target = (step.get("branches") or {}).get(key)
        if target is None:
            target = step.get("next") or (steps[i + 1]["id"] if i + 1 < len(steps) else "end")
        i = -1 if target == "end" else next(k for k, s in enumerate(steps) if s["id"] == target)
    return out


def answer(scope, q: dict, value) -> None:
    """Give answer value to question q inside scope (a locator around the live controls)."""
    kind = q["type"]
    text = {o["id"]: o["text"] for o in q.get("options", [])}
    if kind == "single_choice":
        scope.get_by_role("radio", name=text[value], exact=True).check()
    elif kind == "true_false":
        scope.get_by_role("radio", name="True" if value else "False", exact=True).check()
    elif kind == "multiple_response":
        for oid in value:
            scope.get_by_role("checkbox", name=text[oid], exact=True).check()
    elif kind == "matching":
        responses = {r["id"]: r["text"] for r in q["responses"]}
        for p in q["premises"]:
            scope.get_by_label(p["text"], exact=True).select_option(label=responses[value[p["id"]]])
    elif kind == "ordering":
        items = {i["id"]: i["text"] for i in q["items"]}
        for k, item in enumerate(value):  # move each item up into place
            while True:
                shown = scope.locator(".order .txt").all_inner_texts()
                if shown.index(items[item]) <= k:
                    break
                scope.get_by_role("button", name=f"Move up: {items[item]}", exact=True).click()
    elif kind == "essay":
        scope.get_by_label("Your answer", exact=True).fill(value)
    else:
        raise AssertionError(kind)


def click(frame, name: str) -> None:
    frame.get_by_role("button", name=name, exact=True).click()


def answer_question(frame, q: dict, correct: bool) -> None:
    """Answer the question on screen, checking each answer (immediate feedback)."""
    if q["type"] == "scenario":
        for step, value in scenario_path(q, correct):
            live = frame.locator(".step:not(.done)")
            answer(live, step["question"], value)
            live.get_by_role("button", name="Check answer", exact=True).click()
    else:
        answer(frame.locator("section.question"), q, value=choice_answer(q, correct))
        if q["type"] != "essay":
            click(frame, "Check answer")


def take_quiz(frame, questions: list[dict], correct: bool, start: int = 0, each=None) -> None:
    """Answer questions[start:] (immediate feedback: check each), then submit.

    ``each(i)`` runs when question i is on screen, before it is answered."""
    n = len(questions)
    for i in range(start, n):
        frame.get_by_role("heading", name=f"Question {i + 1} of {n}").wait_for()
        if each:
            each(i)
        answer_question(frame, questions[i], correct)
        click(frame, "Submit quiz" if i == n - 1 else "Next")
    click(frame, "Submit all and finish")  # the summary asks first, always
    frame.get_by_role("heading", name="Results").wait_for()


def open_quiz(frame, module: dict) -> None:
    for _ in range(len(module["pages"])):
        click(frame, "Next")
    click(frame, "Start quiz")


def listed(cmi: dict, key: str) -> list[dict]:
    """A CMI collection as a list, in index order."""
    v = cmi.get(key) or {}
    return v if isinstance(v, list) else [v[k] for k in sorted((k for k in v if k.isdigit()), key=int)]


def dash(ref: str) -> str:
    return ref.replace("/", "-")


# ------------------------------------------------------------------ what the calls commit

COMMITS = {"1.2": ("LMSCommit", "LMSFinish"), "2004": ("Commit", "Terminate")}
SET = {"1.2": "LMSSetValue", "2004": "SetValue"}
# What Moodle's player adds to each POST: id, a, sesskey, attempt, scoid (about this long).
POST_PARAMS = len("id=123&a=45&sesskey=abcdefghij&attempt=1&scoid=678")


def commits(calls: list[dict], standard: str) -> list[int]:
    """Indexes of the calls that store data in the LMS (Commit and Terminate; their 1.2 names)."""
    return [i for i, c in enumerate(calls) if c["method"] in COMMITS[standard] and c["result"] == "true"]


def set_values(calls: list[dict], standard: str, start: int = 0, stop: int | None = None) -> list[tuple[str, str]]:
    return [tuple(c["args"]) for c in calls[start:stop] if c["method"] == SET[standard] and c["result"] == "true"]


def _encoded(name: str, value: str) -> int:
    # Moodle: '&' + element with '.' as '__' + '=' + encodeURIComponent(value)
    return len("&" + name.replace(".", "__") + "=" + quote(value, safe="-_.!~*'()"))


def moodle_posts(calls: list[dict], standard: str, initial: dict[str, str] | None = None) -> list[dict]:
    """The POST Moodle 4.3 sends for each commit of these calls: [{"call", "names", "bytes"}].

    1.2 (scorm_12.js): each commit sends the elements whose value differs from the last value sent
    (or the value the LMS started with), never session_time; LMSFinish adds total_time.
    2004 (scorm_13.js): each commit sends every element that differs from the value the LMS started
    with, and every interaction and objective (they have no default), so it grows with the session;
    Terminate adds total_time. ``initial`` is the CMI the session started with, by dotted name.
    """
    start = dict(initial or {})
    current: dict[str, str] = {}
    last_sent = dict(start)
    out = []
    for i, c in enumerate(calls):
        if c["method"] == SET[standard] and c["result"] == "true":
            current[c["args"][0]] = c["args"][1]
        elif c["method"] in COMMITS[standard] and c["result"] == "true":
            if standard == "1.2":
                sent = {n: v for n, v in current.items()
                        if last_sent.get(n) != v and n != "cmi.core.session_time"}
                last_sent.update(sent)
            else:
                everything = {**{n: v for n, v in start.items() if re.match(r"cmi\.(interactions|objectives)\.", n)}, **current}
                sent = {n: v for n, v in everything.items()
                        if start.get(n) != v or re.match(r"cmi\.(interactions|objectives)\.\d+\.", n)}
            size = POST_PARAMS + sum(_encoded(n, v) for n, v in sent.items())
            if c["method"] in ("LMSFinish", "Terminate"):
                size += _encoded("cmi.core.total_time" if standard == "1.2" else "cmi.total_time", "0000:00:00.00")
            out.append({"call": i, "names": sorted(sent), "bytes": size})
    return out


def flatten(cmi: dict, prefix: str = "cmi") -> dict[str, str]:
    """A harness CMI dict as dotted names (the initial CMI of a resumed run)."""
    out: dict[str, str] = {}
    for k, v in cmi.items():
        name = f"{prefix}.{k}"
        if isinstance(v, dict):
            out.update(flatten(v, name))
        elif isinstance(v, list):
            for n, item in enumerate(v):
                out.update(flatten(item, f"{name}.{n}") if isinstance(item, dict) else {f"{name}.{n}": str(item)})
        elif v not in (None, ""):
            out[name] = str(v)
    return out
