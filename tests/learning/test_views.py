"""Learner and tutor routes: who may see what, and the player's JSON API end to end."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from course.extensions import db
from course.learning.models import AnswerMark, Attempt, OfflineLearning, TimeOnTask
from tests.helpers import login
from tests.learning.conftest import q_essay, q_scenario, q_single, q_tf


def launch_of(page: str) -> dict:
    return json.loads(re.search(r"window\.CC_LAUNCH = (\{.*?\});</script>", page).group(1))


def course_of(page: str) -> dict:
    return json.loads(re.search(r"window\.CC_COURSE = (\{.*?\});</script>", page).group(1))


def open_module(client, c):
    response = client.get(f"/learn/{c.course_slug}/{c.module_slug}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- who may see what


def test_anonymous_is_sent_to_sign_in_and_api_gets_401(client, make_course):
    c = make_course()
    response = client.get(f"/learn/{c.course_slug}/{c.module_slug}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    response = client.post("/learn/api/attempts/1/answers", json={"index": 0, "response": "a"})
    assert response.status_code == 401 and response.json["error"] == "unauthorized"


def test_learner_not_enrolled_gets_404(client, make_course, create_user):
    c = make_course()
    outsider = create_user("learner", "Provider 1")  # same organisation, not enrolled
    login(client, outsider.email)
    assert client.get(f"/learn/{c.course_slug}/{c.module_slug}").status_code == 404
    assert client.post(f"/learn/api/progress/{c.module_id}/heartbeat", json={"active_seconds": 5}).status_code == 404


def test_learner_cannot_touch_another_learners_attempt(client, make_course, app):
    c = make_course()
    login(client, c.learner.email)
    attempt_id = launch_of(open_module(client, c))["app"]["attempt"]["id"]
    other = make_course()
    client.post("/logout")
    login(client, other.learner.email)
    for path in ("answers", "state", "heartbeat", "submit"):
        response = client.post(f"/learn/api/attempts/{attempt_id}/{path}", json={"index": 0, "response": "a",
                                                                                  "active_seconds": 1, "responses": []})
        assert response.status_code == 404, path
    assert client.get(f"/learn/api/attempts/{attempt_id}").status_code == 404


def test_tutor_of_another_organisation_gets_404(client, make_course, create_user):
    c = make_course()
    other_tutor = create_user("tutor", "Somewhere Else")
    login(client, other_tutor.email)
    for url in (f"/learn/tutor/courses/{c.course_id}/learners", f"/learn/tutor/courses/{c.course_id}/offline"):
        assert client.get(url).status_code == 404
    assert client.post(f"/learn/tutor/courses/{c.course_id}/learners",
                       data={"one-name": "X", "one-email": "x@example.org"}).status_code == 404


def test_tutors_cannot_use_the_learner_api_and_learners_cannot_use_tutor_pages(client, make_course):
    c = make_course()
    login(client, c.tutor.email)
    assert client.get("/learn/").status_code == 403
    client.post("/logout")
    login(client, c.learner.email)
    assert client.get("/learn/tutor/marking").status_code == 403
    assert client.get(f"/learn/tutor/courses/{c.course_id}/learners").status_code == 403


# ---------------------------------------------------------------- the player page and API


def test_module_page_launches_the_player_with_the_attempt(client, make_course, app):
    c = make_course([q_single(), q_tf(), q_scenario()])
    login(client, c.learner.email)
    page = open_module(client, c)
    launch, doc = launch_of(page), course_of(page)
    attempt = launch["app"]["attempt"]
    assert launch["adapter"] == "app" and launch["module"] == c.module_slug
    assert launch["app"]["api"] == f"/learn/api/attempts/{attempt['id']}"
    assert launch["app"]["exit_url"] == "/learn/"
    assert attempt["state"] is None and attempt["responses"] == [None, None, None]
    assert [m["slug"] for m in doc["modules"]] == [c.module_slug]
    assert doc["modules"][0]["pages"][0]["html"] == "<p>People choose for <strong>themselves</strong>.</p>\n"
    assert sorted(q["id"] for q in doc["questions"]) == ["q-sc", "q-scen", "q-tf"]
    assert "bank" not in doc["modules"][0]["quiz"]
    assert '<script src="/learn/player/player.js?v=' in page and 'src="launch.js"' not in page
    with app.app_context():
        seed = db.session.get(Attempt, attempt["id"]).seed
    assert attempt["seed"] == seed
    # Opening again resumes the same attempt.
    assert launch_of(open_module(client, c))["app"]["attempt"]["id"] == attempt["id"]
    # The player's files, minified as packages carry them.
    from course.learning.player import PLAYER_DIR
    from scorm_export.slim import minify_player_file

    for name, kind in (("player.js", "text/javascript"), ("player.css", "text/css")):
        served = client.get(f"/learn/player/{name}")
        assert (served.status_code, served.mimetype) == (200, kind)
        source = (PLAYER_DIR / name).read_bytes()
        assert served.data == minify_player_file(name, source) and len(served.data) < 0.9 * len(source)
    assert client.get("/learn/player/README.md").status_code == 404


def test_script_data_cannot_close_the_script_element(client, make_course, app):
    q = q_single()
    q["options"][1]["text"] = "</script><script>alert(1)</script>"
    c = make_course([q])
    login(client, c.learner.email)
    page = open_module(client, c)
    assert "<script>alert(1)" not in page
    shown = {o["id"]: o["text"] for o in course_of(page)["questions"][0]["options"]}  # in the attempt's order
    assert shown["b"] == "</script><script>alert(1)</script>"


def test_answers_state_heartbeat_submit_and_resume(client, make_course, app):
    c = make_course([q_single(), q_tf(), q_scenario()], pass_mark=0.5, attempts=2)
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    r = client.post(f"{api}/answers", json={"index": 0, "response": "a", "question": "q-sc", "version": 1})
    assert r.status_code == 200 and r.json["saved"] is True
    # a scenario's step is taken through the server, which keeps the branches: b leads to s3
    r = client.post(f"{api}/check", json={"index": 2, "response": "b", "step": "s1"})
    assert (r.status_code, r.json) == (200, {"next": "s3"}), "feedback after submission: where it goes, not how it scored"
    r = client.post(f"{api}/answers", json={"index": 2, "response": {"path": ["s1"], "answers": {"s1": "b"}},
                                            "path": ["s1"], "question": "q-scen", "version": 1})
    assert r.status_code == 200
    assert client.post(f"{api}/state", json={"state": {"v": 1, "c": 0, "m": {"0": {"w": "q"}}}, "location": "0:q2"}).status_code == 200
    # A reload: the page carries the same attempt with the state and every answer.
    attempt = launch_of(open_module(client, c))["app"]["attempt"]
    assert attempt["state"] == {"v": 1, "c": 0, "m": {"0": {"w": "q"}}} and attempt["location"] == "0:q2"
    assert attempt["responses"] == ["a", None, {"path": ["s1"], "answers": {"s1": "b"}}]
    r = client.post(f"{api}/heartbeat", json={"active_seconds": 3})
    assert r.status_code == 200 and r.json["credited"] <= 3
    r = client.post(f"{api}/submit", json={"responses": [None, True, {"path": ["s1", "s3"], "answers": {"s1": "b", "s3": "a"}}]})
    assert r.status_code == 200
    result = r.json
    assert (result["status"], result["score"], result["max"], result["fraction"], result["passed"]) == ("finished", 3.0, 4.0, 0.75, True)
    # Per criterion: the quiz rule in this attempt (not "Met": the criterion's state is the status
    # function's); this quiz is formative, so its results are practice and the criteria not started.
    practice = "A practice (formative) quiz: its results do not count as evidence."
    assert result["criteria"] == [
        {"ref": "TESTFW/K1", "score": 2.0, "max": 3.0, "fraction": 0.666667, "met": True,
         "attempt_result": "Quiz rule met in this attempt", "note": practice, "state": "not_started",
         "label": "Not started", "reasons": ["No summative quiz result or workplace evidence yet."]},
        {"ref": "TESTFW/K2", "score": 1.0, "max": 1.0, "fraction": 1.0, "met": True,
         "attempt_result": "Quiz rule met in this attempt", "note": practice, "state": "not_started",
         "label": "Not started", "reasons": ["No summative quiz result or workplace evidence yet."]},
    ]
    assert client.post(f"{api}/submit", json={"responses": ["b", False, None]}).json == result  # idempotent
    r = client.post(f"{api}/answers", json={"index": 0, "response": "b"})
    assert r.status_code == 409 and r.json["error"] == "conflict" and r.json["result"]["score"] == 3.0
    assert client.post(f"{api}/answers", json={"index": 0, "response": "b"}).json["attempt"]["status"] == "finished"
    # The review page shows the server's mark and the criteria.
    attempt_id = int(api.rsplit("/", 1)[1])
    page = client.get(f"/learn/attempts/{attempt_id}").get_data(as_text=True)
    assert "3 of 4 (75%)" in page and "TESTFW/K1" in page and "know the first thing" in page
    assert "Quiz rule met in this attempt" in page and ">Met<" not in page and "Not started" in page
    assert "Your answer: Mr Okafor" in page
    assert ('<dl class="case"><dt>Person</dt><dd><p>Mrs Patel, 81</p>\n</dd><dt>Setting</dt><dd><p>Her home</p>\n'
            '</dd><dt>Situation</dt><dd><p>Her son wants her to move.</p>\n</dd></dl>') in page
    # Reopening shows the finished attempt; a new attempt is started from the dashboard form.
    assert launch_of(open_module(client, c))["app"]["attempt"]["id"] == attempt_id
    dashboard = client.get("/learn/").get_data(as_text=True)
    assert "New attempt" in dashboard and "1 of 2" in dashboard and "75%" in dashboard
    r = client.post(f"/learn/{c.course_slug}/{c.module_slug}/attempts")
    assert r.status_code == 302
    assert launch_of(open_module(client, c))["app"]["attempt"]["number"] == 2


def test_api_errors_are_json(client, make_course):
    c = make_course()
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    r = client.post(f"{api}/answers", data="not json", content_type="text/plain")
    assert r.status_code == 400 and r.is_json
    r = client.post(f"{api}/answers", json={"index": 9, "response": "a"})
    assert r.status_code == 422 and r.json["error"] == "validation" and "from 0 to 1" in r.json["message"]
    r = client.post(f"{api}/submit", json={"responses": ["zz", True]})
    assert r.status_code == 422 and r.json["message"] == "item 1: unknown option 'zz'" and r.json["index"] == 0
    r = client.post(f"{api}/heartbeat", json={"active_seconds": "lots"})
    assert r.status_code == 422


def test_json_api_needs_the_csrf_header(csrf_app, make_course):
    client = csrf_app.test_client()
    c = make_course()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(r'name="csrf-token" content="([^"]+)"', page)
    client.post("/login", data={"email": c.learner.email, "password": "correct horse battery staple",
                                "csrf_token": token.group(1)})
    page = client.get(f"/learn/{c.course_slug}/{c.module_slug}").get_data(as_text=True)
    launch = launch_of(page)
    api, csrf = launch["app"]["api"], launch["app"]["csrf"]
    assert client.post(f"{api}/answers", json={"index": 0, "response": "a"}).status_code == 400
    r = client.post(f"{api}/answers", json={"index": 0, "response": "a"}, headers={"X-CSRFToken": csrf})
    assert r.status_code == 200


def test_module_without_quiz_uses_the_progress_api(client, make_course, app):
    c = make_course(quiz=False)
    login(client, c.learner.email)
    launch = launch_of(open_module(client, c))
    api = launch["app"]["api"]
    assert api == f"/learn/api/progress/{c.module_id}"
    assert client.post(f"{api}/state", json={"state": {"v": 1}, "location": "0:p1"}).status_code == 200
    assert client.post(f"{api}/heartbeat", json={"active_seconds": 2}).status_code == 200
    assert launch_of(open_module(client, c))["app"]["attempt"]["state"] == {"v": 1}
    assert "2 of 2 seen" in client.get("/learn/").get_data(as_text=True)


def test_essay_marking_by_a_tutor(client, make_course, app):
    c = make_course([q_tf(), q_essay()], pass_mark=0.5)
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    assert client.post(f"{api}/submit", json={"responses": [True, "She chose her own meals."]}).json["status"] == "pending_marking"
    client.post("/logout")
    other = make_course()
    login(client, other.tutor.email)
    assert "No essays are waiting" in client.get("/learn/tutor/marking").get_data(as_text=True)
    with app.app_context():
        item_id = db.session.scalar(select(AnswerMark.id).where(AnswerMark.pending.is_(True)))
    assert client.get(f"/learn/tutor/marking/{item_id}?part=").status_code == 404
    client.post("/logout")
    login(client, c.tutor.email)
    queue = client.get("/learn/tutor/marking").get_data(as_text=True)
    assert f"/learn/tutor/marking/{item_id}?part=" in queue
    page = client.get(f"/learn/tutor/marking/{item_id}?part=").get_data(as_text=True)
    assert "She chose her own meals." in page and "Look for the person" in page
    r = client.post(f"/learn/tutor/marking/{item_id}", data={"part": "", "score": "5", "comment": ""})
    assert r.status_code == 422 and "from 0 to 2" in r.get_data(as_text=True)
    r = client.post(f"/learn/tutor/marking/{item_id}", data={"part": "", "score": "1.5", "comment": "Good."})
    assert r.status_code == 302
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert (attempt.status, attempt.score, attempt.max_score, attempt.passed) == ("finished", 2.5, 3.0, True)


def test_offline_learning_form(client, make_course, app):
    c = make_course()
    login(client, c.tutor.email)
    url = f"/learn/tutor/courses/{c.course_id}/offline"
    assert client.get(url).status_code == 200
    r = client.post(url, data={"learner": str(c.learner.id), "kind": "guided_session", "date": "2026-11-02",
                               "minutes": "90", "activity": "Workshop on consent",
                               "outcomes": "TESTFW/K.1, TESTFW/K1"}, follow_redirects=True)
    assert "90 minutes of guided session (tutor-led) recorded for" in r.get_data(as_text=True)
    r = client.post(url, data={"learner": str(c.learner.id), "kind": "guided_session", "date": "2026-11-02",
                               "minutes": "0", "activity": "x"})
    assert r.status_code == 422
    # Without a kind nothing is saved, and the error names the field.
    r = client.post(url, data={"learner": str(c.learner.id), "date": "2026-11-02", "minutes": "30", "activity": "x"})
    assert r.status_code == 422 and "Choose the kind of time" in r.get_data(as_text=True)
    r = client.post(url, data={"learner": str(c.learner.id), "kind": "lecture", "date": "2026-11-02", "minutes": "30",
                               "activity": "x"})
    assert r.status_code == 422 and "Not a valid choice" in r.get_data(as_text=True)
    r = client.post(url, data={"learner": str(c.learner.id), "kind": "off_the_job", "date": "2026-11-03",
                               "minutes": "45", "activity": "Shadowing on another unit"}, follow_redirects=True)
    assert "45 minutes of off-the-job training recorded for" in r.get_data(as_text=True)
    with app.app_context():
        assert sorted(db.session.execute(select(OfflineLearning.kind, OfflineLearning.minutes)).all()) == [
            ("guided_session", 90), ("off_the_job", 45)]
    client.post("/logout")
    login(client, c.learner.email)
    page = " ".join(client.get("/learn/").get_data(as_text=True).split())
    # Guided time counts against GLH; off-the-job and online study only toward TQT (none given here).
    assert "Guided learning with a tutor or assessor</dt><dd>1.5 hours of the 10 guided learning hours (GLH)" in page
    assert "Off-the-job training</dt><dd>45 minutes</dd>" in page
    assert "All your study</dt><dd>2.2 hours (this course gives no total qualification time)</dd>" in page
    assert "Online study counts toward total qualification time (TQT)" in page


def test_heartbeat_through_the_api_is_capped_by_wall_clock(client, make_course, app):
    c = make_course()
    login(client, c.learner.email)
    api = launch_of(open_module(client, c))["app"]["api"]
    total = sum(client.post(f"{api}/heartbeat", json={"active_seconds": 30}).json["credited"] for _ in range(5))
    assert total <= 2  # five beats within a second or two of opening the page
    with app.app_context():
        assert db.session.scalar(select(TimeOnTask.seconds)) == total
