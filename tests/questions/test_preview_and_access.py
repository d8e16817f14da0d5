"""Preview: the learner's view of a question, trying answers, exact marks and feedback; and who
may reach each question page."""
from __future__ import annotations

import re

import pytest

from tests.questions.conftest import sc_question


def result(html: str) -> tuple[str, list[str]]:
    """The first mark line ("Score 0.5 out of 1 (not fully correct)") and the feedback items."""
    section = html.split('<section class="result"', 1)[1].split("</section>", 1)[0]
    mark = re.sub(r"<[^>]+>|\s+", " ", re.search(r'<p class="mark">(.*?)</p>', section, re.S).group(1))
    feedback = re.findall(r"<li>(.*?)</li>", section)
    return " ".join(mark.split()), feedback


def test_preview_shows_the_question_as_a_learner_sees_it(client, tutor, put_question):
    put_question(tutor.organisation_id, sc_question("q1", stem="Which **builds** trust?"))
    html = client.get("/questions/q1/preview").get_data(as_text=True)
    assert "<p>Which <strong>builds</strong> trust?</p>" in html
    assert '<input type="radio" name="r" value="a" id="r-a">' in html
    assert '<label for="r-a" class="inline-label">Listening</label>' in html
    assert "Yes." not in html  # no feedback before an answer


def test_single_choice_try(client, tutor, put_question):
    put_question(tutor.organisation_id, sc_question("q1", general_feedback="Trust grows slowly."))
    html = client.post("/questions/q1/preview", data={"r": "b"}).get_data(as_text=True)
    assert result(html) == ("Score 0 out of 1 (not fully correct)", ["No.", "Trust grows slowly."])
    assert 'value="b" id="r-b" checked' in html  # the answer tried stays chosen


def test_multiple_response_partial_credit(client, tutor, put_question):
    put_question(tutor.organisation_id, {
        "id": "mr", "version": 1, "type": "multiple_response", "title": "MR", "stem": "Pick", "points": 2,
        "criteria": ["TESTFW/K1"],
        "options": [{"id": "a", "text": "A", "correct": True, "feedback": "A right"},
                    {"id": "b", "text": "B", "correct": True},
                    {"id": "c", "text": "C", "correct": False, "feedback": "C wrong"}]})
    html = client.post("/questions/mr/preview", data={"r": ["c", "a"]}).get_data(as_text=True)
    # a earns 1/2, c costs 1/1: floor 0.
    assert result(html) == ("Score 0 out of 2 (not fully correct)", ["A right", "C wrong"])
    html = client.post("/questions/mr/preview", data={"r": ["a"]}).get_data(as_text=True)
    assert result(html) == ("Score 1 out of 2 (not fully correct)", ["A right"])


def test_short_answer_gaps_are_inputs_in_the_stem(client, tutor, put_question):
    put_question(tutor.organisation_id, {
        "id": "sa", "version": 1, "type": "short_answer", "title": "Gaps", "stem": "Trust takes {{g1}} and {{g2}}.",
        "criteria": ["TESTFW/K1"],
        "gaps": [{"id": "g1", "answers": [{"text": "time"}, {"text": "tim*", "credit": 0.5, "feedback": "Spelling?"}],
                  "wildcard": True},
                 {"id": "g2", "answers": [{"text": "honesty"}], "options": ["honesty", "money"]}]})
    html = client.get("/questions/sa/preview").get_data(as_text=True)
    assert '<input type="text" class="gap" name="r-g1" value="" aria-label="Gap 1">' in html
    assert '<select name="r-g2" aria-label="Gap 2">' in html
    html = client.post("/questions/sa/preview", data={"r-g1": "Timme", "r-g2": "honesty"}).get_data(as_text=True)
    assert result(html) == ("Score 0.75 out of 1 (not fully correct)", ["Spelling?"])


def test_ordering_error_is_shown_not_marked(client, tutor, put_question):
    put_question(tutor.organisation_id, {
        "id": "ord", "version": 1, "type": "ordering", "title": "Order", "stem": "Order them",
        "criteria": ["TESTFW/K1"], "items": [{"id": "i1", "text": "One"}, {"id": "i2", "text": "Two"}]})
    response = client.post("/questions/ord/preview", data={"r-0": "i1", "r-1": "i1"})
    assert response.status_code == 422
    assert "duplicate item &#39;i1&#39;" in response.get_data(as_text=True)
    html = client.post("/questions/ord/preview", data={"r-0": "i1", "r-1": "i2"}).get_data(as_text=True)
    assert result(html) == ("Score 1 out of 1 (correct)", [])


def test_essay_is_pending(client, tutor, put_question):
    put_question(tutor.organisation_id, {
        "id": "es", "version": 1, "type": "essay", "title": "Essay", "stem": "Explain.", "criteria": ["TESTFW/K1"],
        "general_feedback": "A tutor will mark this."})
    html = client.post("/questions/es/preview", data={"r": "Because it matters."}).get_data(as_text=True)
    assert result(html) == ("Score 0 out of 1 (waiting for a tutor to mark)", ["A tutor will mark this."])


def scenario() -> dict:
    return {
        "id": "okafor", "version": 1, "type": "scenario", "title": "Mr Okafor", "stem": "Read the case.",
        "points": 2, "criteria": ["TESTFW/K1"],
        "case": {"person": "Mr **Okafor**, 78", "setting": "His home", "situation": "He is lonely."},
        "steps": [
            {"id": "s1", "question": {"id": "c1", "type": "single_choice", "stem": "What first?",
                                      "options": [{"id": "a", "text": "Ask him", "correct": True, "feedback": "Good start."},
                                                  {"id": "b", "text": "Tell him", "correct": False, "feedback": "Ask first."}]},
             "branches": {"a": "s3", "b": "s2"}},
            {"id": "s2", "question": {"id": "c2", "type": "true_false", "stem": "Telling is fine.", "answer": False,
                                      "feedback_false": "Right."}, "next": "end"},
            {"id": "s3", "question": {"id": "c3", "type": "true_false", "stem": "Asking respects him.",
                                      "answer": True, "points": 3}},
        ],
    }


def test_scenario_steps_in_order_and_the_path_follows_the_branches(client, tutor, put_question):
    put_question(tutor.organisation_id, scenario())
    html = client.get("/questions/okafor/preview").get_data(as_text=True)
    assert "<p>Mr <strong>Okafor</strong>, 78</p>" in html
    assert html.index("What first?") < html.index("Telling is fine.") < html.index("Asking respects him.")
    # b leads to s2 then the end: s3's answer is not on the path and does not count.
    html = client.post("/questions/okafor/preview",
                       data={"r-s1": "b", "r-s2": "false", "r-s3": "true"}).get_data(as_text=True)
    # (0 + 1) of (1 + 1) child points, scaled to 2 points.
    assert result(html) == ("Score 1 out of 2 (not fully correct)", ["Ask first.", "Right."])
    assert html.count("Not on the path of these answers.") == 1
    # a leads to s3 (3 points): 1 + 3 of 4.
    html = client.post("/questions/okafor/preview", data={"r-s1": "a", "r-s3": "true"}).get_data(as_text=True)
    assert result(html) == ("Score 2 out of 2 (correct)", ["Good start."])


def test_preview_of_an_earlier_version(client, tutor, put_question):
    put_question(tutor.organisation_id, sc_question("q1"), in_use=True)
    put_question(tutor.organisation_id, sc_question("q1", stem="Newer stem"))
    assert "Newer stem" in client.get("/questions/q1/preview").get_data(as_text=True)
    html = client.get("/questions/q1/preview?version=1").get_data(as_text=True)
    assert "Which builds trust?" in html and "(version 1)" in html
    assert client.get("/questions/q1/preview?version=9").status_code == 404


# --------------------------------------------------------------------------- who may reach what

PAGES = [
    ("GET", "/questions/"),
    ("GET", "/questions/new?type=single_choice"),
    ("POST", "/questions/new?type=single_choice"),
    ("GET", "/questions/q1"),
    ("GET", "/questions/q1/edit"),
    ("POST", "/questions/q1/edit"),
    ("GET", "/questions/q1/preview"),
    ("POST", "/questions/q1/preview"),
]


@pytest.fixture
def bank_of_org_a(app, create_framework, create_org, put_question):
    create_framework("TESTFW")
    org = create_org("Org A")
    put_question(org.id, sc_question("q1"))
    return org


@pytest.mark.parametrize("method,url", PAGES)
def test_anonymous_is_sent_to_sign_in(client, bank_of_org_a, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("method,url", PAGES)
def test_learner_is_refused(client, login_as, bank_of_org_a, method, url):
    login_as("learner", org="Org A")
    assert client.open(url, method=method).status_code == 403


@pytest.mark.parametrize("method,url", [p for p in PAGES if "q1" in p[1]])
def test_tutor_of_another_organisation_finds_nothing(client, login_as, bank_of_org_a, stored, method, url):
    login_as("tutor", org="Org B")
    assert client.open(url, method=method, data={"title": "Hijack"}).status_code == 404
    assert stored("q1")[0]["data"]["title"] == "Trust"


def test_tutor_of_another_organisation_sees_an_empty_list_and_can_reuse_the_id(client, login_as, bank_of_org_a, stored):
    login_as("tutor", org="Org B")
    html = client.get("/questions/").get_data(as_text=True)
    # Not a bare "q1": the page's random CSRF token can contain those two characters.
    assert "0 questions" in html and "/questions/q1" not in html and "Trust" not in html
    response = client.post("/questions/new?type=true_false", data={
        "id": "q1", "title": "Mine", "stem": "True?", "criteria": ["TESTFW/K1"], "answer": "true"})
    assert response.status_code == 302
    assert sorted(v["data"]["title"] for v in stored("q1")) == ["Mine", "Trust"]


@pytest.mark.parametrize("role", ["tutor", "admin"])
@pytest.mark.parametrize("method,url", PAGES)
def test_authors_of_the_organisation_reach_every_page(client, login_as, bank_of_org_a, role, method, url):
    login_as(role, org="Org A")
    response = client.open(url, method=method)
    assert response.status_code in ((200, 302) if method == "GET" else (200, 302, 422))
