"""Every case of the shared marking vectors, through the Python engine (marking.js runs them too)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from question_bank import ResponseError, load_question, mark
from question_bank.draw import DrawError, assemble_quiz, mulberry32, shuffle

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
DOCUMENT = json.loads((VECTORS / "marking.json").read_text(encoding="utf-8"))
CASES = DOCUMENT["cases"]
DRAWS = DOCUMENT["draws"]


def test_vectors_file_is_what_the_script_prints():
    generated = subprocess.run(
        [sys.executable, str(VECTORS / "make_marking_vectors.py")],
        check=True, capture_output=True, text=True, encoding="utf-8",
    ).stdout
    assert generated == (VECTORS / "marking.json").read_text(encoding="utf-8"), (
        "tests/vectors/marking.json is stale or hand-edited: regenerate it with "
        "`.venv/bin/python tests/vectors/make_marking_vectors.py > tests/vectors/marking.json`")


def test_vectors_cover_every_type_and_enough_cases():
    types = {case["question"]["type"] for case in CASES}
    assert types == {"single_choice", "multiple_response", "true_false", "matching", "ordering",
                     "short_answer", "numeric", "essay", "scenario"}
    assert len(CASES) >= 170
    assert DOCUMENT["version"] == 1


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_marking_vector(case):
    question = load_question(case["question"])
    if "error" in case:
        with pytest.raises(ResponseError) as caught:
            mark(question, case["response"])
        assert case["error"] in str(caught.value)
        return
    result = mark(question, case["response"]).to_dict()
    for key, expected in case["expect"].items():
        assert result[key] == expected, key
        assert type(result[key]) is type(expected) or isinstance(expected, (int, float)), key


@pytest.mark.parametrize("draw", DRAWS, ids=[draw["name"] for draw in DRAWS])
def test_draw_vector(draw):
    if "floats" in draw:
        rand = mulberry32(draw["seed"])
        assert [rand() for _ in draw["floats"]] == draw["floats"]
    elif "shuffle" in draw:
        assert shuffle(draw["shuffle"], mulberry32(draw["seed"])) == draw["expect"]
    elif "error" in draw:
        with pytest.raises(DrawError) as caught:
            assemble_quiz(draw["quiz"], draw["questions"], draw["seed"])
        assert draw["error"] in str(caught.value)
    else:
        assert assemble_quiz(draw["quiz"], draw["questions"], draw["seed"]) == draw["expect"]
