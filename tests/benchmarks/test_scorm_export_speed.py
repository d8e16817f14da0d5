"""How long exporting takes: a 40-module course in both versions (goal: under 1 s each).

Run: .venv/bin/python -m pytest -q -s tests/benchmarks/test_scorm_export_speed.py
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

from scorm_export.package import PLAYER_DIR, build_package

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "scorm" / "fixtures" / "course.json"
STUB_PLAYER = ROOT / "tests" / "scorm" / "fixtures" / "player-stub"
PAGE = (
    "## What to look for\n\nSome **barriers** are practical, others are about confidence. "
    "Ask the person what helps.\n\n- Distance\n- Health\n- Confidence\n\n"
    "> Keep a record in the care plan.\n\n"
) * 6


def large_course(modules: int = 40) -> dict:
    """The fixture course grown to `modules` modules of 8 pages and 12 questions each."""
    base = json.loads(FIXTURE.read_bytes())
    doc = copy.deepcopy(base)
    doc["modules"], doc["questions"] = [], []
    for n in range(modules):
        template = copy.deepcopy(base["modules"][n % 2])
        template["slug"] = f"m{n:02d}-{template['slug'][4:]}"
        template["pages"] = [
            {"slug": f"p{p}", "title": f"Page {p}", "body": PAGE} for p in range(8)
        ]
        items = []
        for k in range(12):
            question = copy.deepcopy(base["questions"][k % len(base["questions"])])
            question["id"] = f"m{n:02d}-q{k:02d}"
            question["tags"] = [f"m{n:02d}"]
            doc["questions"].append(question)
            items.append({"question": question["id"], "version": 1} if k < 10 else None)
        template["quiz"]["items"] = [i for i in items if i] + [
            {"draw": {"count": 2, "tag": f"m{n:02d}"}}
        ]
        doc["modules"].append(template)
    return doc


@pytest.mark.benchmark
@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_export_40_modules_under_a_second(standard):
    doc = large_course()
    player = PLAYER_DIR if (PLAYER_DIR / "index.html").is_file() else STUB_PLAYER
    build_package(doc, standard=standard, player_dir=player)  # warm imports
    timings = {}
    for multi in (False, True):
        start = time.perf_counter()
        data = build_package(doc, standard=standard, multi_sco=multi, player_dir=player)
        timings[multi] = time.perf_counter() - start
    print(
        f"\nSCORM {standard}, 40 modules, {len(doc['questions'])} questions: "
        f"single SCO {timings[False]:.3f} s, multi-SCO {timings[True]:.3f} s, {len(data) // 1024} KB"
    )
    assert max(timings.values()) < 1.0


@pytest.mark.benchmark
def test_export_shipped_course_under_a_second():
    from course.shipped import load_shipped_document

    doc = load_shipped_document()
    build_package(doc)  # warm imports
    timings = {}
    for standard in ("1.2", "2004"):
        for multi in (False, True):
            start = time.perf_counter()
            build_package(doc, standard=standard, multi_sco=multi)
            timings[(standard, multi)] = time.perf_counter() - start
    each = ", ".join(f"{s}{' multi' if m else ''} {t:.3f} s" for (s, m), t in timings.items())
    print(
        f"\nshipped course, {len(doc['modules'])} modules, {len(doc['questions'])} questions: {each}"
    )
    assert max(timings.values()) < 1.0
