"""How long exporting takes: a 40-module course and the shipped course, both versions.

Goal: under 1 s per package. Run:
    .venv/bin/python -m pytest -q -s tests/benchmarks/test_scorm_export_speed.py
Both wall-clock and CPU time are printed; the assertion uses CPU time, because on a shared
machine wall-clock time measures the neighbours too.
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
    "## What to look for in module {n}, page {p}\n\nSome **barriers** are practical, others are "
    "about confidence. Ask the person what helps.\n\n- Distance\n- Health\n- Confidence\n\n"
    "> Keep a record in the care plan ({n}.{p}.{k}).\n\n"
)


def large_course(modules: int = 40) -> dict:
    """The fixture course grown to `modules` modules of 8 pages and 12 questions each."""
    base = json.loads(FIXTURE.read_bytes())
    doc = copy.deepcopy(base)
    doc["modules"], doc["questions"] = [], []
    for n in range(modules):
        module = copy.deepcopy(base["modules"][n % 2])
        module["slug"] = f"m{n:02d}-{module['slug'][4:]}"
        module["pages"] = [
            {
                "slug": f"p{p}",
                "title": f"Page {p}",
                "body": "".join(PAGE.format(n=n, p=p, k=k) for k in range(6)),
            }
            for p in range(8)
        ]
        items = []
        for k in range(12):
            question = copy.deepcopy(base["questions"][k % len(base["questions"])])
            question["id"] = f"m{n:02d}-q{k:02d}"
            question["stem"] += f" (module {n}, question {k})"
            question["tags"] = [f"m{n:02d}"]
            doc["questions"].append(question)
            if k < 10:
                items.append({"question": question["id"], "version": 1})
        module["quiz"]["items"] = items + [{"draw": {"count": 2, "tag": f"m{n:02d}"}}]
        doc["modules"].append(module)
    return doc


def timed(doc: dict, **options) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, zip bytes) of one build."""
    wall, cpu = time.perf_counter(), time.process_time()
    data = build_package(doc, **options)
    return time.perf_counter() - wall, time.process_time() - cpu, len(data)


@pytest.mark.benchmark
@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_export_40_modules_under_a_second(standard):
    doc = large_course()
    player = PLAYER_DIR if (PLAYER_DIR / "index.html").is_file() else STUB_PLAYER
    build_package(doc, standard=standard, player_dir=player)  # warm imports
    runs = {
        multi: timed(doc, standard=standard, multi_sco=multi, player_dir=player)
        for multi in (False, True)
    }
    print(
        f"\nSCORM {standard}, 40 modules, {len(doc['questions'])} questions: "
        + ", ".join(
            f"{'multi-SCO' if m else 'single SCO'} {w:.3f} s wall / {c:.3f} s CPU, {size // 1024} KB"
            for m, (w, c, size) in runs.items()
        )
    )
    assert max(c for _, c, _ in runs.values()) < 1.0


@pytest.mark.benchmark
def test_export_shipped_course_under_a_second():
    from course.shipped import load_shipped_document

    doc = load_shipped_document()
    build_package(doc)  # warm imports
    runs = {
        (standard, multi): timed(doc, standard=standard, multi_sco=multi)
        for standard in ("1.2", "2004")
        for multi in (False, True)
    }
    each = ", ".join(
        f"{s}{' multi' if m else ''} {w:.3f} s wall / {c:.3f} s CPU"
        for (s, m), (w, c, _) in runs.items()
    )
    print(
        f"\nshipped course, {len(doc['modules'])} modules, {len(doc['questions'])} questions: {each}"
    )
    assert max(c for _, c, _ in runs.values()) < 1.0
