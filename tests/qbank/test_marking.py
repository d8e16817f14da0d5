"""mark() beyond the shared vectors: the API, the registry, determinism, scenario scaling."""

import pytest

from question_bank import REGISTRY, Mark, Question, ResponseError, load_question, mark
from question_bank.types import QuestionType, get_type, register
from tests.qbank.builders import make


def test_registry_has_the_nine_stable_names():
    assert sorted(REGISTRY) == sorted(["single_choice", "multiple_response", "true_false",
                                       "matching", "ordering", "short_answer", "numeric",
                                       "essay", "scenario"])


def test_registering_a_name_twice_fails_at_import():
    with pytest.raises(RuntimeError, match="'essay' registered twice"):
        @register
        class AnotherEssay(QuestionType):
            name = "essay"
    assert type(REGISTRY["essay"]).__name__ == "Essay"


def test_unknown_type_lookup_names_it():
    with pytest.raises(KeyError, match="unknown question type 'hotspot'"):
        get_type("hotspot")


def test_mark_accepts_question_json_and_question_objects_alike():
    data = make("single_choice", points=2, general_feedback="Well tried.")
    loaded = load_question(data)
    assert mark(data, "a") == mark(loaded, "a") == Mark(2.0, 2.0, 1.0, True, ["Well tried."], "a")
    assert Question.trusted(loaded.to_dict()) == loaded


def test_mark_to_dict_is_the_documented_shape_and_a_copy():
    result = mark(make("multiple_response"), ["a"])
    as_dict = result.to_dict()
    assert as_dict == {"score": 1.0, "max": 1.0, "fraction": 1.0, "correct": True, "feedback": [],
                       "response": ["a"], "pending": False}
    as_dict["response"].append("b")
    assert result.response == ["a"]


def test_marking_does_not_touch_the_response():
    response = {"p1": "r1"}
    mark(make("matching"), response)
    assert response == {"p1": "r1"}


def test_deterministic():
    question = load_question(make("short_answer", gaps=[{"id": "g1", "wildcard": True, "answers": [
        {"text": "a*", "credit": 0.5}, {"text": "ab*", "credit": 1.0}, {"text": "*b", "credit": 1.0}]}]))
    marks = {mark(question, {"g1": "abb"}).to_dict().__repr__() for _ in range(50)}
    assert len(marks) == 1
    assert mark(question, {"g1": "abb"}).score == 1.0
    assert mark(question, {"g1": "ax"}).score == 0.5


def test_response_error_is_a_value_error_with_the_message():
    with pytest.raises(ValueError, match="^unknown option 'zz'$"):
        mark(make("single_choice"), "zz")
    assert issubclass(ResponseError, ValueError)


def test_scenario_max_is_its_points_whatever_the_path():
    data = make("scenario", points=10, steps=[
        {"id": "s1", "question": {"id": "c1", "type": "true_false", "stem": "?", "answer": True,
                                  "points": 1}, "branches": {"false": "s3"}},
        {"id": "s2", "question": {"id": "c2", "type": "numeric", "stem": "?", "points": 4,
                                  "answers": [{"value": 1}]}, "next": "end"},
        {"id": "s3", "question": {"id": "c3", "type": "true_false", "stem": "?", "answer": False,
                                  "points": 1}},
    ])
    long_path = mark(data, {"path": ["s1", "s2"], "answers": {"s1": True, "s2": 0}})
    short_path = mark(data, {"path": ["s1", "s3"], "answers": {"s1": False, "s3": False}})
    assert (long_path.score, long_path.max, long_path.fraction) == (2.0, 10.0, 0.2)
    assert (short_path.score, short_path.max, short_path.fraction) == (5.0, 10.0, 0.5)
    assert long_path.correct is False and short_path.correct is False


def test_essay_pending_and_word_limit():
    essay = make("essay", word_limit=3, points=4)
    result = mark(essay, "one two three")
    assert (result.pending, result.correct, result.score, result.max) == (True, None, 0.0, 4.0)
    with pytest.raises(ResponseError, match="over the word limit: 4 words, limit 3"):
        mark(essay, "one two three four")


def test_unanswered_is_zero_for_every_type():
    for qtype in REGISTRY:
        result = mark(make(qtype), None)
        assert result.to_dict() == {"score": 0.0, "max": 1.0, "fraction": 0.0, "correct": False,
                                    "feedback": [], "response": None, "pending": False}, qtype


def test_scenario_path_follows_branches_then_next_then_order():
    from question_bank import scenario_path

    steps = [
        {"id": "s1", "question": {"type": "single_choice"}, "branches": {"b": "s3"}, "next": None},
        {"id": "s2", "question": {"type": "true_false"}, "branches": {"false": "end"}, "next": None},
        {"id": "s3", "question": {"type": "short_answer"}, "branches": {}, "next": "end"},
    ]
    scenario = {"steps": steps}
    assert scenario_path(scenario, {}) == ["s1", "s2", "s3"]  # unanswered: the steps in order
    assert scenario_path(scenario, {"s1": "b"}) == ["s1", "s3"]
    assert scenario_path(scenario, {"s1": "a", "s2": False}) == ["s1", "s2"]
    assert scenario_path(scenario, {"s1": "a", "s2": True}) == ["s1", "s2", "s3"]
    assert scenario_path(scenario, {"s1": ["b"]}) == ["s1", "s2", "s3"]  # not a choice: no branch
