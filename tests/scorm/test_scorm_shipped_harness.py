"""A scripted learner plays shipped modules in the kit's scorm-again harness (multi-SCO 1.2 and
2004): everything right passes with 100, everything wrong fails, a second launch resumes, and an
essay is recorded for the tutor without counting against the learner.

The learner is driven by the course document: it knows each question's right (or a wrong) answer
and follows a scenario's branches the way the player does.
"""

from __future__ import annotations

import pytest

from scorm_export.document import load_document
from scorm_export.package import build_package

pytestmark = pytest.mark.scorm

O1 = "01-factors-affecting-relationships"  # QCF-RELNET outcome 1: four scenarios, five questions
O2 = "02-identifying-beneficial-relationships"  # scenario, ordering, reflective essay
ESSAY = " ".join(["I would sit with the person and listen to them carefully."] * 10)  # 110 words


@pytest.fixture(scope="module")
def shipped() -> dict:
    from course.shipped import load_shipped_document

    return load_document(load_shipped_document())


@pytest.fixture(scope="module")
def packages(tmp_path_factory, scorm_kit, playable_player, shipped) -> dict:
    folder = tmp_path_factory.mktemp("shipped")
    out = {}
    for standard in ("1.2", "2004"):
        path = folder / f"shipped-{standard}.zip"
        path.write_bytes(build_package(shipped, standard=standard, multi_sco=True))
        out[standard] = str(path)
    return out


def module_questions(doc: dict, slug: str) -> tuple[dict, list[dict]]:
    module = next(m for m in doc["modules"] if m["slug"] == slug)
    by_key = {(q["id"], q["version"]): q for q in doc["questions"]}
    assert not module["quiz"]["shuffle"] and all("draw" not in i for i in module["quiz"]["items"])
    return module, [by_key[(i["question"], i["version"])] for i in module["quiz"]["items"]]


# ------------------------------------------------------------------ the scripted learner


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
        return ESSAY
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


def take_quiz(frame, module: dict, questions: list[dict], correct: bool, start: int = 0) -> None:
    """Answer questions[start:] (immediate feedback: check each), then submit."""
    n = len(questions)
    for i in range(start, n):
        frame.get_by_role("heading", name=f"Question {i + 1} of {n}").wait_for()
        q = questions[i]
        if q["type"] == "scenario":
            for step, value in scenario_path(q, correct):
                live = frame.locator(".step:not(.done)")
                answer(live, step["question"], value)
                live.get_by_role("button", name="Check answer", exact=True).click()
        else:
            answer(frame.locator("section.question"), q, value=choice_answer(q, correct))
            if q["type"] != "essay":
                click(frame, "Check answer")
        click(frame, "Submit quiz" if i == n - 1 else "Next")
    frame.get_by_role("heading", name="Results").wait_for()


def open_quiz(frame, module: dict) -> None:
    for _ in range(len(module["pages"])):
        click(frame, "Next")
    click(frame, "Start quiz")


def play(package: str, standard: str, slug: str, script, resume_from=None) -> dict:
    from lms_harness import LmsRun

    with LmsRun(package, standard=standard, sco=f"ITEM-{slug}", resume_from=resume_from) as run:
        run.wait_for_initialize()
        script(run.content)
    result = run.result
    assert result["errors"] == [], result["errors"]
    assert result["warnings"] == [], result["warnings"]
    assert result["page_errors"] == [], result["page_errors"]
    return result


def listed(cmi: dict, key: str) -> list[dict]:
    v = cmi[key]
    return v if isinstance(v, list) else [v[k] for k in sorted((k for k in v if k.isdigit()), key=int)]


# ------------------------------------------------------------------ what the LMS should hold


def dash(ref: str) -> str:
    return ref.replace("/", "-")


TYPES = {
    "single_choice": "choice",
    "multiple_response": "choice",
    "true_false": "true-false",
    "matching": "matching",
    "ordering": "sequencing",
}


def expected_interactions(questions: list[dict], correct: bool, standard: str) -> list[tuple]:
    out = []
    wrong = "wrong" if standard == "1.2" else "incorrect"
    for q in questions:
        head = dash(q["criteria"][0])
        if q["type"] == "scenario":
            for step, _ in scenario_path(q, correct):
                sq = step["question"]
                out.append(
                    (f"{head}.{q['id']}.{step['id']}.v{q['version']}", TYPES[sq["type"]],
                     "correct" if correct else wrong, [dash(c) for c in sq["criteria"]])
                )
        elif q["type"] == "essay":
            out.append(
                (f"{head}.{q['id']}.v{q['version']}",
                 "fill-in" if standard == "1.2" else "long-fill-in", "neutral",
                 [dash(c) for c in q["criteria"]])
            )
        else:
            out.append(
                (f"{head}.{q['id']}.v{q['version']}", TYPES[q["type"]],
                 "correct" if correct else wrong, [dash(c) for c in q["criteria"]])
            )
    return out


def got_interactions(cmi: dict) -> list[tuple]:
    return [
        (i["id"], i["type"], i["result"], [o["id"] for o in listed(i, "objectives")])
        for i in listed(cmi, "interactions")
    ]


def evidenced(questions: list[dict]) -> set[str]:
    return {dash(c) for q in questions if q["type"] != "essay" for c in q["criteria"]}


@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_shipped_outcome_1_module_passed_then_failed(packages, shipped, standard):
    module, questions = module_questions(shipped, O1)
    assert sum(q["type"] == "scenario" for q in questions) == 4
    crits = evidenced(questions)
    assert crits == {"QCF-RELNET-1.1", "QCF-RELNET-1.2", "QCF-RELNET-1.3", "QCF-RELNET-1.4"}

    def good(frame):
        open_quiz(frame, module)
        take_quiz(frame, module, questions, True)
        frame.get_by_text("Passed", exact=True).wait_for()

    cmi = play(packages[standard], standard, O1, good)["cmi"]
    if standard == "1.2":
        core = cmi["core"]
        assert (core["lesson_status"], core["score"]["raw"], core["score"]["max"]) == (
            "passed", "100", "100")
        obj = {o["id"]: (o["status"], o["score"]["raw"]) for o in listed(cmi, "objectives")}
        assert obj == {c: ("passed", "100") for c in crits}
    else:
        assert (cmi["completion_status"], cmi["success_status"]) == ("completed", "passed")
        assert (cmi["score"]["raw"], cmi["score"]["scaled"]) == ("100", "1")
        obj = {
            o["id"]: (o["success_status"], o["score"]["scaled"])
            for o in listed(cmi, "objectives")
            if o["id"] in crits
        }
        assert obj == {c: ("passed", "1") for c in crits}
        # the manifest declares nothing else for this module but its primary objective
        assert {o["id"] for o in listed(cmi, "objectives")} - crits <= {O1}
    assert got_interactions(cmi) == expected_interactions(questions, True, standard)
    assert len(cmi["suspend_data"]) <= (4096 if standard == "1.2" else 64000)

    def bad(frame):
        open_quiz(frame, module)
        take_quiz(frame, module, questions, False)
        frame.get_by_text("Not passed", exact=True).wait_for()

    cmi = play(packages[standard], standard, O1, bad)["cmi"]
    status = cmi["core"]["lesson_status"] if standard == "1.2" else cmi["success_status"]
    assert status == "failed"
    assert got_interactions(cmi) == expected_interactions(questions, False, standard)
    if standard == "1.2":
        assert {o["id"]: o["status"] for o in listed(cmi, "objectives")} == {c: "failed" for c in crits}


@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_shipped_module_second_launch_resumes(packages, shipped, standard):
    module, questions = module_questions(shipped, O1)
    n = len(questions)

    def first(frame):
        open_quiz(frame, module)
        q = questions[0]
        for step, value in scenario_path(q, True):
            live = frame.locator(".step:not(.done)")
            answer(live, step["question"], value)
            live.get_by_role("button", name="Check answer", exact=True).click()
        click(frame, "Next")
        frame.get_by_role("heading", name=f"Question 2 of {n}").wait_for()

    r1 = play(packages[standard], standard, O1, first)
    cmi = r1["cmi"]
    if standard == "1.2":
        assert (cmi["core"]["exit"], cmi["core"]["lesson_status"], cmi["core"]["lesson_location"]) == (
            "suspend", "incomplete", "0:q1")
    else:
        assert (cmi["exit"], cmi["completion_status"], cmi["location"]) == (
            "suspend", "incomplete", "0:q1")

    def second(frame):
        frame.get_by_role("heading", name=f"Question 2 of {n}").wait_for()
        click(frame, "Previous")  # the first answers are all there
        frame.get_by_role("heading", name=f"Question 1 of {n}").wait_for()
        assert frame.locator(".step.done").count() == len(scenario_path(questions[0], True))
        click(frame, "Next")
        take_quiz(frame, module, questions, True, start=1)

    r2 = play(packages[standard], standard, O1, second, resume_from=r1)
    cmi = r2["cmi"]
    assert r2["resumed"] is True
    if standard == "1.2":
        assert (cmi["core"]["entry"], cmi["core"]["lesson_status"], cmi["core"]["score"]["raw"]) == (
            "resume", "passed", "100")
    else:
        assert (cmi["entry"], cmi["success_status"], cmi["score"]["raw"]) == ("resume", "passed", "100")
    assert got_interactions(cmi) == expected_interactions(questions, True, standard)


@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_shipped_essay_is_recorded_for_the_tutor_and_left_out_of_the_score(packages, shipped, standard):
    module, questions = module_questions(shipped, O2)
    assert [q["type"] for q in questions][-1] == "essay"

    def script(frame):
        open_quiz(frame, module)
        take_quiz(frame, module, questions, True)
        frame.get_by_text("Passed", exact=True).wait_for()
        frame.get_by_text(
            "1 essay answer(s) recorded for your tutor, not marked here: your score and result "
            "count only the automatically marked questions."
        ).wait_for()

    cmi = play(packages[standard], standard, O2, script)["cmi"]
    status = cmi["core"]["lesson_status"] if standard == "1.2" else cmi["success_status"]
    score = cmi["core"]["score"] if standard == "1.2" else cmi["score"]
    assert (status, score["raw"]) == ("passed", "100")
    assert got_interactions(cmi) == expected_interactions(questions, True, standard)
    essay = listed(cmi, "interactions")[-1]
    response = essay["student_response" if standard == "1.2" else "learner_response"]
    assert response == (ESSAY[:255] if standard == "1.2" else ESSAY)
    assert "correct_responses" not in essay or not listed(essay, "correct_responses")
