"""Builders for question JSON used across the question-bank tests."""

from __future__ import annotations

import copy

BASE = {"id": "q1", "version": 1, "title": "A question", "stem": "Choose.",
        "criteria": ["NOS-EFFREL/K14"]}

EXAMPLES = {
    "single_choice": {"options": [{"id": "a", "text": "A", "correct": True},
                                  {"id": "b", "text": "B", "correct": False}]},
    "multiple_response": {"options": [{"id": "a", "text": "A", "correct": True},
                                      {"id": "b", "text": "B", "correct": False}]},
    "true_false": {"answer": True},
    "matching": {"premises": [{"id": "p1", "text": "P", "match": "r1"}],
                 "responses": [{"id": "r1", "text": "R"}, {"id": "r2", "text": "S"}]},
    "ordering": {"items": [{"id": "i1", "text": "1"}, {"id": "i2", "text": "2"}]},
    "short_answer": {"stem": "Fill {{g1}}.", "gaps": [{"id": "g1", "answers": [{"text": "x"}]}]},
    "numeric": {"answers": [{"value": 2}]},
    "essay": {},
    "scenario": {"case": {"person": "P", "setting": "S", "situation": "T"},
                 "steps": [{"id": "s1", "question": {"id": "c1", "type": "true_false",
                                                     "stem": "?", "answer": True}}]},
}


def make(qtype: str, **overrides) -> dict:
    """Question JSON of `qtype` with the fewest keys the schema needs, plus overrides."""
    data = {**copy.deepcopy(BASE), "type": qtype, **copy.deepcopy(EXAMPLES[qtype])}
    data.update(overrides)
    return data
