"""The scenario editor without a browser: each problem in plain words next to its field and in the
summary; the paths checked on save (dead end, loop, unreachable step); where a button puts the
tutor back; the paths listed on the page. The same form saves through the same service."""
from __future__ import annotations

import re

from course.questions import scenario_graph
from course.questions.messages import plain
from tests.questions.test_forms import common, field_errors, scenario_form


def summary_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the error summary."""
    box = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [(href, text.replace("&#39;", "'")) for href, text in re.findall(r'<a href="([^"]+)">([^<]*)</a>', box)]


def test_an_empty_scenario_says_what_to_do_in_plain_words(client, tutor, stored):
    response = client.post("/questions/new?type=scenario", data=common(title="", criteria=[], type="scenario",
                                                                        **{"steps-rows": "1", "steps-0-id": "s1"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html) == {
        "title": "Enter a title.",
        "criteria": "Choose at least one criterion this question evidences.",
        "steps": "The scenario needs at least one step: write the question text of step 1.",
    }
    assert summary_links(html) == [
        ("#f-steps", "The scenario needs at least one step: write the question text of step 1."),
        ("#f-title", "Enter a title."),
        ("#f-criteria", "Choose at least one criterion this question evidences."),
    ]
    assert "Shorter than minimum length" not in html
    assert stored("question") == []


def test_each_step_problem_names_its_step_next_to_its_field(client, tutor, stored):
    data = scenario_form()
    for key in [k for k in data if k.startswith("steps-0-question-options-1-")]:
        del data[key]
    data["steps-0-question-options-rows"] = "1"  # one option left: a single choice needs two
    data["steps-1-question-points"] = "lots"
    data["steps-2-question-points"] = "0"
    data["steps-2-question-id"] = "c 3"
    response = client.post("/questions/new?type=scenario", data=data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "steps-0-question-options": "Step 1 needs at least two options.",
        "steps-1-question-points": "Step 2: enter the points as a number, like 1 or 2.5.",
        "steps-2-question-points": "Step 3: enter the points as a number more than 0.",
        "steps-2-question-id": "Step 3: the id 'c 3' can only use letters, digits, _ . and - (no spaces).",
    }
    assert stored("okafor") == []


def test_plain_words_for_the_schemas_other_messages():
    assert plain("steps-1-question-options", "Shorter than minimum length 2.") == "Step 2 needs at least two options."
    assert plain("options", "Shorter than minimum length 2.") == "The question needs at least two options."
    assert plain("steps-0-question-stem", "Missing data for required field.") == "Step 1: enter the question text."
    assert plain("steps-1-id", "Duplicate id 's1'.") == "Step 2: another step has the id 's1': give each its own."
    assert plain("steps-0-question-options", "At least one option must be correct.") == \
        "Step 1: tick at least one option as correct."
    assert plain("steps-0-question-answers-0-credit",
                 "Must be greater than or equal to 0 and less than or equal to 1.") == \
        "Step 1, answer 1: enter the credit as a number from 0 to 1."
    assert plain("steps-0", "Duplicate child question id 'c1'.") == \
        "Step 1: its question id 'c1' is used by another step: give each its own."
    assert plain("steps-0-id", "'end' is reserved.") == \
        "Step 1: a step cannot have the id 'end': it means the end of the scenario."


# --------------------------------------------------------------------------- paths, on save


def test_a_dead_end_is_refused_at_the_answer_that_leads_nowhere(client, tutor, stored):
    data = dict(scenario_form(), **{"steps-0-question-options-1-goto": "s9"})
    response = client.post("/questions/new?type=scenario", data=data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"steps-0-question-options-1-goto": (
        "Step 1: the answer “Tell him” leads to a step that no longer exists ('s9'). Choose another step, or End.")}
    assert stored("okafor") == []


def test_an_unreachable_step_is_refused_at_its_card(client, tutor, stored):
    data = dict(scenario_form(), **{"steps-0-question-options-0-goto": "s2"})  # nothing leads to step 3 now
    response = client.post("/questions/new?type=scenario", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html) == {"steps-2": (
        "Step 3 cannot be reached: no answer or step leads to it. Choose it under “If chosen, go to” or "
        "“After this step” of an earlier step, or remove it.")}
    assert summary_links(html)[0][0] == "#f-steps-2"
    assert stored("okafor") == []


def test_a_loop_is_refused_at_the_choice_that_goes_back(client, tutor, stored):
    # loops are not allowed (docs/formats.md: no step may lead back to an earlier one)
    data = dict(scenario_form(), **{"steps-1-next": "s1"})
    response = client.post("/questions/new?type=scenario", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html) == {"steps-1-next": (
        "Step 2: “After this step” leads back to Step 1, making a loop (Step 1 → Step 2 → Step 1). "
        "A scenario cannot go back: choose a later step, or End.")}
    assert "The steps form a cycle" not in html  # the schema's own words are replaced, not repeated
    assert stored("okafor") == []


def test_the_api_gets_the_same_checks_naming_steps_by_id(app, tutor):
    from course.questions.service import QuestionProblems, check_question
    from tests.questions.test_preview_and_access import scenario

    question = scenario()
    question["steps"][1]["next"] = "s1"
    with app.app_context():
        try:
            check_question(question)
        except QuestionProblems as exc:
            problems = exc.problems
    assert problems == [("steps.1.next", "step 's2': “After this step” leads back to step 's1', making a loop "
                                         "(step 's1' → step 's2' → step 's1'). A scenario cannot go back: choose "
                                         "a later step, or End.")]


def test_paths_are_listed_from_the_form_and_every_path_is_found():
    question = {"type": "scenario", "steps": [
        {"id": "s1", "branches": {"a": "s3", "b": "s2"}, "next": None},
        {"id": "s2", "branches": {"true": "s4"}, "next": None},
        {"id": "s3", "branches": {}, "next": "end"},
        {"id": "s4", "branches": {}, "next": None}]}
    graph = scenario_graph.analyse(question)
    assert graph.paths == [["s1", "s2", "s3", "end"], ["s1", "s2", "s4", "end"], ["s1", "s3", "end"]]
    assert (graph.unreachable, graph.dead_ends, graph.loops) == ([], [], [])
    assert scenario_graph.problems(question) == []


def test_the_page_lists_the_paths_and_flags_problems(client, tutor):
    data = dict(scenario_form(), _add="steps", **{"steps-0-question-options-1-goto": "s9"})
    html = client.post("/questions/new?type=scenario", data=data).get_data(as_text=True)
    body = html.split('id="graph-body"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<li>([^<]*)</li>", body.split('class="paths"', 1)[1].split("</ol>", 1)[0]) == [
        "Step 1 → Step 2 → End", "Step 1 → Step 3 → End", "Step 1 → a step that no longer exists"]
    assert re.findall(r"<li>([^<]*)</li>", body.split('class="graph-problems"', 1)[1]) == [
        "Step 1: the answer “Tell him” leads to a step that no longer exists (&#39;s9&#39;). Choose another step, "
        "or End."]
    # the new step 4 is empty: it is left out when the scenario is saved, so it is on no path
    assert 'name="steps-3-id" value="s4"' in html


# --------------------------------------------------------------------------- the tutor's place


def test_apply_type_reloads_at_the_step_with_its_type_box_focused(client, tutor):
    data = dict(scenario_form(), _apply="steps-2-question-type")
    data["steps-2-question-type"] = "single_choice"
    html = client.post("/questions/new?type=scenario", data=data).get_data(as_text=True)
    assert re.search(r'<select id="f-steps-2-question-type" name="steps-2-question-type"[^>]* autofocus', html)
    assert ('formaction="/questions/new?type=scenario#f-steps-2-question-type">Apply type</button>' in html)
    assert html.count(" autofocus") == 1
    assert 'name="steps-2-question-options-0-goto"' in html  # its answers can branch now


def test_moving_a_step_keeps_its_choices_and_the_focus_on_it(client, tutor):
    data = dict(scenario_form(), _move="steps-1:down")
    html = client.post("/questions/new?type=scenario", data=data).get_data(as_text=True)
    assert re.findall(r'name="steps-(\d)-id" value="([^"]+)"', html) == [("0", "s1"), ("1", "s3"), ("2", "s2")]
    assert re.search(r'<button type="submit" name="_move" value="steps-2:up"[^>]*autofocus>Move step 3 up</button>',
                     html)
    # option a still goes to s3, now step 2
    assert re.search(r'<select id="f-steps-0-question-options-0-goto".*?<option value="s3" selected>Step 2: ',
                     html, re.S)


def test_editing_shows_each_answers_next_step_and_saves_it_unchanged(client, tutor, stored):
    from werkzeug.datastructures import MultiDict

    from tests.questions.test_import_export import submitted

    assert client.post("/questions/new?type=scenario", data=scenario_form()).status_code == 302
    html = client.get("/questions/okafor/edit").get_data(as_text=True)
    assert re.search(r'name="steps-0-question-options-0-goto".*?<option value="s3" selected>', html, re.S)
    assert re.search(r'name="steps-1-next".*?<option value="end" selected>End of the scenario', html, re.S)
    assert re.search(r'value="TESTFW/K2" id="f-steps-1-question-criteria-TESTFW-K2" checked', html)
    before = stored("okafor")[0]["data"]
    assert client.post("/questions/okafor/edit", data=MultiDict(submitted(html))).status_code == 302
    assert stored("okafor")[0]["data"] == before
