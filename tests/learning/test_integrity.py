"""Quiz integrity in the app: the learner's page carries no answer key, the player plays the items the
server stored for the attempt whatever happens to the bank, the server marks each answer as it is
checked (a checked answer is final), saved answers must fit their question, and concurrent saves
are never lost."""

from __future__ import annotations

import json
import threading

from sqlalchemy import select

from course.bank.models import QuestionVersion
from course.extensions import db
from course.learning.models import Attempt
from tests.helpers import login
from tests.learning.conftest import K1, q_essay, q_scenario, q_single, q_tf
from tests.learning.test_views import course_of, launch_of, open_module

KEY_FIELDS = {"correct", "answer", "match", "answers", "feedback", "feedback_true", "feedback_false",
              "general_feedback", "branches", "next", "marker_guidance"}


def every_type() -> list[dict]:
    """One question of each type, with feedback everywhere there can be some."""
    return [
        q_single(),
        {"id": "q-mr", "version": 1, "type": "multiple_response", "title": "Rights", "stem": "Which are rights?",
         "criteria": [K1], "general_feedback": "Rights belong to everyone.",
         "options": [{"id": "a", "text": "Privacy", "correct": True, "feedback": "Yes."},
                     {"id": "b", "text": "A pay rise", "correct": False, "feedback": "No."},
                     {"id": "c", "text": "Dignity", "correct": True, "feedback": "Yes."}]},
        q_tf(),
        {"id": "q-match", "version": 1, "type": "matching", "title": "Roles", "stem": "Match each role.",
         "criteria": [K1], "premises": [{"id": "p1", "text": "Advocate", "match": "r1"},
                                        {"id": "p2", "text": "Care worker", "match": "r2"}],
         "responses": [{"id": "r1", "text": "Speaks up"}, {"id": "r2", "text": "Gives care"}]},
        {"id": "q-order", "version": 1, "type": "ordering", "title": "Hands", "stem": "Put the steps in order.",
         "criteria": [K1], "items": [{"id": "i1", "text": "Wet hands"}, {"id": "i2", "text": "Apply soap"},
                                     {"id": "i3", "text": "Rinse"}, {"id": "i4", "text": "Dry"}]},
        {"id": "q-gaps", "version": 1, "type": "short_answer", "title": "Gaps", "stem": "Wash for {{g1}} seconds with {{g2}}.",
         "criteria": [K1], "gaps": [{"id": "g1", "answers": [{"text": "20", "feedback": "Twenty."}]},
                                    {"id": "g2", "answers": [{"text": "soap"}], "options": ["water", "soap", "gel"]}]},
        {"id": "q-num", "version": 1, "type": "numeric", "title": "Temperature", "stem": "Normal temperature?",
         "criteria": [K1], "unit": "°C", "answers": [{"value": 37, "tolerance": 0.5, "feedback": "Right."}]},
        q_essay(),
        q_scenario(),
    ]


def walk(value, path="$"):
    """Every (path, key) in a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k
            yield from walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from walk(v, f"{path}[{n}]")


def test_the_learners_page_carries_no_answer_key_or_feedback(client, make_course, app):
    c = make_course(every_type(), pass_mark=0.5, feedback="immediate", shuffle=False)
    login(client, c.learner.email)
    page = open_module(client, c)
    course = course_of(page)
    leaked = [f"{path}.{key}" for path, key in walk(course["questions"]) if key in KEY_FIELDS]
    assert leaked == []
    for text in ("Yes.", "Twenty.", "Rights belong to everyone.", "Right.", "Look for the person's voice."):
        assert text not in page, f"feedback or guidance {text!r} is in the page"
    shown = {q["id"]: q for q in course["questions"]}
    attempt = launch_of(page)["app"]["attempt"]
    order = next(i["order"] for i in attempt["items"] if i["question"] == "q-order")
    assert [i["id"] for i in shown["q-order"]["items"]] == order, "ordering items in the order shown, not the key's"
    assert shown["q-gaps"]["gaps"] == [{"id": "g1"}, {"id": "g2", "options": ["gel", "soap", "water"]}]
    assert [s["id"] for s in shown["q-scen"]["steps"]] == ["s1", "s2", "s3"] and "branches" not in json.dumps(shown["q-scen"])


def test_immediate_feedback_comes_from_the_server_and_a_checked_answer_is_final(client, make_course):
    c = make_course([q_single(), q_scenario()], pass_mark=0.5, feedback="immediate")
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    r = client.post(f"{api}/check", json={"index": 0, "response": "b"})
    assert (r.status_code, r.json) == (200, {"score": 0.0, "max": 1.0, "correct": False, "feedback": ["No."], "pending": False})
    assert client.post(f"{api}/check", json={"index": 0, "response": "b"}).json == r.json, "a retried check: same reply"
    r = client.post(f"{api}/check", json={"index": 0, "response": "a"})
    assert (r.status_code, r.json["message"]) == (409, "Item 1 was checked: a checked answer is final.")
    r = client.post(f"{api}/answers", json={"index": 0, "response": "a"})
    assert (r.status_code, r.json["message"]) == (409, "Item 1 was checked: a checked answer is final.")
    # a scenario: each step marked as it is taken, the server saying where the case goes
    r = client.post(f"{api}/check", json={"index": 1, "response": "b", "step": "s1"})
    assert r.json == {"score": 0.0, "max": 1.0, "correct": False, "feedback": [], "pending": False, "next": "s3"}
    r = client.post(f"{api}/check", json={"index": 1, "response": True, "step": "s2"})
    assert (r.status_code, r.json["message"]) == (409, "Item 2: the scenario is on step s3, not s2.")
    r = client.post(f"{api}/check", json={"index": 1, "response": "a", "step": "s3"})
    assert r.json["next"] is None and r.json["correct"] is True
    page = open_module(client, c)  # a reload shows the marks the server gave
    attempt = launch_of(page)["app"]["attempt"]
    assert attempt["checked"]["0"]["feedback"] == ["No."]
    assert attempt["checked"]["1"]["next"] is None and set(attempt["checked"]["1"]["steps"]) == {"s1", "s3"}
    # submitting cannot change a checked answer either
    r = client.post(f"{api}/submit", json={"responses": ["a", {"path": ["s1", "s2"], "answers": {"s1": "a", "s2": True}}]})
    assert (r.json["score"], r.json["max"]) == (1.0, 3.0)


def test_after_submission_quizzes_tell_the_page_where_a_case_goes_never_its_marks(client, make_course):
    c = make_course([q_single(), q_scenario()], pass_mark=0.5, feedback="after_submission")
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    r = client.post(f"{api}/check", json={"index": 0, "response": "a"})
    assert (r.status_code, r.json["message"]) == (409, "This quiz gives its feedback after submission.")
    assert client.post(f"{api}/check", json={"index": 1, "response": "a", "step": "s1"}).json == {"next": "s2"}
    attempt = launch_of(open_module(client, c))["app"]["attempt"]
    assert attempt["checked"] == {"1": {"steps": {"s1": {}}, "next": "s2"}}


def test_autosave_refuses_an_answer_that_cannot_fit_its_question(client, make_course, app):
    c = make_course([q_single(), q_tf(), q_scenario()], pass_mark=0.5)
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    cases = [
        (0, {"x": 1}, "item 1: expected an option id (a string)"),
        (0, "z", "item 1: unknown option 'z'"),
        (1, "yes", "item 2: expected true or false"),
        (2, {"path": ["s2"], "answers": {}}, "item 3: path: these steps do not follow from the answers given"),
        (2, {"path": [], "answers": {"s1": "q"}}, "item 3: step 's1': unknown option 'q'"),
    ]
    for index, response, message in cases:
        r = client.post(f"{api}/answers", json={"index": index, "response": response})
        assert (r.status_code, r.json["message"]) == (422, message)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.responses == {} and attempt.revision == 1, "nothing stored"


def test_a_malformed_saved_answer_never_stops_a_timed_attempt_being_submitted(client, make_course, app):
    c = make_course([q_single(), q_tf()], pass_mark=0.5, time_limit_minutes=5)
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    client.post(f"{api}/answers", json={"index": 1, "response": True})
    with app.app_context():  # saved before answers were checked on saving
        attempt = db.session.scalar(select(Attempt))
        attempt.responses = {**attempt.responses, "0": {"broken": True}}
        db.session.commit()
    r = client.post(f"{api}/submit", json={"responses": [None, None]})
    assert (r.status_code, r.json["status"], r.json["score"], r.json["max"]) == (200, "finished", 1.0, 2.0)


def draw_course(make_course):
    """A quiz that draws 1 question tagged "pool" from three."""
    pool = [dict(q_single(f"q-pool-{n}"), tags=["pool"]) for n in (1, 2, 3)]
    return make_course(pool, items=[{"draw": {"count": 1, "tag": "pool"}}], pass_mark=0.5)


def test_the_player_plays_the_stored_items_when_the_bank_changes_meanwhile(client, make_course, app):
    """Deleting or re-tagging an unused draw candidate while the attempt is open changes nothing the
    learner sees or the server marks (the player used to re-draw from the bank on every load)."""
    c = draw_course(make_course)
    login(client, c.learner.email)
    launch = launch_of(open_module(client, c))
    items = launch["app"]["attempt"]["items"]
    drawn = items[0]["question"]
    unused = sorted({"q-pool-1", "q-pool-2", "q-pool-3"} - {drawn})
    with app.app_context():  # a tutor deletes one unused candidate and re-tags the other
        from course.bank.service import save_questions
        from course.questions.service import remove_question

        assert remove_question(c.org_id, unused[0]) == "deleted"
        row = db.session.scalar(select(QuestionVersion).where(QuestionVersion.question_id == unused[1]))
        save_questions([dict(row.data, tags=["other"])], organisation=c.org_id, user=None)
        db.session.commit()
    page = open_module(client, c)
    again = launch_of(page)["app"]["attempt"]
    assert again["items"] == items
    assert [q["id"] for q in course_of(page)["questions"]] == [drawn]
    api = launch["app"]["api"]
    assert client.post(f"{api}/answers", json={"index": 0, "response": "a", "question": drawn, "version": 1}).status_code == 200
    r = client.post(f"{api}/submit", json={"responses": ["a"]})
    assert (r.json["score"], r.json["max"], r.json["passed"]) == (1.0, 1.0, True)


def test_four_concurrent_writers_lose_no_save(app, make_course):
    """Four windows saving answers to one attempt at once (each its own request, on its own thread
    and database connection): every save is stored, none refused (20% were, before)."""
    c = make_course([q_single(f"q{n}") for n in range(8)], pass_mark=0.5)
    first = app.test_client()
    login(first, c.learner.email)
    api = launch_of(open_module(first, c))["app"]["api"]
    results: list[int] = []
    start = threading.Barrier(4)

    def writer(items: list[int]) -> None:
        client = app.test_client()
        login(client, c.learner.email)
        start.wait()
        for round_ in range(10):
            for index in items:
                answer = "a" if round_ % 2 else "b"
                results.append(client.post(f"{api}/answers", json={"index": index, "response": answer}).status_code)

    threads = [threading.Thread(target=writer, args=([n, n + 4],)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 80
    refused = [s for s in results if s != 200]
    assert refused == [], f"{len(refused)} of 80 saves refused: {sorted(set(refused))}"
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.responses == {str(n): "a" for n in range(8)}


def test_removing_a_quiz_submits_and_marks_the_attempts_still_open(client, make_course, app, create_user, login):
    """Nobody is left with an attempt no one can finish: removing a quiz submits each open attempt
    with its saved answers, marks it, and tells the learner (before, it was stranded)."""
    c = make_course([q_single(), q_tf()], pass_mark=0.5)
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    client.post(f"{api}/answers", json={"index": 0, "response": "a"})
    client.post("/logout")
    login(client, c.tutor.email)
    course = client.get(f"/courses/{c.course_slug}/modules/{c.module_slug}/quiz").get_data(as_text=True)
    assert ("1 learner has this quiz in progress. Removing it submits the attempt with the answers saved so far, "
            "marked, with a note to the learner.") in course
    r = client.post(f"/courses/{c.course_slug}/modules/{c.module_slug}/quiz/delete", follow_redirects=True)
    assert ("Quiz removed. 1 attempt in progress was submitted with the answers saved and marked; the learners see "
            "the result and a note under My learning.") in r.get_data(as_text=True)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert (attempt.status, attempt.score, attempt.max_score, attempt.quiz_id) == ("finished", 1.0, 2.0, None)
    client.post("/logout")
    login(client, c.learner.email)
    note = "Your tutor removed this quiz while your attempt was open: the answers you had saved were submitted and marked."
    assert note in client.get("/learn/").get_data(as_text=True)
    assert note in client.get(f"/learn/attempts/{attempt.id}").get_data(as_text=True)
