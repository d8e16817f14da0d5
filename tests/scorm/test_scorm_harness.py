"""A scripted learner plays the fixture course's packages in the kit's scorm-again harness.

Module m02 ("Keeping in touch", pass mark 75%, immediate feedback, no shuffling of the quiz):
1. matching rel-k14-contact-1 (HSCCLD327/K14), 2. scenario rel-k14-scenario-1 with two steps
(HSCCLD327/K14), 3. true/false rel-k13-trust-1 (HSCCLD327/K13).
"""

from __future__ import annotations

import re

import pytest
from scorm_support import COURSE_JSON

from scorm_export.package import build_package

pytestmark = pytest.mark.scorm

M02 = "ITEM-m02-keeping-in-touch"
IX_MATCH = "rel-k14-contact-1.v1"
IX_S1 = "rel-k14-scenario-1.s1.v1"
IX_S2 = "rel-k14-scenario-1.s2.v1"
IX_TF = "rel-k13-trust-1.v1"


@pytest.fixture(scope="module")
def packages(tmp_path_factory, scorm_kit, playable_player) -> dict:
    import json

    doc = json.loads(COURSE_JSON.read_bytes())
    folder = tmp_path_factory.mktemp("pkgs")
    out = {}
    for standard in ("1.2", "2004"):
        path = folder / f"fixture-{standard}.zip"
        path.write_bytes(build_package(doc, standard=standard, multi_sco=True))
        out[standard] = str(path)
    return out


def click(frame, name: str) -> None:
    frame.get_by_role("button", name=name, exact=True).click()


def choose(frame, name: str) -> None:
    frame.get_by_role("radio", name=name, exact=True).check()


def start_quiz(frame) -> None:
    click(frame, "Next")  # the module's only page -> the quiz introduction
    click(frame, "Start quiz")


def answer_matching(frame, correct: bool) -> None:
    frame.get_by_label("Family live far away").select_option(
        label="Video calls" if correct else "Moving rooms"
    )
    frame.get_by_label("Individual has hearing loss").select_option(
        label="A hearing loop" if correct else "Video calls"
    )
    click(frame, "Check answer")


def answer_scenario(frame, correct: bool) -> None:
    choose(frame, "True" if correct else "False")
    click(frame, "Check answer")
    choose(frame, "An amplified phone with large buttons" if correct else "Stopping the calls")
    click(frame, "Check answer")


def answer_true_false(frame, correct: bool) -> None:
    choose(frame, "True" if correct else "False")
    click(frame, "Check answer")


def take_quiz(frame, correct: bool) -> None:
    """Answer all three questions and submit."""
    answer_matching(frame, correct)
    click(frame, "Next")
    answer_scenario(frame, correct)
    click(frame, "Next")
    answer_true_false(frame, correct)
    click(frame, "Submit quiz")
    click(frame, "Submit all and finish")  # the summary asks first, always
    frame.get_by_role("heading", name="Results").wait_for()


def play(package: str, standard: str, script, resume_from=None) -> dict:
    from lms_harness import LmsRun

    with LmsRun(package, standard=standard, sco=M02, resume_from=resume_from) as run:
        run.wait_for_initialize()
        script(run.content)
    result = run.result
    assert result["errors"] == [], result["errors"]
    assert result["warnings"] == [], result["warnings"]
    assert result["page_errors"] == [], result["page_errors"]
    return result


def interactions(cmi: dict) -> list[dict]:
    ix = cmi["interactions"]
    items = (
        ix
        if isinstance(ix, list)
        else [ix[k] for k in sorted((k for k in ix if k.isdigit()), key=int)]
    )
    return items


def objectives(cmi: dict) -> list[dict]:
    ob = cmi["objectives"]
    return (
        ob
        if isinstance(ob, list)
        else [ob[k] for k in sorted((k for k in ob if k.isdigit()), key=int)]
    )


# ------------------------------------------------------------------ SCORM 1.2


def test_12_learner_passes_module(packages):
    r = play(packages["1.2"], "1.2", lambda f: (start_quiz(f), take_quiz(f, True)))
    core = r["cmi"]["core"]
    assert core["lesson_status"] == "passed"
    assert (core["score"]["raw"], core["score"]["min"], core["score"]["max"]) == ("100", "0", "100")
    assert core["exit"] == "suspend"  # always: an LMS gives a SCO its data back only after a suspend
    assert [
        (o["id"], o["status"], o["score"]["raw"], o["score"]["max"]) for o in objectives(r["cmi"])
    ] == [
        ("HSCCLD327-K14", "passed", "100", "100"),
        ("HSCCLD327-K13", "passed", "100", "100"),
    ]
    got = [(i["id"], i["type"], i["student_response"], i["result"]) for i in interactions(r["cmi"])]
    assert got == [
        (IX_MATCH, "matching", "a.1,b.2", "correct"),
        (IX_S1, "true-false", "t", "correct"),
        (IX_S2, "choice", "a", "correct"),
        (IX_TF, "true-false", "t", "correct"),
    ]
    first = dict(interactions(r["cmi"])[0])
    assert re.fullmatch(r"\d\d:\d\d:\d\d", first.pop("time"))
    assert re.fullmatch(r"\d\d:\d\d:\d\d", first.pop("latency"))
    assert first == {
        "id": IX_MATCH,
        "type": "matching",
        "weighting": "1",
        "student_response": "a.1,b.2",
        "result": "correct",
        "objectives": {"0": {"id": "HSCCLD327-K14"}},
        "correct_responses": {"0": {"pattern": "a.1,b.2"}},
    }
    assert interactions(r["cmi"])[2]["correct_responses"]["0"]["pattern"] == "a"
    assert re.fullmatch(r"\d{2,4}:\d\d:\d\d(\.\d\d?)?", core["session_time"])
    # no adlcp:masteryscore: an LMS's mastery override would re-derive the status from the score alone
    assert r["cmi"]["student_data"]["mastery_score"] == ""
    assert len(r["cmi"]["suspend_data"]) <= 4096


def test_12_learner_fails_module(packages):
    """Unlimited attempts: not passed yet is "incomplete" with its score (a retake is open), never "failed"."""
    r = play(packages["1.2"], "1.2", lambda f: (start_quiz(f), take_quiz(f, False)))
    core = r["cmi"]["core"]
    assert core["lesson_status"] == "incomplete"
    assert core["score"]["raw"] == "0"
    assert core["exit"] == "suspend"
    assert [(o["id"], o["status"]) for o in objectives(r["cmi"])] == [
        ("HSCCLD327-K14", "failed"),
        ("HSCCLD327-K13", "failed"),
    ]
    assert [(i["id"], i["student_response"], i["result"]) for i in interactions(r["cmi"])] == [
        (IX_MATCH, "a.3,b.1", "wrong"),
        (IX_S1, "f", "wrong"),
        (IX_S2, "b", "wrong"),
        (IX_TF, "f", "wrong"),
    ]


def test_12_second_launch_resumes_where_the_first_stopped(packages):
    def first(frame):
        start_quiz(frame)
        answer_matching(frame, True)
        click(frame, "Next")
        frame.get_by_role("heading", name="Question 2 of 3").wait_for()

    r1 = play(packages["1.2"], "1.2", first)
    assert r1["cmi"]["core"]["exit"] == "suspend"
    assert r1["cmi"]["core"]["lesson_status"] == "incomplete"
    assert r1["cmi"]["core"]["lesson_location"] == "1:q1"

    def second(frame):
        frame.get_by_role("heading", name="Question 2 of 3").wait_for()
        answer_scenario(frame, True)
        click(frame, "Next")
        answer_true_false(frame, True)
        click(frame, "Submit quiz")
        click(frame, "Submit all and finish")  # the summary asks first, always
        frame.get_by_role("heading", name="Results").wait_for()

    r2 = play(packages["1.2"], "1.2", second, resume_from=r1)
    assert r2["resumed"] is True
    assert r2["cmi"]["core"]["entry"] == "resume"
    assert r2["cmi"]["core"]["lesson_status"] == "passed"
    assert r2["cmi"]["core"]["score"]["raw"] == "100"
    assert [i["id"] for i in interactions(r2["cmi"])] == [IX_MATCH, IX_S1, IX_S2, IX_TF]


# ------------------------------------------------------------------ SCORM 2004


def test_2004_learner_passes_module(packages):
    r = play(packages["2004"], "2004", lambda f: (start_quiz(f), take_quiz(f, True)))
    cmi = r["cmi"]
    assert (cmi["completion_status"], cmi["success_status"]) == ("completed", "passed")
    assert (
        cmi["score"]["scaled"],
        cmi["score"]["raw"],
        cmi["score"]["min"],
        cmi["score"]["max"],
    ) == ("1", "100", "0", "100")
    assert cmi["exit"] == "suspend"  # always: Moodle's 2004 player gives the data back only after a suspend
    assert [
        (o["id"], o["success_status"], o["completion_status"], o["score"]["scaled"])
        for o in objectives(cmi)
    ] == [
        ("HSCCLD327-K14", "passed", "completed", "1"),
        ("HSCCLD327-K13", "passed", "completed", "1"),
    ]
    got = [(i["id"], i["type"], i["learner_response"], i["result"]) for i in interactions(cmi)]
    assert got == [
        (IX_MATCH, "matching", "p1[.]r1[,]p2[.]r2", "correct"),
        (IX_S1, "true-false", "true", "correct"),
        (IX_S2, "choice", "a", "correct"),
        (IX_TF, "true-false", "true", "correct"),
    ]
    # no description: Moodle re-sends every 2004 interaction field on each save and never shows it
    assert not interactions(cmi)[3].get("description")
    first = dict(interactions(cmi)[0])
    assert first.pop("description") == "", "scorm-again's empty default: the player writes none"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ", first.pop("timestamp"))
    assert re.fullmatch(r"PT(\d+H)?(\d+M)?[\d.]+S", first.pop("latency"))
    assert first == {
        "id": IX_MATCH,
        "type": "matching",
        "objectives": {"0": {"id": "HSCCLD327-K14"}},
        "weighting": "1",
        "learner_response": "p1[.]r1[,]p2[.]r2",
        "result": "correct",
        "correct_responses": {"0": {"pattern": "p1[.]r1[,]p2[.]r2"}},
    }
    assert re.fullmatch(r"PT(\d+H)?(\d+M)?[\d.]+S", cmi["session_time"])


def test_2004_learner_fails_module(packages):
    r = play(packages["2004"], "2004", lambda f: (start_quiz(f), take_quiz(f, False)))
    cmi = r["cmi"]
    # not completed: in Moodle, "Completed" and "Learning objects" must not count a failed module
    assert (cmi["completion_status"], cmi["success_status"]) == ("incomplete", "failed")
    assert (cmi["score"]["scaled"], cmi["score"]["raw"]) == ("0", "0")
    assert [(o["id"], o["success_status"]) for o in objectives(cmi)] == [
        ("HSCCLD327-K14", "failed"),
        ("HSCCLD327-K13", "failed"),
    ]
    assert [(i["id"], i["learner_response"], i["result"]) for i in interactions(cmi)] == [
        (IX_MATCH, "p1[.]r3[,]p2[.]r1", "incorrect"),
        (IX_S1, "false", "incorrect"),
        (IX_S2, "b", "incorrect"),
        (IX_TF, "false", "incorrect"),
    ]


def test_2004_second_launch_resumes_where_the_first_stopped(packages):
    def first(frame):
        start_quiz(frame)
        answer_matching(frame, True)
        click(frame, "Next")
        frame.get_by_role("heading", name="Question 2 of 3").wait_for()

    r1 = play(packages["2004"], "2004", first)
    assert (r1["cmi"]["exit"], r1["cmi"]["location"], r1["cmi"]["completion_status"]) == (
        "suspend",
        "1:q1",
        "incomplete",
    )

    def second(frame):
        frame.get_by_role("heading", name="Question 2 of 3").wait_for()
        answer_scenario(frame, True)
        click(frame, "Next")
        answer_true_false(frame, True)
        click(frame, "Submit quiz")
        click(frame, "Submit all and finish")  # the summary asks first, always
        frame.get_by_role("heading", name="Results").wait_for()

    r2 = play(packages["2004"], "2004", second, resume_from=r1)
    assert r2["cmi"]["entry"] == "resume"
    assert (r2["cmi"]["completion_status"], r2["cmi"]["success_status"]) == ("completed", "passed")
    assert [i["id"] for i in interactions(r2["cmi"])] == [IX_MATCH, IX_S1, IX_S2, IX_TF]


def manifest_objective_ids(package: str, item_id: str) -> list[str]:
    """The objective ids the manifest declares for an item, primary first (Moodle's order)."""
    import zipfile

    import xmltodict

    with zipfile.ZipFile(package) as zf:
        manifest = xmltodict.parse(
            zf.read("imsmanifest.xml"), force_list=("item", "imsss:objective")
        )
    [item] = [
        i
        for i in manifest["manifest"]["organizations"]["organization"]["item"]
        if i["@identifier"] == item_id
    ]
    objectives = item["imsss:sequencing"]["imsss:objectives"]
    return [objectives["imsss:primaryObjective"]["@objectiveID"]] + [
        o["@objectiveID"] for o in objectives.get("imsss:objective", [])
    ]


def test_2004_objectives_prefilled_from_the_manifest_as_moodle_does(packages):
    from lms_harness import LmsRun

    declared = manifest_objective_ids(packages["2004"], M02)
    assert declared == ["m02-keeping-in-touch", "HSCCLD327-K13", "HSCCLD327-K14"]
    prefill = {"objectives": {str(n): {"id": oid} for n, oid in enumerate(declared)}}
    with LmsRun(packages["2004"], standard="2004", sco=M02, cmi=prefill) as run:
        run.wait_for_initialize()
        start_quiz(run.content)
        take_quiz(run.content, True)
    r = run.result
    assert (r["errors"], r["warnings"], r["page_errors"]) == ([], [], [])
    # Written in place (no new index, no id overwritten): the declared order is kept.
    assert [(o["id"], o["success_status"], o["score"]["raw"]) for o in objectives(r["cmi"])] == [
        ("m02-keeping-in-touch", "unknown", ""),
        ("HSCCLD327-K13", "passed", "100"),
        ("HSCCLD327-K14", "passed", "100"),
    ]


def test_12_module_with_a_seeded_draw(packages):
    """m01: single choice, multiple response and one question drawn from the two 'trust' ones."""

    def script(frame):
        click(frame, "Next")  # page 1 of 2
        click(frame, "Next")  # -> quiz introduction
        click(frame, "Start quiz")
        choose(frame, "They give a sense of belonging and support")
        click(frame, "Check answer")
        click(frame, "Next")
        frame.get_by_role("checkbox", name="Moving into residential care").check()
        frame.get_by_role("checkbox", name="Hearing loss").check()
        click(frame, "Check answer")
        click(frame, "Next")
        drawn = frame.get_by_role("radio", name="True", exact=True)
        choose(frame, "True" if drawn.count() else "Introduce yourself and explain your role")
        click(frame, "Check answer")
        click(frame, "Submit quiz")
        click(frame, "Submit all and finish")  # the summary asks first, always
        frame.get_by_role("heading", name="Results").wait_for()

    from lms_harness import LmsRun

    with LmsRun(packages["1.2"], standard="1.2", sco="ITEM-m01-why-relationships") as run:
        run.wait_for_initialize()
        script(run.content)
    r = run.result
    assert (r["errors"], r["warnings"], r["page_errors"]) == ([], [], [])
    core = r["cmi"]["core"]
    assert (core["lesson_status"], core["score"]["raw"]) == ("passed", "100")
    assert r["cmi"]["student_data"]["mastery_score"] == ""
    assert [(o["id"], o["status"]) for o in objectives(r["cmi"])] == [
        ("HSCCLD327-K12", "passed"),
        ("QCF-RELNET-1.1", "passed"),
        ("QCF-RELNET-1.2", "passed"),
        ("HSCCLD327-K13", "passed"),
    ]
    got = [(i["id"], i["type"], i["student_response"], i["result"]) for i in interactions(r["cmi"])]
    assert got[:2] == [
        ("rel-k12-wellbeing-1.v1", "choice", "a", "correct"),
        ("rel-12-factors-1.v1", "choice", "a,b", "correct"),
    ]
    assert got[2] in [
        ("rel-k13-trust-1.v1", "true-false", "t", "correct"),
        ("rel-k13-trust-2.v1", "choice", "a", "correct"),
    ]
    assert interactions(r["cmi"])[1]["correct_responses"]["0"]["pattern"] == "a,b"
