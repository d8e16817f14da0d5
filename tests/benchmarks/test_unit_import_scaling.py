"""Benchmark: the unit importer's time per line does not grow with the document.

Run on demand: `make benchmarks`, or
    .venv/bin/python -m pytest -q -s -p no:randomly --benchmark-enable tests/benchmarks/test_unit_import_scaling.py

What is timed: ``course.units.parse_unit`` (clean, classify and walk every line, then build the
framework dict) on generated text of 10,000, 100,000 and 400,000 lines already in memory, in
CPU time (a shared machine's neighbours only add to wall-clock time), best of a few runs. The
file read is left out: ``parse_unit_file`` refuses a file over UNIT_DOCUMENT_BYTES before
reading it, so only the parse can grow with the document. The documents are a 2026-format NOS
and a QCF unit, each with every part that used to cost O(n^2) in lines: a long overview
with wrapped lines, a wrapped metadata value, many sections, criteria wrapped over many lines,
a learning outcome list with wrapped titles, outcome headings wrapped over several lines.

Target: at 400,000 lines the time per line is within 2x of the time per line at 10,000.
"""

from __future__ import annotations

import gc
import time

import pytest

from course.units import parse_unit

pytestmark = pytest.mark.benchmark

SIZES = (10_000, 100_000, 400_000)
RUNS = {10_000: 5, 100_000: 3, 400_000: 2}


def nos_document(lines: int) -> str:
    """A 2026-format NOS of about ``lines`` lines (at most 999 performance and knowledge items)."""
    wraps = max(1, lines // 4000)  # wrapped lines per criterion, so the numbering stays < 1000
    out = ["## Overview", "",
           "This standard identifies the requirements when you promote effective relationships "
           "with individuals."]
    for n in range(lines // 5):
        out.append(f"This includes working with individuals and others, case {n}, to"
                   if n % 2 else f"and the key people in their lives, in situation {n}.")
    for major, heading in (("performance", "Performance criteria"), ("knowledge", "Knowledge and understanding")):
        out += ["", f"## {heading}", "", "### *You must be able to:*" if major == "performance"
                else "### *You need to know and understand:*", ""]
        for item in range(1, 1000):
            if len(out) > lines * (0.45 if major == "performance" else 0.9):
                break
            out.append(f"{item}. work with the individual and key people to identify the issues")
            out += [f"and the relationships that matter to them, part {k}," for k in range(wraps)]
    out += ["", "Promote effective relationships with individuals", "", "---", "",
            "<b>Developed by</b>\tSkills for Care & Development",
            "<b>Version Number</b>\t1",
            "<b>Date Approved</b>\t31 Jan 2026",
            "<b>Original URN</b>\tBENCH001",
            "<b>Keywords</b>\tRelationships, care"]
    while len(out) < lines:
        out.append(f"care and support, keyword {len(out)},")
    return "\n".join(out[:lines]) + "\n"


def qcf_document(lines: int) -> str:
    """A QCF unit of about ``lines`` lines: 99 outcomes, wrapped list titles and criteria."""
    out = ["Unit title: Support individuals to maintain relationships", "Level: 3", "",
           "Unit aim", "",
           "This unit is about supporting individuals to maintain relationships.", "",
           "Learning outcomes", "", "There are 99 learning outcomes to this unit. The learner will:"]
    summary_wraps = max(1, lines // 2000)
    for n in range(1, 100):
        out.append(f"{n}. Understand how to support relationships, part {n}")
        out += [f"with carers, families and key people, line {k}" for k in range(summary_wraps)]
    out += ["", "Guided learning hours", "", "It is recommended that 30 hours should be allocated.",
            "", "Assessment", "", "Learning outcomes 2, 3 and 4 must be assessed in a real work environment.",
            "", "Assessment criteria"]
    per_outcome = max(1, (lines - len(out)) // 99)
    for n in range(1, 100):
        out.append(f"Outcome {n} Understand how to support relationships")
        out += [f"with carers and families, title line {k}" for k in range(3)]
        out.append("The learner can:")
        criterion = 0
        start = len(out)
        while len(out) - start < per_outcome - 5 and criterion < 999:
            criterion += 1
            out.append(f"{n}.{criterion} explain how to support the individual")
            out += [f"and the key people in their life, line {k}" for k in range(4)]
    while len(out) < lines:
        out.append("and the key people in their life, once more")
    return "\n".join(out[:lines]) + "\n"


def cpu_seconds(text: str, runs: int) -> float:
    """Best CPU time of ``runs`` parses of ``text``."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        parse_unit(text, source="bench.txt")
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("make", [nos_document, qcf_document], ids=["nos", "qcf"])
def test_time_per_line_does_not_grow(make, capsys) -> None:
    per_line = {}
    for size in SIZES:
        text = make(size)
        assert text.count("\n") == size
        framework = parse_unit(text, source="bench.txt")
        assert sum(len(o["criteria"]) for o in framework["outcomes"]) > 100
        seconds = cpu_seconds(text, RUNS[size])
        per_line[size] = seconds / size
        with capsys.disabled():
            print(f"\n{make.__name__}: {size:,} lines ({len(text.encode()) / 1e6:.1f} MB) parsed in "
                  f"{seconds:.2f} s CPU, {per_line[size] * 1e6:.2f} us per line")
    assert per_line[400_000] <= 2 * per_line[10_000], per_line
