"""Item-quality findings where a tutor writes questions: the form (live, without saving), the
question page and the bank list's filter."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from course.bank.models import QuestionVersion
from course.extensions import db
from tests.browser.conftest import assert_axe_clean, sign_in
from tests.helpers import DEFAULT_PASSWORD
from tests.questions.conftest import sc_question

LONG_KEY = "Ask Mr Okafor how he would like his visits arranged, and write it in his care plan"


def cued_form(**overrides: str) -> dict[str, str]:
    """A single-choice form whose key is far longer than its two distractors."""
    data = {
        "title": "Visits", "stem": "Mr Okafor's daughter asks you about his visits. What should you do?",
        "criteria": "TESTFW/K1", "options-rows": "3",
        "options-0-id": "a", "options-0-text": LONG_KEY, "options-0-correct": "y", "options-0-feedback": "Yes.",
        "options-1-id": "b", "options-1-text": "Tell her to phone later", "options-1-feedback": "No.",
        "options-2-id": "c", "options-2-text": "Leave it to the manager", "options-2-feedback": "No.",
    }
    data.update(overrides)
    return data


def codes(findings: list[dict]) -> set[str]:
    return {f["code"] for f in findings}


def test_the_findings_endpoint_checks_an_unsaved_form_and_saves_nothing(app, client, tutor):
    reply = client.post("/questions/findings/single_choice", data=cued_form())
    assert reply.status_code == 200
    body = reply.get_json()
    [longest] = [f for f in body["findings"] if f["code"] == "key-longest"]
    assert longest["severity"] == "error"
    assert longest["input"] == "options-0"  # the keyed option's row, so the page can link to it
    assert "Haladyna" in longest["guideline"] or "Case" in longest["guideline"]
    assert 'href="#f-options-0"' in body["html"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionVersion)) == 0

    # Make the options equal in length: the longest-key finding goes.
    even = client.post("/questions/findings/single_choice", data=cued_form(**{
        "options-0-text": "Ask him what he wants", "options-1-text": "Tell her to ring back",
        "options-2-text": "Ask the manager to do it"})).get_json()
    assert "key-longest" not in codes(even["findings"])


def test_a_malformed_draft_reports_rather_than_crashes(client, tutor):
    reply = client.post("/questions/findings/single_choice", data={"title": "Half", "options-rows": "0"})
    assert reply.status_code == 200
    assert isinstance(reply.get_json()["findings"], list)
    assert client.post("/questions/findings/no_such_type", data={}).status_code == 404


def test_only_authors_may_ask(app, client, login_as):
    login_as("learner", org="Org A")
    assert client.post("/questions/findings/single_choice", data=cued_form()).status_code == 403


def test_the_findings_endpoint_needs_the_csrf_token(csrf_app, create_user):
    user = create_user("tutor", "Org A")
    client = csrf_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                       "csrf_token": token.group(1)}).status_code == 302
    assert client.post("/questions/findings/single_choice", data=cued_form()).status_code == 400
    form = client.get("/questions/new?type=single_choice").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    reply = client.post("/questions/findings/single_choice", data={**cued_form(), "csrf_token": token})
    assert reply.status_code == 200 and "key-longest" in codes(reply.get_json()["findings"])


def test_form_and_question_page_list_the_findings_and_saving_is_never_blocked(client, tutor, stored):
    page = client.get("/questions/new?type=single_choice").get_data(as_text=True)
    assert "Quality checks" in page and 'aria-live="polite"' in page
    saved = client.post("/questions/new?type=single_choice", data=cued_form(id="visits"))
    assert saved.status_code == 302  # a severe finding is advice, never a refusal
    assert stored("visits")[0]["data"]["options"][0]["text"] == LONG_KEY
    detail = client.get("/questions/visits").get_data(as_text=True)
    assert "Quality checks" in detail and 'data-code="key-longest"' in detail


def test_the_bank_list_filters_by_finding(app, client, tutor, put_question):
    org_id = tutor.organisation_id
    put_question(org_id, sc_question("plain", options=[
        {"id": "a", "text": "Listening to them", "correct": True, "feedback": "Yes."},
        {"id": "b", "text": "Talking over them", "correct": False, "feedback": "No."},
        {"id": "c", "text": "Deciding for them", "correct": False, "feedback": "No."}]))
    put_question(org_id, sc_question("cued", options=[
        {"id": "a", "text": LONG_KEY, "correct": True, "feedback": "Yes."},
        {"id": "b", "text": "Phone later", "correct": False, "feedback": "No."},
        {"id": "c", "text": "Leave it", "correct": False, "feedback": "No."}]))
    everything = client.get("/questions/").get_data(as_text=True)
    assert "2 questions" in everything and "1 serious" in everything
    only = client.get("/questions/?finding=key-longest").get_data(as_text=True)
    assert "1 question<" in only and "<code>cued</code>" in only and "<code>plain</code>" not in only
    serious = client.get("/questions/?finding=error").get_data(as_text=True)
    assert "<code>cued</code>" in serious and "<code>plain</code>" not in serious
    ignored = client.get("/questions/?finding=nonsense").get_data(as_text=True)
    assert "2 questions" in ignored  # an unknown filter value is ignored, not an error


def test_the_bank_list_reports_true_false_balance_across_the_bank(client, tutor, put_question):
    for n in range(5):
        put_question(tutor.organisation_id, {
            "id": f"tf{n}", "version": 1, "type": "true_false", "title": f"Statement {n}",
            "stem": f"Statement number {n} about care.", "criteria": ["TESTFW/K1"], "answer": True,
            "feedback_true": "Right.", "feedback_false": "Not so."})
    page = client.get("/questions/").get_data(as_text=True)
    assert 'id="bank-findings"' in page and 'data-code="true-false-balance"' in page


@pytest.mark.browser
def test_a_finding_appears_while_typing_an_option(live_server, browser_page, create_framework, create_user):
    create_framework("TESTFW")
    tutor = create_user("tutor", org="Org A")
    page = browser_page
    sign_in(page, live_server.url, tutor.email, DEFAULT_PASSWORD, next_path="/questions/new?type=single_choice")
    page.get_by_label("Title").fill("Visits")
    page.get_by_label("Question text").fill("Mr Okafor's daughter asks you about his visits. What should you do?")
    texts = page.get_by_label("Text", exact=True)
    texts.nth(1).fill("Tell her to phone later")
    texts.nth(2).fill("Leave it to the manager")
    page.locator('input[name="options-0-correct"]').check()
    findings = page.locator("#quality-findings")
    findings.locator('[data-code="key-longest"]').wait_for(state="detached")  # none yet: the key is empty
    texts.nth(0).press_sequentially(LONG_KEY, delay=5)
    finding = findings.locator('[data-code="key-longest"]')
    finding.wait_for()
    assert "longest" in finding.inner_text()
    # The finding links to the option it concerns.
    finding.get_by_role("link").click()
    assert page.evaluate("location.hash") == "#f-options-0"
    assert_axe_clean(page)
    # Shortening the key to the others' length clears it, still without saving.
    texts.nth(0).fill("Ask him first")
    finding.wait_for(state="detached")
    assert page.url.endswith("/questions/new?type=single_choice#f-options-0")  # never saved or reloaded
