"""Python and marking.js agree beyond the vectors: every vector question against every response
in the vectors, whatever question it was written for (thousands of pairs, most of them the wrong
shape), compared whole: the full mark, or the full error message."""

import json
import shutil
import subprocess
from pathlib import Path

from question_bank import ResponseError, load_question, mark

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "tests" / "vectors" / "marking.json").read_text(encoding="utf-8"))["cases"]

NODE_SCRIPT = r"""
const M = require(process.argv[1]);
const pairs = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = pairs.map(([q, r]) => { try { return {mark: M.mark(q, r)}; } catch (e) { return {error: e.message}; } });
process.stdout.write(JSON.stringify(out));
"""


def cross_pairs() -> list[tuple[dict, object]]:
    questions: dict[str, dict] = {}
    responses: dict[str, object] = {}
    for case in CASES:
        questions.setdefault(json.dumps(case["question"], sort_keys=True), case["question"])
        responses.setdefault(json.dumps(case["response"], sort_keys=True), case["response"])
    return [(q, r) for q in questions.values() for r in responses.values()]


def python_result(question, response):
    try:
        return {"mark": mark(question, response).to_dict()}
    except ResponseError as error:
        return {"error": str(error)}


def test_python_and_javascript_engines_agree_exactly():
    assert shutil.which("node"), "node (20+) is needed: the player's engine runs under it"
    pairs = cross_pairs()
    assert len(pairs) > 5_000
    js = json.loads(subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(ROOT / "scorm_export" / "player" / "marking.js")],
        input=json.dumps(pairs), capture_output=True, text=True, check=True, encoding="utf-8",
    ).stdout)
    loaded = {}
    disagreements = []
    for (question, response), theirs in zip(pairs, js, strict=True):
        key = json.dumps(question, sort_keys=True)
        ours = python_result(loaded.setdefault(key, load_question(question)), response)
        # JSON has one number type: compare as JSON would.
        if json.loads(json.dumps(ours)) != theirs:
            disagreements.append((question["id"], response, ours, theirs))
    assert disagreements == [], disagreements[:5]
