"""Question forms: every type stores the exact question JSON; errors sit next to their fields;
rows are added and removed without JavaScript; edits version questions that attempts use."""
from __future__ import annotations

import re

import pytest

from tests.questions.conftest import sc_question


def common(title: str = "Trust", **extra: object) -> dict:
    data = {"title": title, "stem": "Which builds trust?", "stem_format": "markdown", "points": "1",
            "difficulty": "medium", "tags": "", "general_feedback": "", "criteria": ["TESTFW/K1"]}
    data.update(extra)
    return data


def field_errors(html: str) -> dict[str, str]:
    """{input name: error text} as the form shows them."""
    found = re.findall(r'class="error-message" id="([^"]+)-error"><span class="visually-hidden">Error: </span>([^<]*)</p>', html)
    return {name: text.replace("&#39;", "'") for name, text in found}


BASE = {"stem_format": "markdown", "points": 1.0, "general_feedback": "", "difficulty": "medium"}

CASES = {
    "single_choice": (
        {"options-rows": "4", "options-0-id": "a", "options-0-text": "Listening", "options-0-correct": "y",
         "options-0-feedback": "Yes.", "options-1-id": "b", "options-1-text": "Rushing", "options-1-feedback": "",
         "options-2-id": "c", "options-3-id": "d", "shuffle": "y"},
        {"options": [{"id": "a", "text": "Listening", "correct": True, "feedback": "Yes."},
                     {"id": "b", "text": "Rushing", "correct": False, "feedback": ""}],
         "shuffle": True},
    ),
    "multiple_response": (
        {"options-rows": "3", "options-0-id": "a", "options-0-text": "One", "options-0-correct": "y",
         "options-1-id": "b", "options-1-text": "Two", "options-1-correct": "y",
         "options-2-id": "c", "options-2-text": "Three", "all_or_nothing": "y"},
        {"options": [{"id": "a", "text": "One", "correct": True, "feedback": ""},
                     {"id": "b", "text": "Two", "correct": True, "feedback": ""},
                     {"id": "c", "text": "Three", "correct": False, "feedback": ""}],
         "shuffle": False, "all_or_nothing": True},
    ),
    "true_false": (
        {"answer": "false", "feedback_true": "Think again.", "feedback_false": "Right."},
        {"answer": False, "feedback_true": "Think again.", "feedback_false": "Right."},
    ),
    "matching": (
        {"premises-rows": "2", "premises-0-id": "p1", "premises-0-text": "Dog", "premises-0-match": "r1",
         "premises-1-id": "p2", "premises-1-text": "Cat", "premises-1-match": "r2",
         "responses-rows": "3", "responses-0-id": "r1", "responses-0-text": "Woof",
         "responses-1-id": "r2", "responses-1-text": "Miaow", "responses-2-id": "r3", "responses-2-text": "Moo"},
        {"premises": [{"id": "p1", "text": "Dog", "match": "r1"}, {"id": "p2", "text": "Cat", "match": "r2"}],
         "responses": [{"id": "r1", "text": "Woof"}, {"id": "r2", "text": "Miaow"}, {"id": "r3", "text": "Moo"}],
         "shuffle": False},
    ),
    "ordering": (
        {"items-rows": "3", "items-0-id": "i1", "items-0-text": "Plan", "items-1-id": "i2",
         "items-1-text": "Do", "items-2-id": "i3", "items-2-text": "Review"},
        {"items": [{"id": "i1", "text": "Plan"}, {"id": "i2", "text": "Do"}, {"id": "i3", "text": "Review"}],
         "shuffle": True},
    ),
    "short_answer": (
        {"stem": "Trust takes {{g1}} and {{g2}}.", "gaps-rows": "2", "gaps-0-id": "g1",
         "gaps-0-answers": "time\ntim* | 0.5 | Nearly: check the spelling.", "gaps-0-wildcard": "y",
         "gaps-1-id": "g2", "gaps-1-answers": "honesty", "gaps-1-options": "honesty\nmoney"},
        {"stem": "Trust takes {{g1}} and {{g2}}.",
         "gaps": [{"id": "g1", "answers": [{"text": "time", "credit": 1.0, "feedback": ""},
                                           {"text": "tim*", "credit": 0.5, "feedback": "Nearly: check the spelling."}],
                   "options": None, "case_sensitive": False, "wildcard": True},
                  {"id": "g2", "answers": [{"text": "honesty", "credit": 1.0, "feedback": ""}],
                   "options": ["honesty", "money"], "case_sensitive": False, "wildcard": False}]},
    ),
    "numeric": (
        {"answers-rows": "2", "answers-0-value": "3.5", "answers-0-tolerance": "0.1", "answers-0-feedback": "Good.",
         "answers-1-value": "4", "answers-1-credit": "0.5", "unit": "ml"},
        {"answers": [{"value": 3.5, "tolerance": 0.1, "credit": 1.0, "feedback": "Good."},
                     {"value": 4.0, "tolerance": 0.0, "credit": 0.5, "feedback": ""}],
         "unit": "ml"},
    ),
    "essay": (
        {"word_limit": "200", "min_words": "20", "marker_guidance": "Look for consent."},
        {"word_limit": 200, "min_words": 20, "marker_guidance": "Look for consent."},
    ),
}


@pytest.mark.parametrize("type_name", sorted(CASES))
def test_each_type_form_stores_the_exact_question(client, tutor, stored, type_name):
    form, expected = CASES[type_name]
    data = common(id="q-" + type_name.replace("_", "-"), type=type_name, tags="trust, k1", **form)
    response = client.post(f"/questions/new?type={type_name}", data=data)
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    qid = "q-" + type_name.replace("_", "-")
    assert response.headers["Location"] == f"/questions/{qid}"
    want = {"id": qid, "version": 1, "type": type_name, "title": "Trust",
            "stem": expected.get("stem", "Which builds trust?"), **BASE,
            "criteria": ["TESTFW/K1"], "tags": ["trust", "k1"],
            **{k: v for k, v in expected.items() if k != "stem"}}
    [saved] = stored(qid)
    assert saved["data"] == want


def scenario_form() -> dict:
    return common(
        id="okafor", type="scenario", title="Mr Okafor", stem="Read the case.", points="2",
        **{"case-person": "Mr Okafor, 78", "case-setting": "His home", "case-situation": "He is lonely.",
           "steps-rows": "3",
           "steps-0-id": "s1",
           "steps-0-question-type": "single_choice", "steps-0-question-id": "c1",
           "steps-0-question-stem": "What first?", "steps-0-question-criteria": "TESTFW/K1",
           "steps-0-question-options-rows": "2",
           "steps-0-question-options-0-id": "a", "steps-0-question-options-0-text": "Ask him",
           "steps-0-question-options-0-correct": "y", "steps-0-question-options-0-feedback": "Good start.",
           "steps-0-question-options-0-goto": "s3",
           "steps-0-question-options-1-id": "b", "steps-0-question-options-1-text": "Tell him",
           "steps-0-question-options-1-goto": "s2",
           "steps-1-id": "s2", "steps-1-next": "end",
           "steps-1-question-type": "true_false", "steps-1-question-id": "c2",
           "steps-1-question-stem": "Telling is fine.", "steps-1-question-answer": "false",
           "steps-1-question-criteria": "TESTFW/K2",
           "steps-2-id": "s3",
           "steps-2-question-type": "true_false", "steps-2-question-id": "c3",
           "steps-2-question-stem": "Asking respects him.", "steps-2-question-answer": "true",
           "steps-2-question-points": "2"},
    )


def test_scenario_form_stores_case_children_and_branches(client, tutor, stored):
    response = client.post("/questions/new?type=scenario", data=scenario_form())
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    [saved] = stored("okafor")
    child = {"title": "", "stem_format": "markdown", "points": 1.0, "general_feedback": "",
             "difficulty": "medium", "tags": []}
    assert saved["data"] == {
        "id": "okafor", "version": 1, "type": "scenario", "title": "Mr Okafor", "stem": "Read the case.",
        "stem_format": "markdown", "points": 2.0, "general_feedback": "", "criteria": ["TESTFW/K1"],
        "difficulty": "medium", "tags": [],
        "case": {"person": "Mr Okafor, 78", "setting": "His home", "situation": "He is lonely."},
        "steps": [
            {"id": "s1", "question": {"id": "c1", "type": "single_choice", **child, "stem": "What first?",
                                      "criteria": ["TESTFW/K1"],
                                      "options": [{"id": "a", "text": "Ask him", "correct": True, "feedback": "Good start."},
                                                  {"id": "b", "text": "Tell him", "correct": False, "feedback": ""}],
                                      "shuffle": False},
             "branches": {"a": "s3", "b": "s2"}, "next": None},
            {"id": "s2", "question": {"id": "c2", "type": "true_false", **child, "stem": "Telling is fine.",
                                      "criteria": ["TESTFW/K2"], "answer": False, "feedback_true": "",
                                      "feedback_false": ""},
             "branches": {}, "next": "end"},
            {"id": "s3", "question": {"id": "c3", "type": "true_false", **dict(child, points=2.0),
                                      "stem": "Asking respects him.", "criteria": ["TESTFW/K1"], "answer": True,
                                      "feedback_true": "", "feedback_false": ""},
             "branches": {}, "next": None},
        ],
    }


def test_errors_are_shown_next_to_their_fields(client, tutor, stored):
    data = common(id="bad", type="single_choice", points="lots", criteria=["TESTFW/K1", "TESTFW/K9"],
                  **{"options-rows": "2", "options-0-id": "a b", "options-0-text": "One", "options-0-correct": "y",
                     "options-1-id": "b", "options-1-text": "Two", "options-1-correct": "y"})
    response = client.post("/questions/new?type=single_choice", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html) == {
        "points": "Enter the points as a number, like 1 or 2.5.",
        "options-0-id": "Option 1: the id 'a b' can only use letters, digits, _ . and - (no spaces).",
        "criteria": "There is no criterion 'TESTFW/K9' here: choose criteria from the list.",
    }
    assert stored("bad") == []
    # What was typed is kept.
    assert 'name="options-1-text" rows="3">Two</textarea>' in html or ">Two</textarea>" in html


def test_a_list_error_and_a_scenario_child_error_find_their_fields(client, tutor, stored):
    data = scenario_form()
    data["steps-0-question-options-1-correct"] = "y"  # two correct options in a single choice
    data["steps-1-question-goto_true"] = "s9"  # a step that is not there (removed, say)
    response = client.post("/questions/new?type=scenario", data=data)
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    dead_end = "Step 2: the answer true leads to a step that no longer exists ('s9'). Choose another step, or End."
    assert errors == {"steps-0-question-options": "Step 1: tick exactly one option as correct.",
                      "steps-1-question-goto_true": dead_end}  # every problem at once
    summary = response.get_data(as_text=True).split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    # GOV.UK's pattern: the summary repeats the field's message as a link to the field
    assert '<a href="#f-steps-0-question-options">Step 1: tick exactly one option as correct.</a>' in summary
    data["steps-0-question-options-1-correct"] = ""
    del data["steps-0-question-options-1-correct"]
    response = client.post("/questions/new?type=scenario", data=data)
    assert field_errors(response.get_data(as_text=True)) == {"steps-1-question-goto_true": dead_end}


def test_short_answer_gap_not_in_stem_is_reported_at_the_gap(client, tutor):
    form, _ = CASES["short_answer"]
    data = common(id="gaps", type="short_answer", **dict(form, stem="Trust takes {{g1}}."))
    response = client.post("/questions/new?type=short_answer", data=data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "gaps-1-id": "Gap 'g2' does not appear in the stem as {{g2}}."}


def test_blank_rows_are_left_out_and_errors_map_to_the_right_row(client, tutor):
    data = common(id="rows", type="single_choice",
                  **{"options-rows": "3", "options-0-id": "a", "options-0-text": "One", "options-0-correct": "y",
                     "options-1-id": "b",  # blank row: left out
                     "options-2-id": "c!", "options-2-text": "Three"})
    response = client.post("/questions/new?type=single_choice", data=data)
    assert field_errors(response.get_data(as_text=True)) == {
        "options-2-id": "Option 3: the id 'c!' can only use letters, digits, _ . and - (no spaces)."}


def test_add_and_remove_rows_without_javascript(client, tutor, stored):
    data = common(id="grow", type="single_choice",
                  **{"options-rows": "2", "options-0-id": "a", "options-0-text": "One",
                     "options-1-id": "b", "options-1-text": "Two", "_add": "options"})
    response = client.post("/questions/new?type=single_choice", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="options-rows" value="3"' in html
    assert 'name="options-2-id" value="c"' in html  # the new row's id is prefilled
    assert ">Two</textarea>" in html
    assert stored("grow") == []
    data.pop("_add")
    data["_remove"] = "options-0"
    html = client.post("/questions/new?type=single_choice", data=data).get_data(as_text=True)
    assert 'name="options-rows" value="1"' in html
    assert 'name="options-0-id" value="b"' in html and ">One</textarea>" not in html
    # A step's question gets one more option the same way.
    html = client.post("/questions/new?type=scenario",
                       data=dict(scenario_form(), _add="steps-0-question-options")).get_data(as_text=True)
    assert 'name="steps-0-question-options-rows" value="3"' in html


def test_changing_a_steps_type_shows_that_types_fields(client, tutor):
    data = dict(scenario_form(), _apply="steps-0-question-type")
    data["steps-0-question-type"] = "numeric"
    html = client.post("/questions/new?type=scenario", data=data).get_data(as_text=True)
    assert 'name="steps-0-question-answers-0-value"' in html
    assert 'name="steps-0-question-options-0-id"' not in html


def test_the_form_offers_criteria_grouped_by_framework_and_outcome(client, tutor):
    html = client.get("/questions/new?type=true_false").get_data(as_text=True)
    assert "<summary>TESTFW – Test framework TESTFW</summary>" in html
    assert "<legend>K.1 Knowledge and understanding</legend>" in html
    assert 'value="TESTFW/K2"' in html and "know the second thing" in html


def test_new_without_a_type_lists_every_type(client, tutor):
    html = client.get("/questions/new").get_data(as_text=True)
    for type_name in ("single_choice", "scenario", "short_answer", "essay"):
        assert f'href="/questions/new?type={type_name}"' in html


def test_duplicate_id_is_refused(client, tutor, put_question):
    put_question(tutor.organisation_id, sc_question("dup"))
    response = client.post("/questions/new?type=true_false", data=common(id="dup", type="true_false", answer="true"))
    assert response.status_code == 409
    assert field_errors(response.get_data(as_text=True)) == {"id": "Your bank already has a question with the id 'dup'."}


def edit_form(**changes: str) -> dict:
    data = common(type="single_choice", base_version="1",
                  **{"options-rows": "2", "options-0-id": "a", "options-0-text": "Listening",
                     "options-0-correct": "y", "options-0-feedback": "Yes.", "options-1-id": "b",
                     "options-1-text": "Rushing", "options-1-feedback": "No."})
    data.update(changes)
    return data


def test_edit_shows_the_stored_question(client, tutor, put_question):
    put_question(tutor.organisation_id, sc_question("q1", tags=["trust"]))
    html = client.get("/questions/q1/edit").get_data(as_text=True)
    assert 'name="title" value="Trust"' in html
    assert 'name="tags" value="trust"' in html
    assert 'name="options-1-id" value="b"' in html
    assert re.search(r'value="TESTFW/K1" id="[^"]+" checked', html)
    assert 'name="base_version" value="1"' in html


def test_editing_an_unused_question_changes_it_in_place(client, tutor, put_question, stored):
    put_question(tutor.organisation_id, sc_question("q1"))
    response = client.post("/questions/q1/edit", data=edit_form(title="Trust again"))
    assert response.status_code == 302
    versions = stored("q1")
    assert [(v["version"], v["current"], v["data"]["title"]) for v in versions] == [(1, True, "Trust again")]


def test_editing_a_question_in_use_makes_a_new_version_and_keeps_the_old(client, tutor, put_question, stored):
    put_question(tutor.organisation_id, sc_question("q1"), in_use=True)
    response = client.post("/questions/q1/edit", data=edit_form(title="Trust, revised"), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Saved as version 2: version 1 is used by attempts, so it is kept." in html
    versions = stored("q1")
    assert [(v["version"], v["current"], v["data"]["title"]) for v in versions] == [
        (1, False, "Trust"), (2, True, "Trust, revised")]
    assert versions[1]["data"]["version"] == 2
    # The history lists both versions.
    assert "Preview version 2" in html and "Preview version 1" in html


def test_an_edit_of_a_superseded_version_is_refused(client, tutor, put_question, stored):
    put_question(tutor.organisation_id, sc_question("q1"), in_use=True)
    put_question(tutor.organisation_id, sc_question("q1", title="Someone else's edit"))
    response = client.post("/questions/q1/edit", data=edit_form(title="Mine"))
    assert response.status_code == 409
    assert "Version 2 was saved after the version 1 you edited" in response.get_data(as_text=True)
    assert [v["data"]["title"] for v in stored("q1")] == ["Trust", "Someone else's edit"]


def test_list_filters_by_type_criterion_tag_and_text(client, tutor, put_question):
    org = tutor.organisation_id
    put_question(org, sc_question("alpha", title="Alpha trust", tags=["trust"]))
    put_question(org, sc_question("beta", title="Beta", criteria=["TESTFW/K2"]))
    put_question(org, {"id": "gamma", "version": 1, "type": "true_false", "title": "Gamma", "stem": "Dignity matters.",
                       "criteria": ["TESTFW/K2"], "answer": True, "tags": ["trust"]})

    def listed(query: str) -> list[str]:
        html = client.get("/questions/?" + query).get_data(as_text=True)
        return re.findall(r"<code>([a-z]+)</code></td>", html)

    assert listed("") == ["alpha", "beta", "gamma"]
    assert listed("type=true_false") == ["gamma"]
    assert listed("criterion=TESTFW/K2") == ["beta", "gamma"]
    assert listed("tag=trust") == ["alpha", "gamma"]
    assert listed("q=dignity") == ["gamma"]
    assert listed("q=ALPHA&type=single_choice") == ["alpha"]


@pytest.mark.parametrize("junk", [
    {"options-rows": "abc"},
    {"options-rows": "-3"},
    {"options-rows": "99999"},
    {"_add": "nothing-here"},
    {"_remove": "options-77"},
    {"_remove": "options-x"},
    {"_add": "title"},
    {"steps-rows": "1", "steps-0-question-type": "scenario"},
    {"points": "1e400", "title": "x" * 20000},
    {"criteria": ["../../etc", "A/B\x00"]},
])
def test_junk_posts_are_answered_never_a_500(client, tutor, junk):
    for type_name in ("single_choice", "scenario"):
        response = client.post(f"/questions/new?type={type_name}", data=dict(common(id="junk"), **junk))
        assert response.status_code in (200, 302, 422), response.status_code
