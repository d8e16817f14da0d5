"""How long the quiz-quality report takes on the shipped course.

What is timed, separately (CPU time, the median of 5 runs; wall-clock is printed too):
- the item checks alone: `check_all` over every question version of the course (163 questions);
- the test-wise score alone: `estimate_quiz` for each of the 23 module quizzes (the second edition
  draws every quiz: `quality.DRAW_SAMPLES` seeded assemblies each, each computed exactly);
- the whole report the SCORM check and `check-course` build: `document_quality`, i.e. both of
  the above per quiz plus the estimated learning time (the document itself is built beforehand).

Goal: the whole report under 3 s of CPU, so that the SCORM check stays usable. Run:
    .venv/bin/python -m pytest -q -s tests/benchmarks/test_quality_report_speed.py
"""

from __future__ import annotations

import statistics
import time

import pytest

from course.authoring.quality import DRAW_SAMPLES, document_quality
from course.shipped import load_shipped_document
from question_bank.quality import check_all
from question_bank.testwise import estimate_quiz
from scorm_export.document import module_question_versions

pytestmark = pytest.mark.benchmark


def _measure(job, runs: int = 5) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        job()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def test_quality_report_of_the_shipped_course():
    doc = load_shipped_document()
    quizzes = [(m["quiz"], module_question_versions(doc, m)) for m in doc["modules"] if m.get("quiz")]

    checks = _measure(lambda: check_all(doc["questions"]))
    testwise = _measure(lambda: [estimate_quiz(q, qs, options_shuffled=bool(q.get("shuffle_options")),
                                               samples=DRAW_SAMPLES) for q, qs in quizzes])
    whole = _measure(lambda: document_quality(doc))
    print(f"\nshipped course: {len(doc['questions'])} questions, {len(quizzes)} quizzes")
    for label, (cpu, wall) in (("item checks", checks), ("test-wise, all quizzes", testwise),
                               ("whole report", whole)):
        print(f"  {label}: {cpu * 1000:.0f} ms CPU ({wall * 1000:.0f} ms wall)")
    assert whole[0] < 3.0
