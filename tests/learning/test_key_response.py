"""The best answer the review shows once allowed: the server's ``key_response`` gives what the
player's ``keyOf`` gives (tests/js/learner.test.js) for every question of the player's fixture."""
from __future__ import annotations

import json
from pathlib import Path

from course.learning.display import fmt, key_response

FIXTURE = Path(__file__).resolve().parents[1] / "player" / "fixtures" / "course.json"


def test_key_response_matches_the_players_key_of_for_each_type():
    questions = {q["id"]: q for q in json.loads(FIXTURE.read_text(encoding="utf-8"))["questions"]}
    assert {qid: key_response(q) for qid, q in questions.items()} == {
        "sc-trust": "a", "mr-rights": ["a", "c"], "tf-consent": True, "match-roles": {"p1": "r1", "p2": "r2"},
        "ord-hands": ["i1", "i2", "i3"], "sa-hands": {"g1": "20", "g2": "soap"}, "num-temp": "37",
        "essay-trust": None, "scen-fall": None, "sc-gloves": "a", "tf-draw-1": False, "tf-draw-2": True}


def test_marks_show_one_decimal_at_most():
    assert [fmt(x) for x in (6.22, 15, 0.5, 2.25, 1 / 3, None)] == ["6.2", "15", "0.5", "2.3", "0.3", "–"]
