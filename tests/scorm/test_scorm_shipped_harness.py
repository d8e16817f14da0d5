"""The shipped course in every export variant, played in the kit's scorm-again harness, held to the
rules a strict LMS (Moodle 4.3) needs (README, "What the LMS records"): the results model per variant,
status committed before score, nothing written in review mode, retakes inside one SCORM attempt, at
most 15 commits for module 1 and no commit over 16 KB as Moodle would POST it, valid time formats,
per-answer times, and a player that fits an LMS frame.

scorm-again is lenient where Moodle is strict, so the rules are asserted from the recorded calls.
"""

from __future__ import annotations

import re

import pytest
from scorm_learner import (
    answer,
    answer_question,
    click,
    commits,
    dash,
    essay_text,
    listed,
    module_questions,
    moodle_posts,
    open_quiz,
    scenario_path,
    set_values,
    take_quiz,
)

from scorm_export.document import load_document
from scorm_export.package import build_package

pytestmark = pytest.mark.scorm

O1 = "01-factors-affecting-relationships"  # QCF-RELNET outcome 1: a question per criterion, two written tasks
O2 = "02-identifying-beneficial-relationships"  # a question per criterion, a reflective account
MAX_COMMITS, MAX_POST = 15, 16 * 1024
VARIANTS = {  # name: (standard, multi_sco, sequencing)
    "1.2-multi": ("1.2", True, False),
    "1.2-one": ("1.2", False, False),
    "2004-multi": ("2004", True, False),
    "2004-one": ("2004", False, False),
    "2004-sequencing": ("2004", True, True),
}


def played_as_practice(doc: dict, slug: str, seed: int = 1) -> None:
    """Module ``slug``'s quiz made the one attempt ``seed`` draws, fixed, with immediate feedback.

    The shipped quizzes are summative (random draws, shuffled options, feedback after submission:
    tests/player/test_quiz_modes_browser.py plays that path). These tests measure what an LMS
    records while a learner checks each answer of a known set of questions, the player's busiest
    path, so they fix the questions one seeded draw gives and play them formatively.
    """
    from question_bank.draw import assemble_quiz
    from scorm_export.document import module_question_versions

    module = next(m for m in doc["modules"] if m["slug"] == slug)
    versions = module_question_versions(doc, module)
    kinds = {(q["id"], q["version"]): q["type"] for q in versions}
    drawn = assemble_quiz(module["quiz"], versions, seed)
    # A case first (the resume test checks its steps survive a relaunch), written work last.
    drawn.sort(key=lambda q: {"scenario": 0, "essay": 2}.get(kinds[(q["question"], q["version"])], 1))
    module["quiz"].update(
        mode="formative", attempts=0, feedback="immediate", option_feedback="always", shuffle=False,
        shuffle_options=False, items=[{"question": q["question"], "version": q["version"]} for q in drawn])


@pytest.fixture(scope="module")
def shipped() -> dict:
    from course.shipped import load_shipped_document

    doc = load_document(load_shipped_document())
    for slug in (O1, O2):
        played_as_practice(doc, slug)
    return doc


@pytest.fixture(scope="module")
def packages(tmp_path_factory, scorm_kit, playable_player, shipped) -> dict:
    folder = tmp_path_factory.mktemp("shipped")
    out = {}
    for name, (standard, multi, seq) in VARIANTS.items():
        path = folder / f"shipped-{name}.zip"
        path.write_bytes(build_package(shipped, standard=standard, multi_sco=multi, sequencing=seq))
        out[name] = str(path)
    return out


def play(package: str, variant: str, script, resume_from=None, cmi=None, errors=()) -> dict:
    """Run script(frame) in one launch of module 1's SCO (or the course's); check the run is clean."""
    from lms_harness import LmsRun

    standard, multi, _ = VARIANTS[variant]
    sco = f"ITEM-{O1}" if multi else None
    with LmsRun(package, standard=standard, sco=sco, resume_from=resume_from, cmi=cmi) as run:
        run.wait_for_initialize()
        script(run.content)
    result = run.result
    assert [e for e in result["errors"] if not any(x in e for x in errors)] == [], result["errors"]
    assert result["warnings"] == [], result["warnings"]
    assert result["page_errors"] == [], result["page_errors"]
    return result


def enter(frame, variant: str, title: str) -> None:
    """A one-SCO course opens on its menu: the learner starts the first module from it."""
    if not VARIANTS[variant][1]:
        click(frame, f"Start: {title}")


def status_of(cmi: dict, standard: str) -> tuple:
    if standard == "1.2":
        core = cmi["core"]
        return core["lesson_status"], core["score"]["raw"], core["exit"]
    return cmi["completion_status"], cmi["success_status"], cmi["score"].get("raw", ""), cmi["score"].get("scaled", ""), cmi["exit"]


def evidenced(questions: list[dict]) -> set[str]:
    return {dash(c) for q in questions if q["type"] != "essay" for c in q["criteria"]}


TYPES = {"single_choice": "choice", "multiple_response": "choice", "true_false": "true-false",
         "matching": "matching", "ordering": "sequencing"}


def expected_interactions(questions: list[dict], correct: bool, standard: str) -> list[tuple]:
    """(id, type, result, objectives) per step or question: ids name the question, step and version."""
    out, wrong = [], "wrong" if standard == "1.2" else "incorrect"
    for q in questions:
        if q["type"] == "scenario":
            for step, _ in scenario_path(q, correct):
                sq = step["question"]
                out.append((f"{q['id']}.{step['id']}.v{q['version']}", TYPES[sq["type"]],
                            "correct" if correct else wrong, [dash(c) for c in sq["criteria"]]))
        elif q["type"] == "essay":
            out.append((f"{q['id']}.v{q['version']}", "fill-in" if standard == "1.2" else "long-fill-in",
                        "neutral", [dash(c) for c in q["criteria"]]))
        else:
            out.append((f"{q['id']}.v{q['version']}", TYPES[q["type"]], "correct" if correct else wrong,
                        [dash(c) for c in q["criteria"]]))
    return out


def got_interactions(cmi: dict) -> list[tuple]:
    return [(i["id"], i["type"], i["result"], [o["id"] for o in listed(i, "objectives")])
            for i in listed(cmi, "interactions")]


def status_then_score(calls: list[dict], standard: str) -> tuple[int, int]:
    """(commit that first stored the final status, commit that first stored the final score) as
    positions among the commits: an LMS that recomputes on the score must already have the status."""
    names = ("cmi.core.lesson_status",) if standard == "1.2" else ("cmi.completion_status", "cmi.success_status")
    final: dict[str, str] = {}
    for c in calls:
        if c["method"].endswith("SetValue") and c["result"] == "true":
            final[c["args"][0]] = c["args"][1]
    raw = "cmi.core.score.raw" if standard == "1.2" else "cmi.score.raw"
    marks = commits(calls, standard)

    def first_commit(wanted: set[str]) -> int:
        seen: set[str] = set()
        for k, (i, c) in enumerate(enumerate(calls)):
            if c["method"].endswith("SetValue") and c["result"] == "true" and c["args"][0] in wanted \
                    and c["args"][1] == final[c["args"][0]]:
                seen.add(c["args"][0])
            if i in marks and seen == wanted:
                return marks.index(i)
        raise AssertionError(f"{wanted} never committed")

    return first_commit({n for n in names if n in final}), first_commit({raw})


def commit_report(result: dict, standard: str) -> tuple[int, int]:
    """Commit count and largest POST (bytes) as Moodle 4.3 would send them."""
    posts = moodle_posts(result["calls"], standard)
    return len(posts), max(p["bytes"] for p in posts)


# ------------------------------------------------------------------ module 1, every variant


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_module_1_all_right(packages, shipped, variant):
    standard, multi, _ = VARIANTS[variant]
    module, questions = module_questions(shipped, O1)
    crits = evidenced(questions)
    assert crits == {"QCF-RELNET-1.1", "QCF-RELNET-1.2", "QCF-RELNET-1.3", "QCF-RELNET-1.4"}
    quizzes = sum(1 for m in shipped["modules"] if m["quiz"])

    def script(frame):
        enter(frame, variant, module["title"])
        open_quiz(frame, module)
        # a pause after question 4, so the answers' own times differ from each other and the submit
        take_quiz(frame, questions, True, each=lambda i: i == 4 and frame.wait_for_timeout(1100))
        frame.get_by_text("Passed", exact=True).wait_for()

    result = play(packages[variant], variant, script)
    cmi, calls = result["cmi"], result["calls"]
    course = f"{100 / quizzes:.2f}".rstrip("0").rstrip(".")
    if standard == "1.2":
        # one module: passed; the whole course: 1 of 23 quizzes done, not passed, incomplete
        assert status_of(cmi, standard) == (("passed", "100", "suspend") if multi else ("incomplete", course, "suspend"))
        assert {o["id"]: (o["status"], o["score"]["raw"]) for o in listed(cmi, "objectives")} == {
            c: ("passed", "100") for c in crits}
        assert cmi["student_data"]["mastery_score"] == ""
    else:
        scaled = f"{1 / quizzes:.4f}".rstrip("0")
        assert status_of(cmi, standard) == (
            ("completed", "passed", "100", "1", "suspend") if multi else ("incomplete", "unknown", course, scaled, "suspend"))
        got = {o["id"]: (o["success_status"], o["score"]["scaled"]) for o in listed(cmi, "objectives") if o["id"] in crits}
        assert got == {c: ("passed", "1") for c in crits}
        declared = {o["id"] for o in listed(cmi, "objectives")} - crits
        assert declared == set(), "the manifest's primary objective is the LMS's, never written by the player"
    assert got_interactions(cmi) == expected_interactions(questions, True, standard)
    # each answer's own time, not the submit time; 2004 timestamps with at most two fractional digits
    stamps = [i["time" if standard == "1.2" else "timestamp"] for i in listed(cmi, "interactions")]
    if standard == "2004":
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ", s) for s in stamps), stamps
    assert stamps == sorted(stamps) and stamps[0] < stamps[-1], stamps
    # the LMS-true commit rules
    first, then = status_then_score(calls, standard)
    if multi:
        assert first < then, "the status change is committed on its own before the score"
    posts, largest = commit_report(result, standard)
    print(f"{variant}: module 1, all right: {posts} commits, largest {largest} bytes")
    assert posts <= MAX_COMMITS
    assert largest <= MAX_POST
    assert len(cmi["suspend_data"]) <= (4096 if standard == "1.2" else 64000)


@pytest.mark.parametrize("variant", ["1.2-multi", "2004-multi", "1.2-one"])
def test_module_1_failed_then_retaken_in_the_same_attempt(packages, shipped, variant):
    """Unlimited attempts: all wrong is "not passed yet" (never failed, never completed in 2004); the
    results offer Try again, and the retake's pass is reported, its status before its score."""
    standard, multi, _ = VARIANTS[variant]
    module, questions = module_questions(shipped, O1)
    def script(frame):
        enter(frame, variant, module["title"])
        open_quiz(frame, module)
        take_quiz(frame, questions, False)
        frame.get_by_text("Not passed", exact=True).wait_for()
        frame.get_by_text("You can try the quiz again.").wait_for()
        click(frame, "Try again")
        frame.get_by_text("This is attempt 2.", exact=False).wait_for()
        click(frame, "Start quiz")
        take_quiz(frame, questions, True)
        frame.get_by_text("Passed", exact=True).wait_for()

    result = play(packages[variant], variant, script)
    cmi, calls = result["cmi"], result["calls"]
    raw = "cmi.core.score.raw" if standard == "1.2" else "cmi.score.raw"
    written = set_values(calls, standard)
    scores = [v for n, v in written if n == raw]
    if multi:
        statuses = [v for n, v in written if n in ("cmi.core.lesson_status", "cmi.success_status")]
        assert statuses == (["incomplete", "passed"] if standard == "1.2" else ["failed", "passed"])
        assert scores == ["0", "100"]
        if standard == "2004":
            assert [v for n, v in written if n == "cmi.completion_status"] == ["incomplete", "completed"]
        first, then = status_then_score(calls, standard)
        assert first < then
    else:
        assert [v for n, v in written if n == "cmi.core.lesson_status"] == ["incomplete"], "the course stays incomplete"
        assert scores == ["0", f"{100 / 23:.2f}"]
    expected = expected_interactions(questions, False, standard) + expected_interactions(questions, True, standard)
    assert got_interactions(cmi) == expected
    objectives = {o["id"]: o["status" if standard == "1.2" else "success_status"] for o in listed(cmi, "objectives")}
    assert objectives == {c: "passed" for c in evidenced(questions)}


@pytest.mark.parametrize("variant", ["1.2-multi", "2004-multi"])
def test_module_second_launch_resumes(packages, shipped, variant):
    standard, _, _ = VARIANTS[variant]
    module, questions = module_questions(shipped, O1)
    n = len(questions)

    def first(frame):
        open_quiz(frame, module)
        answer_question(frame, questions[0], True)
        click(frame, "Next")
        frame.get_by_role("heading", name=f"Question 2 of {n}").wait_for()

    r1 = play(packages[variant], variant, first)
    cmi = r1["cmi"]
    if standard == "1.2":
        assert (cmi["core"]["exit"], cmi["core"]["lesson_status"], cmi["core"]["lesson_location"]) == (
            "suspend", "incomplete", "0:q1")
    else:
        assert (cmi["exit"], cmi["completion_status"], cmi["location"]) == ("suspend", "incomplete", "0:q1")

    def second(frame):
        frame.get_by_role("heading", name=f"Question 2 of {n}").wait_for()
        click(frame, "Previous")  # the first answers are all there
        frame.get_by_role("heading", name=f"Question 1 of {n}").wait_for()
        assert frame.locator(".step.done").count() == len(scenario_path(questions[0], True))
        click(frame, "Next")
        take_quiz(frame, questions, True, start=1)

    r2 = play(packages[variant], variant, second, resume_from=r1)
    cmi = r2["cmi"]
    assert r2["resumed"] is True
    if standard == "1.2":
        assert (cmi["core"]["entry"], cmi["core"]["lesson_status"], cmi["core"]["score"]["raw"]) == ("resume", "passed", "100")
    else:
        assert (cmi["entry"], cmi["success_status"], cmi["score"]["raw"]) == ("resume", "passed", "100")
    assert got_interactions(cmi) == expected_interactions(questions, True, standard)
    assert len(commits(r2["calls"], standard)) <= MAX_COMMITS


REVIEW = {"1.2": {"core": {"lesson_mode": "review", "credit": "no-credit"}}, "2004": {"mode": "review", "credit": "no-credit"}}


@pytest.mark.parametrize("variant", ["1.2-multi", "2004-multi", "1.2-one"])
def test_review_mode_relaunch_shows_the_result_and_writes_nothing(packages, shipped, variant):
    """Moodle opens a finished attempt in review mode (credit no-credit): the player shows what was
    recorded and sets no status, score, objective, interaction or state; it only ends the session."""
    standard, multi, _ = VARIANTS[variant]
    module, questions = module_questions(shipped, O1)

    def passed(frame):
        enter(frame, variant, module["title"])
        open_quiz(frame, module)
        take_quiz(frame, questions, True)

    r1 = play(packages[variant], variant, passed)

    def look(frame):
        frame.get_by_text("You are reviewing this course: what you do now is not recorded.").wait_for()
        frame.get_by_role("heading", name="Results").wait_for()
        click(frame, "Review answers")
        frame.get_by_role("heading", name="Review answers").wait_for()
        click(frame, "Back to results")

    r2 = play(packages[variant], variant, look, resume_from=r1, cmi=REVIEW[standard])
    writes = [c["method"] for c in r2["calls"] if c["method"].endswith(("SetValue", "Commit"))]
    assert writes == []
    assert [c["method"] for c in r2["calls"] if "GetLastError" not in c["method"]][-1] == (
        "LMSFinish" if standard == "1.2" else "Terminate")
    assert status_of(r2["cmi"], standard)[:2] == status_of(r1["cmi"], standard)[:2]


def test_a_one_sco_course_continues_where_the_learner_left_off(packages, shipped):
    module, questions = module_questions(shipped, O1)

    def first(frame):
        frame.get_by_role("heading", name="Modules").wait_for()
        click(frame, f"Start: {module['title']}")
        open_quiz(frame, module)
        answer_question(frame, questions[0], True)
        click(frame, "Next")

    r1 = play(packages["1.2-one"], "1.2-one", first)

    second_question = f"Question 2 of {len(questions)}"

    def second(frame):
        frame.get_by_role("heading", name=second_question).wait_for()  # back where they were
        click(frame, "Back to modules")
        click(frame, f"Continue: {module['title']}")
        frame.get_by_role("heading", name=second_question).wait_for()

    play(packages["1.2-one"], "1.2-one", second, resume_from=r1)


@pytest.mark.parametrize("variant", ["2004-multi", "1.2-multi"])
def test_next_module_from_the_results(packages, shipped, variant):
    """2004 asks the LMS to continue (adl.nav.request, then Terminate: Moodle launches the next SCO);
    1.2 has no such request, but Moodle (and scorm-again) read nav.event. An LMS that does not move
    on leaves the learner a message (tests/js: an LMS without nav.event)."""
    standard, _, _ = VARIANTS[variant]
    module, questions = module_questions(shipped, O1)
    after = shipped["modules"][1]["title"]

    def script(frame):
        open_quiz(frame, module)
        take_quiz(frame, questions, True)
        frame.get_by_role("button", name=f"Next module: {after}", exact=True).click()
        frame.get_by_text(f"Opening “{after}”…").wait_for()
        # the harness does not launch another SCO: the learner is told what to do
        frame.get_by_text(f"Close this module, then open “{after}” from your course page.", exact=False).wait_for()

    result = play(packages[variant], variant, script)
    methods = [(c["method"], tuple(c["args"])) for c in result["calls"]]
    terminate = "Terminate" if standard == "2004" else "LMSFinish"
    nav = ("SetValue", ("adl.nav.request", "continue")) if standard == "2004" else ("LMSSetValue", ("nav.event", "continue"))
    assert nav in methods and methods.index(nav) < methods.index((terminate, ("",)))
    assert [m for m, _ in methods].count(terminate) == 1


def test_essay_is_recorded_for_the_tutor_and_left_out_of_the_score(packages, shipped):
    from lms_harness import LmsRun

    module, questions = module_questions(shipped, O2)
    assert [q["type"] for q in questions][-1] == "essay"
    for variant in ("1.2-multi", "2004-multi"):
        standard = VARIANTS[variant][0]
        with LmsRun(packages[variant], standard=standard, sco=f"ITEM-{O2}") as run:
            run.wait_for_initialize()
            frame = run.content
            open_quiz(frame, module)
            take_quiz(frame, questions, True)
            frame.get_by_text("Passed", exact=True).wait_for()
            frame.get_by_text("1 essay answer(s) recorded for your tutor, not marked here: your score and result "
                              "count only the automatically marked questions.").wait_for()
        cmi = run.result["cmi"]
        assert (run.result["errors"], run.result["warnings"]) == ([], [])
        assert status_of(cmi, standard)[0] == ("passed" if standard == "1.2" else "completed")
        assert got_interactions(cmi) == expected_interactions(questions, True, standard)
        essay = listed(cmi, "interactions")[-1]
        response = essay["student_response" if standard == "1.2" else "learner_response"]
        written = essay_text(questions[-1])
        assert response == (written[:255] if standard == "1.2" else written)
        assert "correct_responses" not in essay or not listed(essay, "correct_responses")


# ------------------------------------------------------------------ inside an LMS frame

MOODLE_FRAME = """(size) => {
  // Moodle's current window: its top bar above, the SCO's iframe below, more page after it
  document.body.style.cssText = 'margin:0;height:auto';
  const bar = document.createElement('div');
  bar.style.cssText = 'height:60px;background:#333';
  document.body.prepend(bar);
  const frame = document.getElementById('sco');
  frame.style.cssText = `border:0;display:block;width:${size[0]}px;height:${size[1]}px`;
  const after = document.createElement('div');
  after.style.cssText = 'height:1500px';
  document.body.append(after);
}"""


def first_answer_in_view(frame) -> tuple[bool, str]:
    """Whether the live question's first control is inside the frame's viewport, without scrolling."""
    return frame.evaluate("""() => {
        const live = document.querySelector('.step:not(.done)') || document.querySelector('section.question');
        const c = live && live.querySelector('input, select, textarea, .order button');
        if (!c) return [true, 'no control'];
        const r = c.getBoundingClientRect();
        return [r.top >= 0 && r.bottom <= window.innerHeight, `${c.outerHTML.slice(0, 60)} at ${Math.round(r.top)}-${Math.round(r.bottom)} of ${window.innerHeight}`];
    }""")


@pytest.mark.parametrize("viewport,frame_size", [((1280, 720), (1280, 660)), ((390, 844), (390, 784))],
                         ids=["laptop", "phone"])
def test_module_1_fits_an_lms_frame(packages, shipped, viewport, frame_size):
    """Focus never scrolls the page around the player; the player's header stays in view after every
    move; the first answer of every question and step shows without scrolling."""
    from lms_harness import LmsRun

    module, questions = module_questions(shipped, O1)
    problems = []
    with LmsRun(packages["1.2-multi"], standard="1.2", sco=f"ITEM-{O1}") as run:
        run.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        run.page.evaluate(MOODLE_FRAME, list(frame_size))
        run.wait_for_initialize()
        frame = run.content

        def check(where: str) -> None:
            outer = run.page.evaluate("() => window.scrollY")
            header = frame.evaluate("() => document.querySelector('.top').getBoundingClientRect().top")
            if outer:
                problems.append(f"{where}: the LMS page scrolled by {outer} px")
            if header < 0:
                problems.append(f"{where}: the player's header is {-header} px above the view")

        for _ in module["pages"]:
            click(frame, "Next")
            check("page")
        click(frame, "Start quiz")
        for i, q in enumerate(questions):
            frame.get_by_role("heading", name=f"Question {i + 1} of {len(questions)}").wait_for()
            check(f"question {i + 1}")
            steps = scenario_path(q, True) if q["type"] == "scenario" else [(None, None)]
            for k, (step, value) in enumerate(steps):
                ok, where = first_answer_in_view(frame)
                if not ok:
                    problems.append(f"question {i + 1} step {k + 1}: first answer not in view: {where}")
                if step is None:
                    answer_question(frame, q, True)
                else:
                    live = frame.locator(".step:not(.done)")
                    answer(live, step["question"], value)
                    live.get_by_role("button", name="Check answer", exact=True).click()
                if run.page.evaluate("() => window.scrollY"):
                    problems.append(f"question {i + 1} step {k + 1}: checking scrolled the LMS page")
            click(frame, "Submit quiz" if i == len(questions) - 1 else "Next")
        click(frame, "Submit all and finish")  # the summary asks first, always
        frame.get_by_role("heading", name="Results").wait_for()
        check("results")
        click(frame, "Exit")
        frame.get_by_text("Your progress is saved. Use your learning system's own Exit or Back link to leave.").wait_for()
    assert problems == []
    assert [c["method"] for c in run.result["calls"]].count("LMSFinish") == 1
