"""Seeded shuffles and quiz assembly (the shared vectors hold the cross-checked numbers)."""

import pytest

from question_bank import load_question
from question_bank.draw import DrawError, assemble_quiz, mulberry32, shuffle
from tests.qbank.builders import make


def bank():
    questions = []
    for n, (criterion, tag) in enumerate([("A/K1", "x"), ("A/K1", "y"), ("A/K2", "x"),
                                          ("A/K1", "x"), ("A/K2", "y")]):
        questions.append(make("single_choice", id=f"q{n}", criteria=[criterion], tags=[tag],
                              shuffle=True))
    return questions


def test_mulberry32_is_in_range_and_reproducible():
    first, second = mulberry32(5), mulberry32(5)
    values = [first() for _ in range(1000)]
    assert values == [second() for _ in range(1000)]
    assert all(0 <= v < 1 for v in values)
    assert len(set(values)) == 1000


def test_seed_is_taken_modulo_two_to_the_32():
    assert mulberry32(-1)() == mulberry32(2**32 - 1)() == mulberry32(2**33 - 1)()


def test_shuffle_is_a_permutation_and_leaves_the_input_alone():
    items = list(range(20))
    shuffled = shuffle(items, mulberry32(1))
    assert sorted(shuffled) == items and shuffled != items
    assert items == list(range(20))
    assert shuffle([], mulberry32(1)) == [] and shuffle(["x"], mulberry32(1)) == ["x"]


def test_fixed_items_in_order_without_quiz_shuffle():
    quiz = {"shuffle": False, "items": [{"question": "q3", "version": 1}, {"question": "q0", "version": 1}]}
    result = assemble_quiz(quiz, bank(), 11)
    assert [e["question"] for e in result] == ["q3", "q0"]
    assert all(sorted(e["order"]) == ["a", "b"] for e in result)


def test_a_draw_never_takes_a_question_fixed_later_in_the_quiz():
    quiz = {"items": [{"draw": {"count": 2, "criterion": "A/K1", "tag": "x"}},
                      {"question": "q0", "version": 1}]}
    with pytest.raises(DrawError, match="has only 1 candidate"):
        assemble_quiz(quiz, bank(), 1)
    quiz["items"][0]["draw"]["count"] = 1
    for seed in range(20):
        assert [e["question"] for e in assemble_quiz(quiz, bank(), seed)] == ["q3", "q0"]


def test_same_seed_same_quiz_and_seeds_differ():
    quiz = {"shuffle": True, "items": [{"draw": {"count": 3, "criterion": "A/K1"}}]}
    assert assemble_quiz(quiz, bank(), 42) == assemble_quiz(quiz, bank(), 42)
    results = {repr(assemble_quiz(quiz, bank(), seed)) for seed in range(30)}
    assert len(results) > 5


def test_current_version_is_the_highest_and_objects_are_accepted():
    questions = [load_question(q) for q in bank()] + [make("true_false", id="q1", version=2,
                                                           criteria=["A/K9"], tags=[])]
    quiz = {"items": [{"draw": {"count": 1, "criterion": "A/K9"}}]}
    assert assemble_quiz(quiz, questions, 3) == [{"question": "q1", "version": 2, "order": None}]


@pytest.mark.parametrize("items, message", [
    ([{"question": "q0", "version": 1}, {"question": "q0", "version": 1}],
     "quiz item 2: question 'q0' is already in the quiz"),
    ([{"question": "q0", "version": 3}], "quiz item 1: question 'q0' version 3 is not in the bank"),
    ([{"draw": {"count": 0, "tag": "x"}}], "quiz item 1: expected a question, or a draw"),
    ([{"draw": {"count": 1}}], "quiz item 1: expected a question, or a draw"),
    ([{"draw": {"count": 6, "tag": "x"}}],
     'quiz item 1: draw {"count":6,"tag":"x"} has only 3 candidate(s)'),
])
def test_errors_name_the_item(items, message):
    with pytest.raises(DrawError) as caught:
        assemble_quiz({"items": items}, bank(), 1)
    assert message in str(caught.value)
