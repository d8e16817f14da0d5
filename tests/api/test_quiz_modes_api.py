"""The API's quizzes carry mode, option_feedback and shuffle_options; a mode brings its defaults."""
from __future__ import annotations

from tests.api.test_api import assert_error

QUIZ = "/api/v1/courses/c1/modules/m1/quiz"


def settings(body: dict) -> tuple:
    return tuple(body[k] for k in ("mode", "attempts", "feedback", "option_feedback", "shuffle", "shuffle_options"))


def test_a_quiz_reads_as_formative_until_told_otherwise(client, api_tutor):
    assert settings(client.get(QUIZ).get_json()) == ("formative", 0, "immediate", "always", False, False)


def test_putting_the_mode_sets_its_defaults_except_what_is_given(client, api_tutor):
    response = client.put(QUIZ, json={"mode": "summative", "attempts": 2})
    assert response.status_code == 200
    assert settings(response.get_json()) == ("summative", 2, "after_submission", "after_final_attempt", True, True)
    one_by_one = client.put(QUIZ, json={"mode": "summative", "shuffle_options": False})
    assert settings(one_by_one.get_json()) == ("summative", 2, "after_submission", "after_final_attempt", True, False)
    assert settings(client.get("/api/v1/courses/c1/quizzes").get_json()[0])[0] == "summative"


def test_unknown_values_are_refused_by_name(client, api_tutor):
    assert_error(client.put(QUIZ, json={"option_feedback": "sometimes"}), 422,
                 {"option_feedback": ["Must be one of: always, after_final_attempt, never."]})
    assert_error(client.put(QUIZ, json={"mode": "exam", "shuffle_options": "yes"}), 422,
                 {"mode": ["Must be one of: formative, summative."], "shuffle_options": ["Not a valid boolean."]})
    assert settings(client.get(QUIZ).get_json())[0] == "formative"
