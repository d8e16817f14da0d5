"""``python -m scorm_export`` builds the same package as the API, or lists the problems."""

from __future__ import annotations

import json
import subprocess
import sys

from scorm_support import COURSE_JSON, ROOT

from scorm_export.package import build_package


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scorm_export", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_writes_the_package(tmp_path, real_player):
    out = tmp_path / "pkg.zip"
    done = run(str(COURSE_JSON), "--standard", "2004", "--multi-sco", "--out", str(out))
    assert (done.returncode, done.stderr) == (0, "")
    expected = build_package(json.loads(COURSE_JSON.read_bytes()), standard="2004", multi_sco=True)
    assert out.read_bytes() == expected
    assert done.stdout == f"wrote {out} (SCORM 2004, {len(expected)} bytes)\n"


def test_cli_lists_document_problems_and_writes_nothing(tmp_path):
    doc = json.loads(COURSE_JSON.read_bytes())
    doc["modules"][0]["outcomes"].append("HSCCLD327/K.9")
    doc["course"]["slug"] = "has space"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    out = tmp_path / "pkg.zip"
    done = run(str(bad), "--out", str(out))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{bad}:course.slug: error: not an identifier (letters, digits, '_', '.', '-'; no spaces)",
        f"{bad}:modules[0].outcomes[2]: error: unknown outcome 'HSCCLD327/K.9'",
    ]
    assert not out.exists()


def test_cli_refuses_sequencing_for_12(tmp_path):
    done = run(str(COURSE_JSON), "--sequencing", "--out", str(tmp_path / "x.zip"))
    assert done.returncode == 2
    assert "sequencing needs standard='2004' and multi_sco=True" in done.stderr
