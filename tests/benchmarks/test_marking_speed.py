"""Marking speed: 100,000 mixed responses on one core (target: 50,000 a second or more).

Run on demand: .venv/bin/python -m pytest tests/benchmarks/test_marking_speed.py -q -s
"""

import json
import time
from pathlib import Path

import pytest

from question_bank import ResponseError, load_question, mark

pytestmark = pytest.mark.benchmark
VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "marking.json"
TARGET = 50_000
COUNT = 100_000


def workload() -> list[tuple]:
    """Every vector case (all nine types, valid and malformed), compiled once, repeated."""
    cases = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
    compiled = {}
    pairs = []
    for case in cases:
        key = json.dumps(case["question"], sort_keys=True)
        if key not in compiled:
            compiled[key] = load_question(case["question"])
        pairs.append((compiled[key], case["response"]))
    return (pairs * (COUNT // len(pairs) + 1))[:COUNT]


def mark_all(pairs) -> int:
    errors = 0
    for question, response in pairs:
        try:
            mark(question, response)
        except ResponseError:
            errors += 1
    return errors


def timed(pairs) -> tuple[float, int]:
    """Best of three runs, after a warm-up: (seconds, malformed responses)."""
    mark_all(pairs[:2000])
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        errors = mark_all(pairs)
        best = min(best, time.perf_counter() - start)
    return best, errors


def test_marks_at_least_50000_mixed_responses_a_second():
    pairs = workload()
    seconds, errors = timed(pairs)
    rate = COUNT / seconds
    types = len({q.type for q, _ in pairs})
    print(f"\nmarked {COUNT:,} mixed responses ({types} types, {errors:,} malformed) "
          f"in {seconds:.3f} s: {rate:,.0f} responses/second")
    assert types == 9
    assert rate >= TARGET


def test_valid_responses_alone_also_meet_the_target():
    valid = [(q, r) for q, r in workload()[:20_000] if _marks(q, r)]
    valid = (valid * (COUNT // len(valid) + 1))[:COUNT]
    seconds, errors = timed(valid)
    print(f"\nmarked {COUNT:,} valid responses in {seconds:.3f} s: "
          f"{COUNT / seconds:,.0f} responses/second")
    assert errors == 0
    assert COUNT / seconds >= TARGET


def _marks(question, response) -> bool:
    try:
        mark(question, response)
    except ResponseError:
        return False
    return True
