"""A lighter package: the launch loads the player and the course outline; each module's content is
its own file (``modules/<slug>.js``), loaded when the module opens, and the questions its quiz can
draw another (``modules/<slug>.quiz.js``), loaded when the quiz starts; a multi-SCO SCO loads only its own.

The fixture course: m01 (fixed rel-k12-wellbeing-1 and rel-12-factors-1, a draw of 1 tagged "trust")
and m02 (fixed rel-k14-contact-1, rel-k14-scenario-1, rel-k13-trust-1).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from scorm_support import COURSE_JSON

from scorm_export.checks import Problem, check_package
from scorm_export.document import load_document
from scorm_export.package import (
    build_package,
    course_data,
    merge_course_data,
    package_files,
    player_files,
    read_module_content,
    read_module_js,
    read_quiz_js,
)
from scorm_export.slim import course_data_for_player

M01, M02 = "m01-why-relationships", "m02-keeping-in-touch"
MODULE_FILES = [f"modules/{M01}.js", f"modules/{M02}.js"]
QUIZ_FILES = [f"modules/{M01}.quiz.js", f"modules/{M02}.quiz.js"]
ITEM_M02 = f"ITEM-{M02}"


def outline_of(files: dict) -> dict:
    text = files["course-data.js"].decode("ascii")
    assert text.startswith("window.CC_COURSE = ") and text.endswith(";\n")
    return json.loads(text[len("window.CC_COURSE = ") : -2])


@pytest.mark.parametrize("multi_sco", [False, True], ids=["one-sco", "multi-sco"])
def test_exact_files_in_the_zip(course_doc, multi_sco):
    names = zipfile.ZipFile(io.BytesIO(build_package(course_doc, multi_sco=multi_sco))).namelist()
    assert names == [
        "course-data.js",
        "imsmanifest.xml",
        "index.html",
        "launch.js",
        "marking.js",
        MODULE_FILES[0],
        QUIZ_FILES[0],
        MODULE_FILES[1],
        QUIZ_FILES[1],
        "player.css",
        "player.js",
        "runtime.js",
    ]
    assert set(player_files()) == {"index.html", "marking.js", "player.css", "player.js", "runtime.js"}


def test_each_module_file_holds_only_its_module(course_doc):
    files = package_files(course_doc, standard="2004", multi_sco=True)
    m01, m02 = (read_module_content(files, slug) for slug in (M01, M02))
    assert files[MODULE_FILES[0]].startswith(b"CCPlayer.addModule({")
    assert files[QUIZ_FILES[0]].startswith(b"CCPlayer.addQuestions({")
    assert (m01["module"]["slug"], m02["module"]["slug"]) == (M01, M02)
    # opening a module loads its pages and quiz settings; the questions wait in the quiz's file
    opening = read_module_js(files[MODULE_FILES[1]])
    assert set(opening) == {"module", "questions_file"} and opening["questions_file"] == QUIZ_FILES[1]
    assert set(read_quiz_js(files[QUIZ_FILES[1]])) == {"module", "questions", "criteria"}
    # m01: its fixed questions and every question its draw (tag "trust") can take; m02: its three
    assert [(q["id"], q["version"]) for q in m01["questions"]] == [
        ("rel-k12-wellbeing-1", 1),
        ("rel-12-factors-1", 1),
        ("rel-k13-trust-1", 1),
        ("rel-k13-trust-2", 1),
    ]
    assert [(q["id"], q["version"]) for q in m02["questions"]] == [
        ("rel-k13-trust-1", 1),
        ("rel-k14-contact-1", 1),
        ("rel-k14-scenario-1", 1),
    ]
    assert [p["slug"] for p in m02["module"]["pages"]] == [
        p["slug"] for p in course_doc["modules"][1]["pages"]
    ]
    assert "Why relationships matter" not in files[MODULE_FILES[1]].decode("ascii")


def test_the_launch_references_no_module_file_and_the_outline_has_no_content(course_doc):
    files = package_files(course_doc, standard="1.2", multi_sco=True)
    for name in ("index.html", "launch.js"):
        assert b"modules/" not in files[name]
    outline = outline_of(files)
    assert set(outline) == {"format", "version", "course", "modules"}  # no questions, no frameworks
    quiz = {k: v for k, v in course_doc["modules"][1]["quiz"].items() if k != "items"}
    assert outline["modules"][1] == {
        "slug": M02,
        "title": "Keeping in touch",
        "quiz": quiz,
        "file": f"modules/{M02}.js",
    }
    assert "pages" not in outline["modules"][0] and "items" not in outline["modules"][0]["quiz"]


def test_outline_and_module_files_give_back_the_course_data(course_doc):
    files = package_files(course_doc, standard="2004")
    merged = merge_course_data(outline_of(files), [read_module_content(files, slug) for slug in (M01, M02)])
    whole = course_data(load_document(course_doc))
    assert merged == {**course_data_for_player(whole), "frameworks": []}


def test_a_missing_module_file_is_a_check_error(course_doc):
    files = package_files(course_doc, standard="1.2")
    del files[MODULE_FILES[1]]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    problems = check_package(buffer.getvalue())
    assert Problem(f"zip:modules/{M02}.js", "is missing: the module cannot open", module=M02) in problems
    assert [p for p in problems if p.severity == "error"] == [
        Problem("imsmanifest.xml:resource[RES-player]", f"lists 'modules/{M02}.js', which is not in the zip"),
        Problem(f"zip:modules/{M02}.js", "is missing: the module cannot open", module=M02),
    ]


def test_a_missing_quiz_file_is_a_check_error(course_doc):
    files = package_files(course_doc, standard="1.2")
    del files[QUIZ_FILES[1]]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    assert [p for p in check_package(buffer.getvalue()) if p.severity == "error"] == [
        Problem("imsmanifest.xml:resource[RES-player]", f"lists 'modules/{M02}.quiz.js', which is not in the zip"),
        Problem(f"zip:modules/{M02}.quiz.js", "is missing: the quiz cannot start", module=M02),
    ]


# ------------------------------------------------------------------ in the kit's LMS


def _zip_without(path, name) -> bytes:
    with zipfile.ZipFile(path) as src:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for info in src.infolist():
                if info.filename != name:
                    zf.writestr(info, src.read(info.filename))
    return out.getvalue()


@pytest.fixture(scope="module")
def multi_package(tmp_path_factory, scorm_kit, playable_player) -> str:
    path = tmp_path_factory.mktemp("pkg") / "fixture-2004-multi.zip"
    path.write_bytes(build_package(json.loads(COURSE_JSON.read_bytes()), standard="2004", multi_sco=True))
    return str(path)


LOADED = "performance.getEntriesByType('resource').map(e => e.name.split('/content/')[1] || e.name)"


@pytest.mark.scorm
def test_a_multi_sco_sco_loads_only_its_own_module(multi_package):
    from lms_harness import LmsRun

    with LmsRun(multi_package, standard="2004", sco=ITEM_M02) as run:
        run.wait_for_initialize()
        frame = run.content
        frame.get_by_role("heading", name="Barriers to contact").wait_for()
        reading = frame.evaluate(LOADED)
        frame.get_by_role("button", name="Next", exact=True).click()
        frame.get_by_role("button", name="Start quiz", exact=True).click()
        frame.get_by_role("heading", name="Question 1 of 3").wait_for()
        loaded = frame.evaluate(LOADED)
    assert run.result["page_errors"] == []
    player = ["player.css", "course-data.js", "launch.js", "marking.js", "runtime.js", "player.js"]
    assert sorted(reading) == sorted([*player, f"modules/{M02}.js"])  # its pages: no questions yet
    assert sorted(loaded) == sorted([*player, f"modules/{M02}.js", f"modules/{M02}.quiz.js"])


@pytest.mark.scorm
def test_a_missing_module_file_says_so_in_the_player(multi_package, tmp_path):
    from lms_harness import LmsRun

    broken = tmp_path / "broken.zip"
    broken.write_bytes(_zip_without(multi_package, f"modules/{M02}.js"))
    with LmsRun(broken, standard="2004", sco=ITEM_M02) as run:
        run.wait_for_initialize()
        frame = run.content
        frame.get_by_role("heading", name="This module could not be opened").wait_for()
        text = frame.locator("main").inner_text()
        alert = frame.get_by_role("alert").inner_text()
    assert f"Its content (modules/{M02}.js) is missing from this package or could not be loaded." in text
    assert alert == f"Sorry: “Keeping in touch” could not be opened (modules/{M02}.js is missing or damaged)."
    assert run.result["page_errors"] == []


@pytest.mark.scorm
def test_a_missing_quiz_file_says_so_when_the_quiz_starts(multi_package, tmp_path):
    from lms_harness import LmsRun

    broken = tmp_path / "broken-quiz.zip"
    broken.write_bytes(_zip_without(multi_package, f"modules/{M02}.quiz.js"))
    with LmsRun(broken, standard="2004", sco=ITEM_M02) as run:
        run.wait_for_initialize()
        frame = run.content
        frame.get_by_role("heading", name="Barriers to contact").wait_for()  # the pages open without it
        frame.get_by_role("button", name="Next", exact=True).click()
        frame.get_by_role("button", name="Start quiz", exact=True).click()
        frame.get_by_role("heading", name="This module could not be opened").wait_for()
        text = frame.locator("main").inner_text()
    assert f"Its content (modules/{M02}.quiz.js) is missing from this package or could not be loaded." in text
    assert run.result["page_errors"] == []


@pytest.fixture(scope="module")
def one_sco_package(tmp_path_factory, scorm_kit, playable_player) -> str:
    path = tmp_path_factory.mktemp("pkg") / "fixture-1.2-one.zip"
    path.write_bytes(build_package(json.loads(COURSE_JSON.read_bytes()), standard="1.2"))
    return str(path)


def _play(package, script, resume_from=None) -> dict:
    from lms_harness import LmsRun

    with LmsRun(package, standard="1.2", resume_from=resume_from) as run:
        run.wait_for_initialize()
        loaded = script(run.content)
    result = run.result
    assert (result["errors"], result["warnings"], result["page_errors"]) == ([], [], [])
    return {**result, "loaded": loaded}


@pytest.mark.scorm
def test_a_module_not_opened_again_keeps_its_saved_answers(one_sco_package):
    """One SCO: a launch that stays at the menu loads no module file and writes back the saved state of
    the modules it did not open as it was; opening one later restores its answers."""

    def first(frame):
        frame.get_by_role("button", name="Keeping in touch", exact=True).click()
        frame.get_by_role("button", name="Next", exact=True).click()
        frame.get_by_role("button", name="Start quiz", exact=True).click()
        frame.get_by_label("Family live far away").select_option(label="Video calls")
        frame.get_by_role("button", name="Back to modules", exact=True).click()
        frame.get_by_role("heading", name="Modules").wait_for()
        return frame.evaluate(LOADED)

    r1 = _play(one_sco_package, first)
    assert [n for n in r1["loaded"] if n.startswith("modules/")] == [f"modules/{M02}.js", f"modules/{M02}.quiz.js"]
    saved = json.loads(r1["cmi"]["suspend_data"])
    assert saved["c"] == -1 and saved["m"]["1"]["a"] == ["0-"]  # premise 1 answered with response 0

    def menu_only(frame):
        frame.get_by_text("In progress", exact=True).wait_for()  # read from the state still packed
        return frame.evaluate(LOADED)

    r2 = _play(one_sco_package, menu_only, resume_from=r1)
    assert not [n for n in r2["loaded"] if n.startswith("modules/")]
    assert json.loads(r2["cmi"]["suspend_data"]) == saved

    def reopen(frame):
        frame.get_by_role("button", name="Keeping in touch", exact=True).click()
        frame.get_by_role("heading", name="Question 1 of 3").wait_for()
        return frame.get_by_label("Family live far away").evaluate("s => s.selectedOptions[0].text")

    assert _play(one_sco_package, reopen, resume_from=r2)["loaded"] == "Video calls"


def test_each_module_file_names_its_questions_criteria_with_their_texts(course_doc):
    """Issue 18: the results name each criterion by code and text; the file carries the texts it needs."""
    from scorm_export.document import criterion_texts, question_criteria

    files = package_files(course_doc, standard="1.2", multi_sco=False)
    for slug in (M01, M02):
        content = read_module_content(files, slug)
        refs = question_criteria(content["questions"])
        assert refs and sorted(content["criteria"]) == sorted(refs)
        assert content["criteria"] == criterion_texts(course_doc, refs)
        assert all(isinstance(t, str) and t for t in content["criteria"].values())
