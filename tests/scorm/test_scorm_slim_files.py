"""Issue 18: lighter package files. The module files drop what the player never reads (page
Markdown, question Markdown stems, difficulty) and keep everything the learner sees; the player's
JS and CSS go into the zip minified and still parse."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from scorm_export.document import load_document
from scorm_export.package import course_data, package_files, player_files, read_module_content, read_module_js
from scorm_export.slim import minify_player_file

M01, M02 = "m01-why-relationships", "m02-keeping-in-touch"
DROPPED = {"body", "stem", "stem_format", "difficulty"}


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(set(), *(_keys(v) for v in value))
    return set()


def test_module_files_keep_what_the_learner_sees_and_drop_the_rest(course_doc):
    files = package_files(course_doc, standard="2004")
    whole = course_data(load_document(course_doc))
    m02 = read_module_content(files, M02)
    assert not _keys(m02) & DROPPED
    assert [p["html"] for p in m02["module"]["pages"]] == [p["html"] for p in whole["modules"][1]["pages"]]
    by_key = {(q["id"], q["version"]): q for q in whole["questions"]}
    for q in m02["questions"]:
        full = by_key[(q["id"], q["version"])]
        assert q["stem_html"] == full["stem_html"]
        assert q.get("options") == full.get("options")  # option texts and feedback untouched
        assert q["criteria"] == full["criteria"] and q["title"] == full["title"]
        for step, full_step in zip(q.get("steps") or [], full.get("steps") or [], strict=True):
            assert step["question"]["stem_html"] == full_step["question"]["stem_html"]
            assert step["question"].get("options") == full_step["question"].get("options")
    scenario = next(q for q in m02["questions"] if q["type"] == "scenario")
    assert scenario["steps"][1]["question"]["stem_html"] == "<p>What would help most?</p>\n"
    # the source course document still has the Markdown: only the package leaves it out
    assert course_doc["modules"][1]["pages"][0]["body"]


def test_the_module_file_is_smaller_than_the_full_content(course_doc):
    files = package_files(course_doc, standard="2004")
    whole = course_data(load_document(course_doc))
    full_m02 = json.dumps(whole["modules"][1], separators=(",", ":"))
    slim_m02 = json.dumps(read_module_js(files[f"modules/{M02}.js"])["module"], separators=(",", ":"))
    bodies = sum(len(json.dumps(p["body"])) + len('"body":,') for p in whole["modules"][1]["pages"])
    assert len(full_m02) - len(slim_m02) == bodies


def test_minify_keeps_strings_regexes_and_line_breaks_that_end_statements():
    source = b"const a = `x  // not a comment\n  y`; // gone\n/* gone */ const b = /\\/\\/ kept/.test(a)  ;\nlet c = 1\nlet d = 2\n"
    assert minify_player_file("x.js", source) == b"const a=`x  // not a comment\n  y`;const b=/\\/\\/ kept/.test(a);let c=1\nlet d=2\n"
    assert minify_player_file("x.css", b"/* note */\n.a {\n  color : red ;\n}\n") == b".a{color:red}\n"
    assert minify_player_file("index.html", b"<p>  kept  </p>\n") == b"<p>  kept  </p>\n"


def test_the_packaged_player_is_minified_and_still_parses(tmp_path):
    from scorm_export.package import PLAYER_DIR

    packaged = player_files()
    for name in ("player.js", "runtime.js", "marking.js", "player.css"):
        source = (PLAYER_DIR / name).read_bytes()
        assert len(packaged[name]) < len(source) * 0.9, name
        assert b"\n\t" not in packaged[name]  # no indentation left
    assert packaged["index.html"] == (PLAYER_DIR / "index.html").read_bytes()
    node = shutil.which("node")
    if not node:
        pytest.skip("needs node to parse the minified player")
    for name in ("player.js", "runtime.js", "marking.js"):
        path = tmp_path / name
        path.write_bytes(packaged[name])
        done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, (name, done.stderr)
