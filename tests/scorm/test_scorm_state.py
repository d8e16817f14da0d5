"""The suspend_data estimate matches the player's own compact state (player.js packModule)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess

import pytest
from scorm_support import STUB_PLAYER

from scorm_export.checks import Problem, check_package, check_suspend_data
from scorm_export.document import load_document
from scorm_export.package import build_package
from scorm_export.state import estimate_course_suspend_data, estimate_suspend_data

NODE_SCRIPT = r"""
const P = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const X = "x".repeat(40);
function worst(q) {
  switch (q.type) {
    case "single_choice": return q.options[q.options.length - 1].id;
    case "multiple_response": return q.options.map(o => o.id);
    case "true_false": return false;
    case "matching": { const o = {}; q.premises.forEach(p => { o[p.id] = q.responses[q.responses.length - 1].id; }); return o; }
    case "ordering": return q.items.map(i => i.id);
    case "short_answer": { const o = {}; q.gaps.forEach(g => { o[g.id] = X; }); return o; }
    case "scenario": { const a = {}; q.steps.forEach(s => { a[s.id] = worst(s.question); }); return {path: q.steps.map(s => s.id), answers: a}; }
    default: return X;
  }
}
const qs = input.questions, n = qs.length;
const ms = {w: "p", p: input.pages - 1, s: 4294967295, q: n - 1, a: qs.map(worst), k: qs.map(() => true),
            l: qs.map(() => 9999000), z: true, r: [66.67, 0], d: true};
const m = {}; m[String(input.index)] = P.packModule(ms, qs);
process.stdout.write(String(P.measureState({v: 1, c: input.index, m: m})));
"""


def player_measure(real_player, questions: list[dict], pages: int, index: int) -> int:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    out = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(real_player / "player.js")],
        input=json.dumps({"questions": questions, "pages": pages, "index": index}),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout)


def test_estimate_equals_the_players_packed_state(real_player, course_doc):
    doc = load_document(course_doc)
    by_key = {(q["id"], q["version"]): q for q in doc["questions"]}
    module = doc["modules"][1]  # fixed items only: matching, scenario, true-false
    questions = [by_key[(i["question"], i["version"])] for i in module["quiz"]["items"]]
    measured = player_measure(real_player, questions, len(module["pages"]), 1)
    assert estimate_suspend_data(doc, module) == measured == 141


def test_estimate_counts_draws_by_their_longest_candidates(course_doc):
    doc = load_document(course_doc)
    # m01: single choice "a", multiple response of 3, and one trust question drawn ("a").
    assert estimate_suspend_data(doc, doc["modules"][0]) == len(
        '{"v":1,"c":0,"m":{"0":{"w":"p","p":1,"s":4294967295,"q":2,"a":["a","aaa","a"],'
        '"k":"111","l":[9999,9999,9999],"z":1,"r":[66.67,0],"d":1}}}'
    )


def big_essay_course(course_doc, essays: int) -> dict:
    doc = copy.deepcopy(course_doc)
    template = {
        k: v
        for k, v in doc["questions"][2].items()
        if k not in ("answer", "feedback_true", "feedback_false")
    }
    for n in range(essays):
        q = dict(
            template,
            id=f"essay-{n}",
            type="essay",
            word_limit=None,
            min_words=0,
            marker_guidance="",
        )
        doc["questions"].append(q)
        doc["modules"][1]["quiz"]["items"].append({"question": q["id"], "version": 1})
    return doc


def test_a_module_too_big_for_12_is_reported_and_2004_is_not(course_doc):
    doc = big_essay_course(course_doc, 90)
    size = estimate_suspend_data(load_document(doc), doc["modules"][1])
    assert size > 4096
    assert check_suspend_data(load_document(doc), "1.2") == [
        Problem(
            "modules[1]",
            f"module 'Keeping in touch': its resumable state can reach {size} characters, over SCORM 1.2's "
            "suspend_data limit of 4096; split the module or shorten its quiz",
            module="m02-keeping-in-touch",
        )
    ]
    assert check_suspend_data(load_document(doc), "2004") == []
    data = build_package(doc, standard="1.2", multi_sco=True, player_dir=STUB_PLAYER)
    assert [p.where for p in check_package(data)] == ["modules[1]"]


def test_one_sco_course_warns_when_all_modules_together_may_not_fit(course_doc):
    doc = big_essay_course(course_doc, 45)
    doc["modules"][0]["quiz"]["items"] += [
        {"question": f"essay-{n}", "version": 1} for n in range(45)
    ]
    loaded = load_document(doc)
    assert max(estimate_suspend_data(loaded, m) for m in loaded["modules"]) <= 4096
    total = estimate_course_suspend_data(loaded)
    assert total > 4096
    [problem] = check_suspend_data(loaded, "1.2", multi_sco=False)
    assert (problem.where, problem.severity) == ("course", "warning")
    assert str(total) in problem.message


FIT_SCRIPT = r"""
const P = require(process.argv[1]);
const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
const f = P.fitState(s, 4096);
process.stdout.write(JSON.stringify({size: P.measureState(s), fitted: P.measureState(f), current: f.m[String(s.c)],
  kept: Object.keys(f.m).filter(k => "a" in f.m[k]).length}));
"""


def test_shipped_one_sco_warning_names_the_modules_in_progress_and_the_player_fits_the_state(
    real_player,
):
    from course.shipped import load_shipped_document

    from scorm_export.state import _course_state, modules_in_progress_at_once

    doc = load_document(load_shipped_document())
    total = estimate_course_suspend_data(doc)
    n = modules_in_progress_at_once(doc, 4096)
    assert len(doc["modules"]) == 23 and total > 5000 and 1 < n < 23
    [problem] = check_suspend_data(doc, "1.2", multi_sco=False)
    assert problem.severity == "warning"
    assert f"can reach {total} characters" in problem.message
    assert f"up to {n} module(s) can be in progress at once" in problem.message
    assert "drops the saved answers of the modules the learner left longest ago" in problem.message
    assert check_suspend_data(doc, "2004", multi_sco=False) == []
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    worst = _course_state(doc, len(doc["modules"]))
    out = json.loads(
        subprocess.run(
            [node, "-e", FIT_SCRIPT, str(real_player / "player.js")],
            input=json.dumps(worst),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert out["size"] == total  # the estimate is the player's own measure
    assert out["fitted"] <= 4096  # never over: the player never skips a save
    assert out["current"] == worst["m"][str(worst["c"])]  # the current module whole
    assert out["kept"] >= 1


def test_a_timed_quiz_keeps_its_start_in_the_state(course_doc):
    doc = load_document(course_doc)
    untimed = estimate_suspend_data(doc, doc["modules"][0])
    course_doc["modules"][0]["quiz"]["time_limit_minutes"] = 20
    timed = load_document(course_doc)
    assert estimate_suspend_data(timed, timed["modules"][0]) == untimed + len(',"t":9999999999')
