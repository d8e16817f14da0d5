"""Summative and formative quizzes in the app: attempts, fresh draws, options shuffled, and the
feedback texts a learner's browser receives (never before the quiz's option_feedback allows)."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from course.extensions import db
from course.learning import attempts, submission
from course.learning.errors import Conflict
from course.authoring.models import Module
from course.learning.models import Attempt
from course.models import User
from question_bank.draw import assemble_quiz
from tests.helpers import login
from tests.learning.conftest import K1, load, q_scenario, q_single, q_tf

SUMMATIVE = {"mode": "summative", "attempts": 3, "feedback": "after_submission",
             "option_feedback": "after_final_attempt", "shuffle": True, "shuffle_options": True}
# Texts no other part of a page or reply contains, so their absence from a body means something.
TEXTS = ("OPTION-A-SAYS-YES", "OPTION-B-SAYS-NO", "GENERAL-SAYS-WHY", "TRUE-SAYS-RIGHT", "FALSE-SAYS-WRONG")


def marked_single(qid: str = "q-sc", criteria: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    """q_single ("a" right) with feedback texts that are easy to look for."""
    q = q_single(qid, criteria, general_feedback="GENERAL-SAYS-WHY", **kw)
    q["options"][0]["feedback"] = "OPTION-A-SAYS-YES"
    q["options"][1]["feedback"] = "OPTION-B-SAYS-NO"
    return q


def marked_tf(qid: str = "q-tf") -> dict[str, Any]:
    q = q_tf(qid)
    q.update(feedback_true="TRUE-SAYS-RIGHT", feedback_false="FALSE-SAYS-WRONG")
    return q


def launch_of(page: str) -> dict:
    return json.loads(re.search(r"window\.CC_LAUNCH = (\{.*?\});</script>", page).group(1))


def course_of(page: str) -> dict:
    return json.loads(re.search(r"window\.CC_COURSE = (\{.*?\});</script>", page).group(1))


def open_attempt_page(client, c) -> str:
    response = client.get(f"/learn/{c.course_slug}/{c.module_slug}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def answers_by_id(record: dict, wanted: dict[str, Any]) -> list[Any]:
    """The responses list in the attempt's item order from {question id: response}."""
    return [wanted.get(item["question"]) for item in record["items"]]


def texts_in(body: str) -> set[str]:
    return {t for t in TEXTS if t in body}


class Seeds:
    """Stands in for ``secrets`` in course.learning.attempts: randbits gives these seeds in turn."""

    def __init__(self, *seeds: int) -> None:
        self.seeds = list(seeds)
        self.given = 0

    def randbits(self, bits: int) -> int:
        seed = self.seeds[self.given % len(self.seeds)]
        self.given += 1
        return seed


# ---------------------------------------------------------------- attempts and fresh draws


def test_summative_quiz_allows_three_attempts_then_refuses_with_a_clear_message(client, make_course, app):
    pool = [q_single(f"q-{n}") for n in range(1, 7)]
    c = make_course(pool, [{"draw": {"count": 2, "criterion": K1}}], **SUMMATIVE)
    login(client, c.learner.email)
    numbers = []
    for n in range(3):
        if n:
            assert client.post(f"/learn/{c.course_slug}/{c.module_slug}/attempts").status_code == 302
        record = launch_of(open_attempt_page(client, c))["app"]["attempt"]
        numbers.append(record["number"])
        api = f"/learn/api/attempts/{record['id']}"
        assert client.post(f"{api}/submit", json={"responses": [None, None]}).status_code == 200
    assert numbers == [1, 2, 3]
    refused = client.post(f"/learn/{c.course_slug}/{c.module_slug}/attempts", follow_redirects=True)
    assert refused.request.path == "/learn/"
    assert "You have used all 3 attempts at this quiz." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Attempt).filter_by(user_id=c.learner.id).count() == 3
    # Opening the module shows the last attempt's results; it starts no fourth.
    assert launch_of(open_attempt_page(client, c))["app"]["attempt"]["number"] == 3


def test_a_formative_quiz_has_no_limit(client, make_course, app):
    c = make_course([q_single()], attempts=0)
    login(client, c.learner.email)
    for n in range(1, 5):
        if n > 1:
            client.post(f"/learn/{c.course_slug}/{c.module_slug}/attempts")
        record = launch_of(open_attempt_page(client, c))["app"]["attempt"]
        assert record["number"] == n
        client.post(f"/learn/api/attempts/{record['id']}/submit", json={"responses": ["a"]})


def test_each_attempt_gets_a_new_seed_and_other_questions_when_the_pools_allow(make_course, app, ctx, monkeypatch):
    pool = [q_single(f"q-{n}") for n in range(1, 7)]
    c = make_course(pool, [{"draw": {"count": 2, "criterion": K1}}], **SUMMATIVE)
    # 11 and 12 would draw questions the previous attempt had; the service looks further.
    snapshot = {"items": [{"draw": {"count": 2, "criterion": K1}}], "shuffle": True, "shuffle_options": True}
    drawn = {seed: {e["question"] for e in assemble_quiz(snapshot, pool, seed)} for seed in range(1, 40)}
    first = drawn[5]
    overlapping = [s for s in range(1, 40) if drawn[s] & first and s != 5][:2]
    apart = next(s for s in range(1, 40) if not drawn[s] & first)
    monkeypatch.setattr(attempts, "secrets", Seeds(5, 5, *overlapping, apart, 5))
    user, module = load(User, c.learner.id), load(Module, c.module_id)
    one = attempts.start_attempt(user, module)
    submission.submit_attempt(one, None)
    two = attempts.start_attempt(user, module)
    assert (one.seed, two.seed) == (5, apart)
    assert {e["question"] for e in one.questions} == first
    assert not {e["question"] for e in two.questions} & first
    assert all(len(a.questions) == 2 for a in (one, two))


def test_a_seed_source_repeating_an_old_seed_still_gives_a_new_one(make_course, app, ctx, monkeypatch):
    c = make_course([q_single(), q_tf()], **SUMMATIVE)  # fixed items: the same questions every time
    monkeypatch.setattr(attempts, "secrets", Seeds(42, 42, 42, 7))
    user, module = load(User, c.learner.id), load(Module, c.module_id)
    one = attempts.start_attempt(user, module)
    submission.submit_attempt(one, None)
    two = attempts.start_attempt(user, module)
    assert (one.seed, two.seed) == (42, 7)
    assert sorted(e["question"] for e in one.questions) == sorted(e["question"] for e in two.questions)


def test_the_service_refuses_a_fourth_attempt(make_course, app, ctx):
    c = make_course([q_single()], **SUMMATIVE)
    user, module = load(User, c.learner.id), load(Module, c.module_id)
    for _ in range(3):
        submission.submit_attempt(attempts.start_attempt(user, module), ["a"])
    with pytest.raises(Conflict, match="You have used all 3 attempts at this quiz."):
        attempts.start_attempt(user, module)


# ---------------------------------------------------------------- options shuffled


def test_options_are_shuffled_though_the_question_says_not(client, make_course, app):
    c = make_course([q_single(shuffle=False)], **SUMMATIVE)
    login(client, c.learner.email)
    page = open_attempt_page(client, c)
    (item,) = launch_of(page)["app"]["attempt"]["items"]
    assert sorted(item["order"]) == ["a", "b", "c"]
    assert [o["id"] for o in course_of(page)["questions"][0]["options"]] == item["order"]
    # A seed may keep the written order by chance; over a few seeds the order moves.
    snapshot = {"items": [{"question": "q-sc", "version": 1}], "shuffle_options": True}
    orders = [assemble_quiz(snapshot, [q_single(shuffle=False)], seed)[0]["order"] for seed in range(6)]
    assert all(sorted(order) == ["a", "b", "c"] for order in orders)
    assert any(order != ["a", "b", "c"] for order in orders)


def test_options_keep_the_questions_own_rule_without_the_setting(client, make_course):
    c = make_course([q_single(shuffle=False)], shuffle_options=False)
    login(client, c.learner.email)
    page = open_attempt_page(client, c)
    assert launch_of(page)["app"]["attempt"]["items"][0]["order"] is None


# ---------------------------------------------------------------- feedback texts


def test_feedback_texts_reach_the_browser_only_after_the_final_attempt(client, make_course, app):
    c = make_course([marked_single(), marked_tf()], **dict(SUMMATIVE, attempts=2))
    login(client, c.learner.email)
    record = launch_of(open_attempt_page(client, c))["app"]["attempt"]
    api = f"/learn/api/attempts/{record['id']}"
    responses = answers_by_id(record, {"q-sc": "b", "q-tf": True})
    submitted = client.post(f"{api}/submit", json={"responses": responses})
    assert submitted.status_code == 200
    body = submitted.get_data(as_text=True)
    assert texts_in(body) == set()
    marks = {item["question"]: item for item in submitted.json["items"]}
    assert (marks["q-sc"]["correct"], marks["q-sc"]["score"], marks["q-sc"]["feedback"]) == (False, 0.0, [])
    assert (marks["q-tf"]["correct"], marks["q-tf"]["score"], marks["q-tf"]["feedback"]) == (True, 1.0, [])
    assert texts_in(client.get(api).get_data(as_text=True)) == set()
    assert texts_in(open_attempt_page(client, c)) == set()
    review = client.get(f"/learn/attempts/{record['id']}").get_data(as_text=True)
    assert texts_in(review) == set()
    assert "<strong>Not correct</strong>: 0 of 1" in review and "<strong>Correct</strong>: 1 of 1" in review
    assert "The feedback on each answer appears here once you have no attempts left at this quiz." in review
    # The second and last attempt: its texts, and the first attempt's, may now be read.
    client.post(f"/learn/{c.course_slug}/{c.module_slug}/attempts")
    last = launch_of(open_attempt_page(client, c))["app"]["attempt"]
    final = client.post(f"/learn/api/attempts/{last['id']}/submit",
                        json={"responses": answers_by_id(last, {"q-sc": "a", "q-tf": False})})
    assert texts_in(final.get_data(as_text=True)) == {"OPTION-A-SAYS-YES", "GENERAL-SAYS-WHY", "FALSE-SAYS-WRONG"}
    first_review = client.get(f"/learn/attempts/{record['id']}").get_data(as_text=True)
    assert texts_in(first_review) == {"OPTION-B-SAYS-NO", "GENERAL-SAYS-WHY", "TRUE-SAYS-RIGHT"}
    assert "once you have no attempts left" not in first_review


def test_feedback_never_shown_when_the_quiz_says_never(client, make_course):
    c = make_course([marked_single()], **dict(SUMMATIVE, attempts=1, option_feedback="never"))
    login(client, c.learner.email)
    record = launch_of(open_attempt_page(client, c))["app"]["attempt"]
    final = client.post(f"/learn/api/attempts/{record['id']}/submit", json={"responses": ["b"]})
    assert final.json["items"][0]["correct"] is False and texts_in(final.get_data(as_text=True)) == set()
    review = client.get(f"/learn/attempts/{record['id']}").get_data(as_text=True)
    assert texts_in(review) == set()
    assert "This quiz shows your marks, not the feedback on each answer." in review


def test_feedback_always_shown_in_a_formative_quiz(client, make_course):
    c = make_course([marked_single()], feedback="after_submission")
    login(client, c.learner.email)
    record = launch_of(open_attempt_page(client, c))["app"]["attempt"]
    submitted = client.post(f"/learn/api/attempts/{record['id']}/submit", json={"responses": ["b"]})
    assert submitted.json["items"][0]["feedback"] == ["OPTION-B-SAYS-NO", "GENERAL-SAYS-WHY"]
    review = client.get(f"/learn/attempts/{record['id']}").get_data(as_text=True)
    assert texts_in(review) == {"OPTION-B-SAYS-NO", "GENERAL-SAYS-WHY"}


def test_checked_answers_come_back_without_texts_until_the_final_attempt(client, make_course):
    scenario = q_scenario()
    scenario["steps"][0]["question"]["options"][1]["feedback"] = "OPTION-B-SAYS-NO"
    c = make_course([marked_single(), scenario],
                    **dict(SUMMATIVE, attempts=1, feedback="immediate", shuffle=False))
    login(client, c.learner.email)
    record = launch_of(open_attempt_page(client, c))["app"]["attempt"]
    api = f"/learn/api/attempts/{record['id']}"
    checked = client.post(f"{api}/check", json={"index": 0, "response": "b"})
    assert checked.status_code == 200
    assert checked.json == {"score": 0.0, "max": 1.0, "correct": False, "feedback": [], "pending": False}
    step = client.post(f"{api}/check", json={"index": 1, "response": "b", "step": "s1"})
    assert step.json == {"score": 0.0, "max": 1.0, "correct": False, "feedback": [], "pending": False, "next": "s3"}
    again = client.post(f"{api}/check", json={"index": 0, "response": "b"})  # a retry: the same reply
    assert again.json == checked.json
    page = open_attempt_page(client, c)
    assert texts_in(page) == set()
    assert launch_of(page)["app"]["attempt"]["checked"]["0"]["correct"] is False
    final = client.post(f"{api}/submit", json={"responses": ["b", None]})
    assert texts_in(final.get_data(as_text=True)) == {"OPTION-B-SAYS-NO", "GENERAL-SAYS-WHY"}
    assert final.json["items"][1]["steps"]["s1"]["feedback"] == ["OPTION-B-SAYS-NO"]


def test_check_is_refused_when_feedback_comes_after_submission(client, make_course):
    c = make_course([marked_single()], **SUMMATIVE)
    login(client, c.learner.email)
    record = launch_of(open_attempt_page(client, c))["app"]["attempt"]
    refused = client.post(f"/learn/api/attempts/{record['id']}/check", json={"index": 0, "response": "a"})
    assert refused.status_code == 409
    assert refused.json["message"] == "This quiz gives its feedback after submission."
    assert texts_in(refused.get_data(as_text=True)) == set()


@pytest.mark.parametrize(("policy", "limit", "submitted", "shown"), [
    ("always", 3, 0, True),  # even while the attempt is open
    ("never", 1, 1, False),
    ("after_final_attempt", 0, 3, False),  # unlimited attempts: none is final
    ("after_final_attempt", 2, 1, False),  # one left
    ("after_final_attempt", 2, 2, True),
])
def test_option_feedback_shown(make_course, app, ctx, policy, limit, submitted, shown):
    c = make_course([q_single()], **dict(SUMMATIVE, attempts=limit, option_feedback=policy))
    user, module = load(User, c.learner.id), load(Module, c.module_id)
    attempt = attempts.start_attempt(user, module)
    for n in range(submitted):
        submission.submit_attempt(attempt, ["a"])
        if n < submitted - 1:
            attempt = attempts.start_attempt(user, module)
    assert attempts.option_feedback_shown(attempt) is shown


def test_the_final_attempt_is_judged_by_the_limit_now(make_course, app, ctx):
    c = make_course([q_single()], **dict(SUMMATIVE, attempts=1))
    user, module = load(User, c.learner.id), load(Module, c.module_id)
    attempt = attempts.start_attempt(user, module)
    assert attempts.option_feedback_shown(attempt) is False  # open
    submission.submit_attempt(attempt, ["a"])
    assert attempts.option_feedback_shown(attempt) is True
    module.quiz.attempts = 2  # the tutor gives an attempt back: the texts wait again
    assert attempts.option_feedback_shown(attempt) is False
    module.quiz = None  # no quiz, no attempt to come
    db.session.flush()
    assert attempts.option_feedback_shown(attempt) is True


def test_an_attempt_from_before_quiz_modes_shows_its_feedback(make_course, app, ctx):
    c = make_course([q_single()], attempts=1)
    user, module = load(User, c.learner.id), load(Module, c.module_id)
    attempt = attempts.start_attempt(user, module)
    attempt.quiz_snapshot = {k: v for k, v in attempt.quiz_snapshot.items()
                             if k not in ("mode", "option_feedback", "shuffle_options")}
    assert attempts.option_feedback_shown(attempt) is True


def test_the_snapshot_keeps_the_new_settings(make_course, app, ctx):
    c = make_course([q_single(), q_tf()], **SUMMATIVE)
    attempt = attempts.start_attempt(load(User, c.learner.id), load(Module, c.module_id))
    snap = attempt.quiz_snapshot
    assert (snap["mode"], snap["option_feedback"], snap["shuffle_options"], snap["attempts"]) == \
        ("summative", "after_final_attempt", True, 3)


def test_the_correct_answer_reaches_the_browser_only_after_the_final_attempt(client, make_course, app):
    """Issue 18: the best answer (as a response the player's controls show) comes with the texts, never before."""
    c = make_course([marked_single(), marked_tf(), q_scenario()], **dict(SUMMATIVE, attempts=2))
    login(client, c.learner.email)
    record = launch_of(open_attempt_page(client, c))["app"]["attempt"]
    api = f"/learn/api/attempts/{record['id']}"
    assert all("answer" not in item for item in record["items"])
    first = client.post(f"{api}/submit", json={"responses": answers_by_id(record, {"q-sc": "b", "q-tf": False})})
    assert all("answer" not in item for item in first.json["items"]), first.json["items"]
    assert all("answer" not in item for item in client.get(api).json["result"]["items"])
    assert "Correct answer:" not in client.get(f"/learn/attempts/{record['id']}").get_data(as_text=True)
    client.post(f"/learn/{c.course_slug}/{c.module_slug}/attempts")
    last = launch_of(open_attempt_page(client, c))["app"]["attempt"]
    assert all("answer" not in item for item in last["items"])
    scenario = {"path": ["s1", "s2"], "answers": {"s1": "a", "s2": False}}
    final = client.post(f"/learn/api/attempts/{last['id']}/submit",
                        json={"responses": answers_by_id(last, {"q-sc": "b", "q-tf": False, "q-scen": scenario})})
    keys = {item["question"]: item.get("answer") for item in final.json["items"]}
    assert keys == {"q-sc": "a", "q-tf": True, "q-scen": None}  # a scenario's keys are its steps'
    steps = next(item["steps"] for item in final.json["items"] if item["question"] == "q-scen")
    assert (steps["s1"]["answer"], steps["s2"]["answer"]) == ("a", True)
    # The first attempt's result now carries them too (the launch of a closed attempt reads it).
    assert {i["question"]: i.get("answer") for i in client.get(api).json["result"]["items"]}["q-sc"] == "a"
    # The app's review page names the correct answer in words, per question and per scenario step.
    review = client.get(f"/learn/attempts/{last['id']}").get_data(as_text=True)
    corrects = re.findall(r'<p class="cc-answer cc-correct">Correct answer: ([^<]*)</p>', review)
    # (the questions' order is the attempt's shuffle; the scenario's path was s1 then s2)
    assert sorted(corrects) == sorted(["Mr Okafor", "True", "Ask Mrs Patel what she wants", "True"])
