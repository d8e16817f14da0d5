"""In Chromium, by keyboard only: a tutor builds a branching scenario (the case, three steps, one
answer branching to step 3, criteria found by search), changes a step's type without losing their
place, and saves it; the saved question has exactly those branches and criteria. The empty form
is short (under 3,000 px at 1280x800) and the editor passes axe-core."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_axe_clean, sign_in
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

MAX_TABS = 400


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str) -> None:
    """Press Tab (only Tab) until the focus is on ``selector``; fails if it never gets there."""
    for _ in range(MAX_TABS):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reachable by Tab")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page, selector: str, label: str) -> None:
    """Tab to a select and move through it with the arrow keys until ``label`` is chosen."""
    tab_to(page, selector)
    for _ in range(30):
        if page.evaluate("(s) => { const e = document.querySelector(s); return e.options[e.selectedIndex].text; }",
                         selector) == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label!r} is not an option of {selector}")


def tick(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.locator(selector).is_checked()


def assert_accessible(page, where: str) -> None:
    assert_axe_clean(page, where)


def expect_paths(page, expected: list[str]) -> None:
    """The list of paths says ``expected``: waited for, since it is redrawn 150 ms after the last
    keystroke (later on a busy machine)."""
    expect(page.locator("#graph-body .paths li")).to_have_text(expected, use_inner_text=True)


def arrows(page) -> list[tuple[str, str, str, str]]:
    """(from, to, answer, class) of each arrow of the drawn graph, as the script last drew it."""
    return [tuple(x) for x in page.evaluate(
        "() => [...document.querySelectorAll('#graph-drawing g[data-from]')].map(g => "
        "[g.dataset.from, g.dataset.to, g.dataset.key, g.getAttribute('class')])")]


def test_a_tutor_builds_a_branching_scenario_by_keyboard(app, live_server, browser_page, create_framework,
                                                         create_user, stored):
    create_framework("TESTFW")
    tutor = create_user("tutor", org="Org A")
    page = browser_page
    sign_in(page, live_server.url, tutor.email, DEFAULT_PASSWORD, next_path="/questions/new?type=scenario")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 3000, f"the empty scenario form is {height} px tall"  # measured: 2,622 px (was 10,104)
    assert_accessible(page, "the empty scenario form")

    # Two more steps, in place: each new step's id is ready, its title box is next.
    tab_to(page, "button[name=_add][value=steps]")
    page.keyboard.press("Enter")
    tab_to(page, "button[name=_add][value=steps]")
    page.keyboard.press("Enter")
    assert page.locator('input[name="steps-rows"]').input_value() == "3"

    type_into(page, "#f-id", "okafor-branching")
    type_into(page, "#f-title", "Mr Okafor's visits")
    type_into(page, "#f-stem", "Read the case, then answer each step.")
    type_into(page, "#criteria-search", "second thing")
    assert page.locator("#criteria-count").inner_text() == "2 criteria match"
    tick(page, "#f-crit-TESTFW-K2")
    assert page.locator("#criteria-chosen .chip").all_inner_texts() == ["TESTFW/K2 know the second thing ×"]
    type_into(page, "#f-case-person", "Mr Okafor, 78, who lives alone")
    type_into(page, "#f-case-setting", "His flat")
    type_into(page, "#f-case-situation", "His son wants to stop his visits to a friend after a fall.")

    # Step 1: option a ("Ask him") goes to step 3; option b goes on to step 2 (the next in the list).
    type_into(page, "#f-steps-0-question-title", "First talk")
    type_into(page, "#f-steps-0-question-stem", "What do you do first?")
    type_into(page, "#f-steps-0-question-options-0-text", "Ask him what he wants")
    tick(page, "#f-steps-0-question-options-0-correct")
    choose(page, "#f-steps-0-question-options-0-goto", "Step 3")
    type_into(page, "#f-steps-0-question-options-1-text", "Tell him it is too risky")
    type_into(page, "#steps-0-question-criteria-search", "first thing")
    tick(page, "#f-steps-0-question-criteria-TESTFW-K1")
    # Step 2 ends the scenario.
    type_into(page, "#f-steps-1-question-title", "His son")
    type_into(page, "#f-steps-1-question-stem", "What do you say to his son?")
    type_into(page, "#f-steps-1-question-options-0-text", "That his father decides")
    tick(page, "#f-steps-1-question-options-0-correct")
    type_into(page, "#f-steps-1-question-options-1-text", "That he is right")
    choose(page, "#f-steps-1-next", "End of the scenario")
    # Step 3 becomes a true/false statement: Apply type reloads the form at that step.
    type_into(page, "#f-steps-2-question-title", "The plan")
    choose(page, "#f-steps-2-question-type", "True or false")
    tab_to(page, "button[name=_apply][value=steps-2-question-type]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("#f-steps-2-question-type")
    assert focused(page, "#f-steps-2-question-type")  # the tutor is where they were
    assert page.locator("#f-steps-2-question-title").input_value() == "The plan"  # nothing typed is lost
    type_into(page, "#f-steps-2-question-stem", "A plan agreed with him respects his choices.")
    tab_to(page, "#f-steps-2-question-answer-true")
    page.keyboard.press("Space")

    expect_paths(page, ["Step 1 → Step 2 → End", "Step 1 → Step 3 → End"])
    assert page.locator(".graph-problems").count() == 0
    assert arrows(page) == [("s1", "s3", "a", "edge"), ("s1", "s2", "next", "edge"), ("s2", "end", "next", "edge"),
                            ("s3", "end", "next", "edge")]
    assert page.locator("#graph-drawing .node.unreachable").count() == 0
    assert page.locator("#f-steps-0-question-options-0-goto option:checked").inner_text() == "Step 3: The plan"
    # "Browse all criteria" opened by a search, with the graph drawn: still clean
    assert_accessible(page, "the filled-in scenario form")

    tab_to(page, ".actions button[name=_save]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/questions/okafor-branching")
    [saved] = stored("okafor-branching")
    data = saved["data"]
    assert data["criteria"] == ["TESTFW/K2"]
    assert data["case"] == {"person": "Mr Okafor, 78, who lives alone", "setting": "His flat",
                            "situation": "His son wants to stop his visits to a friend after a fall."}
    assert [(s["id"], s["branches"], s["next"], s["question"]["type"], s["question"]["criteria"])
            for s in data["steps"]] == [
        ("s1", {"a": "s3"}, None, "single_choice", ["TESTFW/K1"]),
        ("s2", {}, "end", "single_choice", ["TESTFW/K2"]),
        ("s3", {}, None, "true_false", ["TESTFW/K2"]),
    ]
    assert [o["text"] for o in data["steps"][0]["question"]["options"]] == [
        "Ask him what he wants", "Tell him it is too risky"]


def test_a_loop_is_flagged_as_it_is_made_and_errors_link_to_their_fields(live_server, browser_page,
                                                                        create_framework, create_user):
    create_framework("TESTFW")
    tutor = create_user("tutor", org="Org A")
    page = browser_page
    sign_in(page, live_server.url, tutor.email, DEFAULT_PASSWORD, next_path="/questions/new?type=scenario")
    tab_to(page, "button[name=_add][value=steps]")
    page.keyboard.press("Enter")
    type_into(page, "#f-steps-0-question-stem", "What do you do first?")
    type_into(page, "#f-steps-1-question-stem", "And then?")
    expect_paths(page, ["Step 1 → Step 2 → End"])
    assert arrows(page) == [("s1", "s2", "next", "edge"), ("s2", "end", "next", "edge")]
    choose(page, "#f-steps-1-next", "Step 1: What do you do first?")
    expect_paths(page, ["Step 1 → Step 2 → back to an earlier step (a loop)"])
    # the drawn graph followed the change: step 2's arrow now goes back to step 1, flagged in words
    assert arrows(page) == [("s1", "s2", "next", "edge"), ("s2", "s1", "next", "edge loop")]
    assert page.locator("#graph-drawing g[data-step=s2] .flag").text_content() == "⚠ Loop"
    assert page.locator(".graph-problems li").all_inner_texts() == [
        "Step 2: “After this step” leads back to Step 1, making a loop (Step 1 → Step 2 → Step 1). "
        "A scenario cannot go back: choose a later step, or End."]
    # Saving shows the same words at the field, and the summary (focused) links to it.
    tab_to(page, ".actions button[name=_save]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page, "#form-errors")
    link = page.locator("#form-errors a", has_text="Step 2: “After this step” leads back to Step 1")
    assert link.get_attribute("href") == "#f-steps-1-next"
    assert page.locator("#steps-1-next-error").text_content() == (
        "Error: Step 2: “After this step” leads back to Step 1, making a loop (Step 1 → Step 2 → Step 1). "
        "A scenario cannot go back: choose a later step, or End.")
    assert_accessible(page, "the form with errors")
    tab_to(page, "#form-errors a[href='#f-steps-1-next']")
    page.keyboard.press("Enter")
    assert focused(page, "#f-steps-1-next")
