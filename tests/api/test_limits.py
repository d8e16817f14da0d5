"""The JSON API holds to the same limits as the forms, and reads bodies with the safe JSON reader."""
from __future__ import annotations

import pytest

from tests.api.test_api import assert_error
from tests.questions.conftest import sc_question


def description(client) -> str:
    return client.get("/api/v1/courses/c1").get_json()["description"]


@pytest.mark.parametrize("length", [5_001, 31_000_000], ids=["just over", "31 MB"])
def test_a_description_over_5000_characters_is_422_naming_the_field(client, api_tutor, length):
    response = client.patch("/api/v1/courses/c1", json={"description": "x" * length})
    assert_error(response, 422, {"description": ["longer than 5,000 characters"]})
    assert description(client) == ""
    assert_error(client.post("/api/v1/courses", json={"title": "Two", "frameworks": ["TESTFW"],
                                                      "description": "x" * length}), 422,
                 {"description": ["longer than 5,000 characters"]})
    assert [c["slug"] for c in client.get("/api/v1/courses").get_json()] == ["c1"]


def test_json_nested_5000_deep_is_400_naming_the_problem(client, api_tutor):
    body = '{"description": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.patch("/api/v1/courses/c1", data=body, content_type="application/json")
    error = assert_error(response, 400, {})
    assert error["message"] == "The JSON body was refused: nested more than 64 levels deep (line 1, column 80)"
    assert description(client) == ""


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_400_naming_the_field(client, api_tutor, literal):
    response = client.put("/api/v1/courses/c1/modules/m1/quiz", data='{"pass_mark": %s}' % literal,
                          content_type="application/json")
    error = assert_error(response, 400, {"pass_mark": [f"{literal} is not allowed: JSON numbers are finite"]})
    assert error["message"] == f"The JSON body was refused: pass_mark: {literal} is not allowed: JSON numbers are finite"
    assert client.get("/api/v1/courses/c1/modules/m1/quiz").get_json()["pass_mark"] == 0.8


def test_a_quiz_of_more_than_500_items_is_422(client, api_tutor):
    items = [{"question": "q1", "version": 1}] * 501
    assert_error(client.put("/api/v1/courses/c1/modules/m1/quiz", json={"items": items}), 422,
                 {"items": ["501 items, at most 500"]})


def test_question_texts_and_lists_have_limits(client, api_tutor):
    options = [{"id": f"o{n}", "text": f"Option {n}", "correct": n == 0} for n in range(101)]
    assert_error(client.post("/api/v1/questions", json=sc_question("many", options=options)), 422,
                 {"options": ["101 options, at most 100"]})
    assert_error(client.post("/api/v1/questions", json=sc_question("long", stem="x" * 50_001)), 422,
                 {"stem": ["longer than 50,000 characters"]})
    wordy = sc_question("wordy")
    wordy["options"][1]["feedback"] = "x" * 20_001
    assert_error(client.post("/api/v1/questions", json=wordy), 422,
                 {"options.1.feedback": ["longer than 20,000 characters"]})
    assert [q["id"] for q in client.get("/api/v1/questions").get_json()] == ["q1"]
