"""What a learner's browser may see of a question (question_bank.public), and the checks the server
runs on answers in progress (check_shape) and on one scenario step (mark_step, step_after)."""

from __future__ import annotations

import json

import pytest

from question_bank.marking import ResponseError, check_shape, mark_step, step_after
from question_bank.public import public_question
from question_bank.schemas import load_question

from tests.qbank.builders import make

SECRET = {"correct", "answer", "match", "answers", "feedback", "feedback_true", "feedback_false",
          "general_feedback", "branches", "next", "marker_guidance", "tolerance", "credit"}


def keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


SCENARIO = make("scenario", steps=[
    {"id": "s1", "branches": {"b": "s3"}, "question": {
        "id": "c1", "type": "single_choice", "stem": "First?", "options": [
            {"id": "a", "text": "Ask her", "correct": True, "feedback": "Yes."},
            {"id": "b", "text": "Ask her son", "correct": False, "feedback": "No."}]}},
    {"id": "s2", "next": "end", "question": {"id": "c2", "type": "true_false", "stem": "Refuse?", "answer": True}},
    {"id": "s3", "question": {"id": "c3", "type": "ordering", "stem": "Order.", "items": [
        {"id": "i1", "text": "One"}, {"id": "i2", "text": "Two"}, {"id": "i3", "text": "Three"}]}},
])


@pytest.mark.parametrize("qtype", ["single_choice", "multiple_response", "true_false", "matching", "ordering",
                                   "short_answer", "numeric", "essay", "scenario"])
def test_no_type_shows_a_key_or_feedback(qtype):
    data = load_question(make(qtype, general_feedback="Well done.")).to_dict()
    shown = public_question(data)
    assert keys(shown) & SECRET == set()
    assert "Well done." not in json.dumps(shown)
    assert {"id", "version", "type", "stem", "points", "criteria"} <= set(shown)


def test_lists_follow_the_attempts_order_never_the_authored_one():
    q = load_question(make("ordering", items=[{"id": f"i{n}", "text": t} for n, t in enumerate("ABCD")])).to_dict()
    assert [i["id"] for i in public_question(q, ["i2", "i0", "i3", "i1"])["items"]] == ["i2", "i0", "i3", "i1"]
    assert [i["text"] for i in public_question(q)["items"]] == ["A", "B", "C", "D"], "no order: by text, not authored"
    sc = load_question(make("single_choice", options=[{"id": "b", "text": "Right", "correct": True},
                                                       {"id": "a", "text": "Wrong", "correct": False}])).to_dict()
    assert public_question(sc, ["a", "b"])["options"] == [{"id": "a", "text": "Wrong"}, {"id": "b", "text": "Right"}]
    gaps = load_question(make("short_answer", stem="Use {{g1}}.", gaps=[
        {"id": "g1", "answers": [{"text": "soap"}], "options": ["soap", "gel", "Water"]}])).to_dict()
    assert public_question(gaps)["gaps"] == [{"id": "g1", "options": ["gel", "soap", "Water"]}], "the key is not first"


def test_a_scenarios_steps_show_in_the_step_orders_without_branches():
    data = load_question(SCENARIO).to_dict()
    shown = public_question(data, step_orders={"s3": ["i3", "i1", "i2"]})
    assert [s["id"] for s in shown["steps"]] == ["s1", "s2", "s3"]
    assert [i["id"] for i in shown["steps"][2]["question"]["items"]] == ["i3", "i1", "i2"]
    assert keys(shown) & SECRET == set()


def test_a_step_is_marked_on_its_own_and_says_where_the_case_goes():
    data = load_question(SCENARIO).to_dict()
    mark = mark_step(data, "s1", "b")
    assert (mark.score, mark.max, mark.correct, mark.feedback) == (0.0, 1.0, False, ["No."])
    assert step_after(data, {}, []) == "s1"
    assert step_after(data, {"s1": "b"}, ["s1"]) == "s3"
    assert step_after(data, {"s1": "a"}, ["s1"]) == "s2"
    assert step_after(data, {"s1": "a", "s2": True}, ["s1", "s2"]) is None
    with pytest.raises(ResponseError, match="unknown step 's9'"):
        mark_step(data, "s9", "a")


@pytest.mark.parametrize("response", [
    {"path": [], "answers": {}},
    {"path": [], "answers": {"s1": "b"}},
    {"path": ["s1"], "answers": {"s1": "b", "s3": ["i2", "i1", "i3"]}},  # the step it is on, not yet checked
])
def test_a_scenario_in_progress_fits(response):
    check_shape(load_question(SCENARIO).to_dict(), response)


@pytest.mark.parametrize("response,message", [
    ({"path": ["s2"], "answers": {}}, "path: these steps do not follow from the answers given"),
    ({"path": ["s1"], "answers": {"s1": "b", "s2": True}}, "answer for step 's2', which is not on the path"),
    ({"path": [], "answers": {"s1": "z"}}, "step 's1': unknown option 'z'"),
    ({"path": "s1"}, "path: expected a list of step ids"),
    ({"steps": []}, "expected an object {path, answers}"),
])
def test_a_scenario_answer_that_cannot_be_its_own_is_refused(response, message):
    with pytest.raises(ResponseError) as error:
        check_shape(load_question(SCENARIO).to_dict(), response)
    assert str(error.value) == message


@pytest.mark.parametrize("qtype,response", [
    ("numeric", "3."),  # still being typed
    ("essay", "Too short so far"),  # under its minimum until finished
    ("short_answer", {}),
    ("matching", {"p1": None}),
    ("multiple_response", []),
])
def test_answers_being_typed_are_kept(qtype, response):
    extra = {"min_words": 50} if qtype == "essay" else {}
    check_shape(load_question(make(qtype, **extra)).to_dict(), response)


@pytest.mark.parametrize("qtype,response,message", [
    ("single_choice", ["a"], "expected an option id (a string)"),
    ("true_false", "true", "expected true or false"),
    ("numeric", {"v": 1}, "expected a number or a text"),
    ("essay", 12, "expected a string"),
    ("short_answer", {"g9": "x"}, "unknown gap 'g9'"),
    ("ordering", ["i1"], None),
])
def test_answers_that_never_fit_are_refused(qtype, response, message):
    with pytest.raises(ResponseError) as error:
        check_shape(load_question(make(qtype)).to_dict(), response)
    if message:
        assert str(error.value) == message
