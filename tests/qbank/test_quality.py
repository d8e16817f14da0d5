"""Item-quality checks (question_bank.quality): each check on a question that has the flaw and a
close variant that does not; malformed data; the collection checks; the shipped course."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from question_bank import quality
from question_bank.quality import (CHECKS, SEVERITIES, CheckInfo, Finding, check_all,
                                   check_collection, check_question, summarise)
from tests.qbank.builders import make

ROOT = Path(__file__).resolve().parents[2]


def choice(*options: tuple[str, str, bool], qtype: str = "single_choice", stem: str = "Which is right?",
           **overrides) -> dict:
    """A choice question whose options all carry feedback, so only the flaw under test shows."""
    fields = {"stem": stem, "options": [{"id": oid, "text": text, "correct": correct, "feedback": "Because."}
                                        for oid, text, correct in options]}
    return make(qtype, **{**fields, **overrides})


def true_false(stem: str, answer: bool, **overrides) -> dict:
    fields = {"stem": stem, "answer": answer, "feedback_true": "Why true.", "feedback_false": "Why false."}
    return make("true_false", **{**fields, **overrides})


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def x(n: int, letter: str = "z") -> str:
    """An option text of exactly n characters with no content words to share with a stem."""
    return letter * n


# Four neutral options of equal length: the base that each check's variants change.
NEUTRAL = (("a", "Ask the person", True), ("b", "Call the nurse", False),
           ("c", "Tell a manager", False), ("d", "Read the notes", False))


def test_a_neutral_question_has_no_findings():
    assert check_question(choice(*NEUTRAL)) == []
    assert check_question(true_false("Care plans are reviewed.", True)) == []


# --------------------------------------------------------------------------- the interface


def test_finding_to_dict_has_all_six_keys():
    finding = Finding("key-longest", "error", "The correct option (a) is the longest.", "options.a",
                      "Haladyna", "q9")
    assert finding.to_dict() == {"code": "key-longest", "severity": "error",
                                 "message": "The correct option (a) is the longest.",
                                 "field": "options.a", "guideline": "Haladyna", "question": "q9"}
    assert json.loads(json.dumps(finding.to_dict())) == finding.to_dict()


def test_every_check_is_described_for_the_web_layer():
    assert list(CHECKS) == ["key-longest", "options-unequal-length", "all-none-of-above",
                            "absolute-in-distractors", "negative-stem", "stem-words-in-key",
                            "duplicate-options", "too-few-options", "missing-feedback",
                            "true-false-balance", "key-position-pattern", "check-failed"]
    for code, info in CHECKS.items():
        assert isinstance(info, CheckInfo) and info.code == code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code)
        assert info.severity in SEVERITIES
        assert info.title and info.guideline and info.explanation.endswith(".")
    assert SEVERITIES == ("error", "warning", "info")
    assert [c for c, i in CHECKS.items() if i.severity == "error"] == [
        "key-longest", "all-none-of-above", "duplicate-options"]


def test_every_finding_carries_the_guideline_of_its_check_and_the_question_id():
    findings = check_question(choice(("a", x(40), True), ("b", x(10), False), id="q-long"))
    assert findings and all(f.guideline == CHECKS[f.code].guideline for f in findings)
    assert {f.question for f in findings} == {"q-long"}


def test_importing_quality_loads_no_web_or_database_modules():
    probe = ("import json, sys, question_bank.quality; print(json.dumps(sorted(m for m in sys.modules"
             " if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug', 'course'))))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    assert json.loads(out) == []


# --------------------------------------------------------------------------- key-longest


def test_a_key_30_percent_longer_than_every_distractor_is_an_error():
    findings = check_question(choice(("a", x(13), True), ("b", x(10), False), ("c", x(9), False)))
    assert findings == [Finding(
        "key-longest", "error",
        "The correct option (a) is the longest: 13 characters against at most 10 for the others.",
        "options.a", CHECKS["key-longest"].guideline, "q1")]


def test_a_key_longest_by_less_than_30_percent_is_a_warning():
    (finding,) = check_question(choice(("a", x(10), False), ("b", x(12), True), ("c", x(9), False)))
    assert (finding.code, finding.severity, finding.field) == ("key-longest", "warning", "options.b")
    assert finding.message == ("The correct option (b) is the longest: 12 characters against at most "
                               "10 for the others.")


def test_length_is_counted_in_plain_text_so_markup_does_not_make_a_key_longest():
    # "**Ask them**" is 12 characters as written but 8 as read, against 10.
    assert only(check_question(choice(("a", "**Ask them**", True), ("b", "Call staff", False),
                                      ("c", "Note it", False))), "key-longest") == []
    (finding,) = only(check_question(choice(("a", "**Ask them now**", True), ("b", "Call staff", False),
                                            ("c", "Note it", False))), "key-longest")
    assert finding.message.startswith("The correct option (a) is the longest: 12 characters")


def test_a_key_tied_with_a_distractor_or_shorter_is_not_flagged():
    assert only(check_question(choice(("a", x(20), True), ("b", x(20), False), ("c", x(5), False))),
                "key-longest") == []
    assert only(check_question(choice(("a", x(10), True), ("b", x(20), False), ("c", x(15), False))),
                "key-longest") == []


def test_multiple_response_is_flagged_when_every_key_is_longer_than_every_distractor():
    question = choice(("a", x(30), True), ("b", x(34), True), ("c", x(25), False), ("d", x(20), False),
                      qtype="multiple_response")
    (finding,) = only(check_question(question), "key-longest")
    assert (finding.severity, finding.field) == ("warning", "options")
    assert finding.message == ("Every correct option (a, b) is longer than every wrong one: at least 30 "
                               "characters against at most 25.")
    obvious = choice(("a", x(40), True), ("b", x(34), True), ("c", x(25), False), ("d", x(20), False),
                     qtype="multiple_response")
    assert [f.severity for f in only(check_question(obvious), "key-longest")] == ["error"]


def test_multiple_response_with_a_distractor_longer_than_one_key_is_not_flagged():
    question = choice(("a", x(30), True), ("b", x(18), True), ("c", x(25), False), ("d", x(20), False),
                      qtype="multiple_response")
    assert only(check_question(question), "key-longest") == []


def test_a_key_with_far_more_content_words_is_flagged_even_when_not_longest():
    # 6 content words (ask, log, tell, plan, call, nurse) against 3 long ones: >= 1.5x and >= 3 more.
    question = choice(("a", "Ask, log, tell GP, plan, call nurse", True),
                      ("b", "Unquestionably straightforwardly inconsiderately", False),
                      ("c", "Wait and see", False))
    (finding,) = only(check_question(question), "key-longest")
    assert (finding.severity, finding.field) == ("warning", "options.a")
    assert finding.message == ("The correct option (a) is far more detailed than the others: 6 content "
                               "words against at most 3.")


def test_a_key_with_only_two_more_content_words_is_not_uniquely_detailed():
    question = choice(("a", "Ask, log, tell GP, plan", True),  # 4 content words against 3: not 3 more
                      ("b", "Unquestionably straightforwardly inconsiderately", False),
                      ("c", "Wait and see", False))
    assert only(check_question(question), "key-longest") == []


# --------------------------------------------------------------------------- options-unequal-length


def test_options_more_than_two_and_a_half_times_apart_in_length():
    question = choice(("a", x(11), True), ("b", x(26), False), ("c", x(11), False), ("d", x(10), False))
    (finding,) = only(check_question(question), "options-unequal-length")
    assert (finding.severity, finding.field) == ("warning", "options")
    assert finding.message == ("The options differ a lot in length: option (b) has 26 characters, "
                               "option (d) only 10.")


def test_options_exactly_two_and_a_half_times_apart_are_not_flagged():
    question = choice(("a", x(11), True), ("b", x(25), False), ("c", x(11), False), ("d", x(10), False))
    assert only(check_question(question), "options-unequal-length") == []


# --------------------------------------------------------------------------- all-none-of-above


def test_all_of_the_above_as_the_single_answer_is_an_error():
    question = choice(("a", "Ask first", False), ("b", "Log it", False), ("c", "Tell staff", False),
                      ("d", "All of the above", True))
    (finding,) = only(check_question(question), "all-none-of-above")
    assert (finding.severity, finding.field) == ("error", "options.d")
    assert finding.message.startswith("Option (d) is \"All of the above\" and it is the correct answer")


def test_all_of_the_above_as_a_distractor_and_none_of_the_above_anywhere_are_warnings():
    question = choice(("a", "Ask first", True), ("b", "Log it", False), ("c", "Both of these", False),
                      ("d", "None of the above", False))
    findings = only(check_question(question), "all-none-of-above")
    assert [(f.severity, f.field) for f in findings] == [("warning", "options.c"), ("warning", "options.d")]
    assert "can rule it out" in findings[0].message and "use it with care" in findings[1].message
    keyed_none = choice(("a", "Ask first", False), ("b", "Log it", False), ("c", "None of these", True))
    assert [f.severity for f in only(check_question(keyed_none), "all-none-of-above")] == ["warning"]


def test_all_of_the_above_keyed_in_multiple_response_is_a_warning_not_an_error():
    question = choice(("a", "Ask first", True), ("b", "Log it", False), ("c", "All of the above", True),
                      qtype="multiple_response")
    assert [f.severity for f in only(check_question(question), "all-none-of-above")] == ["warning"]


def test_options_that_only_mention_above_or_all_are_not_flagged():
    question = choice(("a", "Above all, stay calm", True), ("b", "All staff sign in", False),
                      ("c", "See the notes above", False))
    assert only(check_question(question), "all-none-of-above") == []


# --------------------------------------------------------------------------- absolute-in-distractors


def test_absolute_words_only_in_distractors():
    question = choice(("a", "Ask the person", True), ("b", "Never ask them", False),
                      ("c", "Always tell everyone", False), ("d", "Read the notes", False))
    findings = only(check_question(question), "absolute-in-distractors")
    assert [(f.severity, f.field) for f in findings] == [("warning", "options.b"), ("warning", "options.c")]
    assert findings[0].message == ("Option (b) uses \"never\" but no correct option uses such a word: "
                                   "test-wise learners rule absolute options out.")
    assert findings[1].message.startswith("Option (c) uses \"always\", \"everyone\" but")


def test_absolute_words_in_the_key_too_are_no_cue():
    question = choice(("a", "Never share a password", True), ("b", "Always ask them", False),
                      ("c", "Read the notes", False))
    assert only(check_question(question), "absolute-in-distractors") == []


def test_a_false_true_false_statement_with_an_absolute_word():
    (finding,) = check_question(true_false("Staff must always wear gloves to talk to someone.", False))
    assert (finding.code, finding.severity, finding.field) == ("absolute-in-distractors", "warning", "stem")
    assert finding.message.startswith("The statement uses \"always\" and is false")
    assert check_question(true_false("Staff must always wash their hands.", True)) == []


# --------------------------------------------------------------------------- negative-stem


@pytest.mark.parametrize("stem", ["Which of these is not a sign of neglect?",
                                  "Which is NOT a sign of neglect, and which is not?"])
def test_an_unemphasised_negative_in_the_question_is_a_warning(stem):
    (finding,) = only(check_question(choice(*NEUTRAL, stem=stem)), "negative-stem")
    assert (finding.severity, finding.field) == ("warning", "stem")
    assert finding.message == ("The question is worded negatively (\"not\") without emphasis: word it "
                               "positively, or put the negative in capitals or bold so that no one "
                               "misreads it.")


@pytest.mark.parametrize("stem", ["Which is NOT a sign of neglect?", "Which is **not** a sign?",
                                  "Which is __not__ a sign?", "Which is *not* a sign?",
                                  "Which is _not_ a sign?", "<p>Which is <strong>not</strong> a sign?</p>",
                                  "<p>Which is <em class='x'>not</em> a sign?</p>", "Which is <b>not</b>?"])
def test_an_emphasised_negative_is_info(stem):
    (finding,) = only(check_question(choice(*NEUTRAL, stem=stem)), "negative-stem")
    assert (finding.severity, finding.field) == ("info", "stem")
    assert "with emphasis: consider asking it positively" in finding.message


@pytest.mark.parametrize("stem", ["He does not know anyone there. What is the best first step?",
                                  "Jo says, \"I don't want help.\" What should you do first?",
                                  "Which of these is a sign of neglect?"])
def test_negatives_outside_the_question_sentence_are_not_flagged(stem):
    assert only(check_question(choice(*NEUTRAL, stem=stem)), "negative-stem") == []


def test_a_true_false_statement_is_judged_whole_without_its_true_or_false_prompt():
    assert check_question(true_false("True or false: a carer can share notes with the team.", True)) == []
    (finding,) = check_question(true_false("True or false: a person does not need a plan.", False))
    assert (finding.code, finding.severity) == ("negative-stem", "warning")
    assert "(\"not\")" in finding.message


# --------------------------------------------------------------------------- stem-words-in-key


def test_a_key_that_alone_repeats_stem_words():
    question = choice(("a", "The medicines administration record", True), ("b", "The care plan", False),
                      ("c", "The daily diary", False),
                      stem="Which record shows the medicines a resident has taken?")
    (finding,) = only(check_question(question), "stem-words-in-key")
    assert (finding.severity, finding.field) == ("warning", "options.a")
    assert finding.message == ("The correct option (a) repeats \"medicines\", \"record\" from the "
                               "question, and no wrong option does: a learner can match the words "
                               "instead of knowing the answer.")


def test_stem_words_shared_by_a_distractor_or_echoed_more_by_a_distractor_are_no_cue():
    shared = choice(("a", "The medicines administration record", True),
                    ("b", "The daily record", False), ("c", "The care plan", False),
                    stem="Which record shows the medicines a resident has taken?")
    # "medicines" is the key's alone, but the distractor repeats more stem words.
    outdone = choice(("a", "The medicines chart", True),
                     ("b", "The resident's record of what was taken", False),
                     ("c", "The care plan", False),
                     stem="Which record shows the medicines a resident has taken?")
    assert only(check_question(shared), "stem-words-in-key")[0].message.startswith(
        "The correct option (a) repeats \"medicines\" from")
    assert only(check_question(outdone), "stem-words-in-key") == []
    none_shared = choice(("a", "The medicines administration record", True),
                         ("b", "The daily medicines record", False), ("c", "The care plan", False),
                         stem="Which record shows the medicines a resident has taken?")
    assert only(check_question(none_shared), "stem-words-in-key") == []


def test_multiple_response_keys_that_all_echo_the_stem():
    question = choice(("a", "Visitors signed in", True), ("b", "Falls in the night", True),
                      ("c", "The menu", False), ("d", "Staff rota", False), qtype="multiple_response",
                      stem="Which records note visitors and falls?")
    (finding,) = only(check_question(question), "stem-words-in-key")
    assert (finding.severity, finding.field) == ("warning", "options")
    assert "(a, b)" in finding.message and "(\"visitors\", \"falls\")" in finding.message
    one_silent = choice(("a", "Visitors signed in", True), ("b", "Night checks", True),
                        ("c", "The menu", False), qtype="multiple_response",
                        stem="Which records note visitors and falls?")
    assert only(check_question(one_silent), "stem-words-in-key") == []


# --------------------------------------------------------------------------- duplicate-options


def test_options_with_the_same_plain_text_are_an_error():
    question = choice(("a", "Tell the manager", True), ("b", "Call the nurse", False),
                      ("c", "tell the **manager**", False))
    (finding,) = only(check_question(question), "duplicate-options")
    assert finding == Finding("duplicate-options", "error",
                              "Options (a) and (c) read the same: \"tell the manager\".", "options.c",
                              CHECKS["duplicate-options"].guideline, "q1")


def test_near_copies_are_a_warning():
    ten_words = "Record what you saw and tell your manager before the end of the shift"
    question = choice(("a", ten_words, True), ("b", ten_words.replace("saw", "heard"), False),
                      ("c", "Tell the manager.", False), ("d", "Tell the manager!", False))
    findings = only(check_question(question), "duplicate-options")
    assert [(f.severity, f.field) for f in findings] == [("warning", "options.b"), ("warning", "options.d")]
    assert findings[1].message == ("Options (c) and (d) are nearly the same: \"Tell the manager.\" and "
                                   "\"Tell the manager!\".")


def test_options_differing_in_one_word_of_a_few_are_not_near_copies():
    question = choice(("a", "Indirect discrimination", True), ("b", "Direct discrimination", False),
                      ("c", "Harassment", False), ("d", "Victimisation", False))
    assert only(check_question(question), "duplicate-options") == []
    six_words = "Tell your manager before the shift ends"
    assert only(check_question(choice(("a", six_words, True), ("b", six_words.replace("before", "after"),
                                                                   False))), "duplicate-options") == []


# --------------------------------------------------------------------------- too-few-options


def test_single_choice_with_two_options():
    question = choice(("a", "Yes, ask", True), ("b", "No, wait", False))
    (finding,) = only(check_question(question), "too-few-options")
    assert (finding.severity, finding.field) == ("warning", "options")
    assert finding.message.startswith("The question has only 2 options: a guess is right half the time")


def test_three_options_or_multiple_response_with_two_are_enough():
    assert only(check_question(choice(*NEUTRAL[:3])), "too-few-options") == []
    two = choice(("a", "Yes, ask", True), ("b", "No, wait", False), qtype="multiple_response")
    assert only(check_question(two), "too-few-options") == []


# --------------------------------------------------------------------------- missing-feedback


def test_an_option_without_feedback_is_info():
    question = choice(*NEUTRAL)
    question["options"][1]["feedback"] = "  "
    question["options"][0]["feedback"] = "<p></p>"
    findings = check_question(question)
    assert [(f.code, f.severity, f.field) for f in findings] == [
        ("missing-feedback", "info", "options.a"), ("missing-feedback", "info", "options.b")]
    assert findings[0].message == ("Option (a) has no feedback: a learner who chooses it is not told "
                                   "why it is correct.")
    assert findings[1].message.endswith("why it is wrong.")


def test_a_question_with_no_feedback_anywhere_is_one_warning():
    question = choice(*NEUTRAL)
    for option in question["options"]:
        del option["feedback"]
    assert [(f.code, f.severity, f.field) for f in check_question(question)] == [
        ("missing-feedback", "warning", "")]
    question["general_feedback"] = "Asking first keeps the person in control."
    assert [(f.severity, f.field) for f in check_question(question)] == [
        ("info", "options.a"), ("info", "options.b"), ("info", "options.c"), ("info", "options.d")]


def test_true_false_feedback():
    one_missing = true_false("Care plans are reviewed.", True, feedback_false="")
    assert [(f.code, f.severity, f.field) for f in check_question(one_missing)] == [
        ("missing-feedback", "info", "feedback_false")]
    assert check_question(one_missing)[0].message == "There is no feedback for the answer False."
    none = make("true_false", stem="Care plans are reviewed.", answer=True)
    assert [(f.severity, f.field) for f in check_question(none)] == [("warning", "")]
    general_only = make("true_false", stem="Plans are reviewed.", answer=True, general_feedback="They are.")
    assert [(f.severity, f.field) for f in check_question(general_only)] == [
        ("info", "feedback_true"), ("info", "feedback_false")]


@pytest.mark.parametrize("qtype", ["matching", "ordering", "short_answer", "numeric"])
def test_other_auto_marked_types_need_some_feedback(qtype):
    (finding,) = check_question(make(qtype))
    assert (finding.code, finding.severity, finding.field) == ("missing-feedback", "warning", "")
    assert finding.message == ("The question has no feedback at all: a learner who gets it wrong is "
                               "not told why.")
    assert check_question(make(qtype, general_feedback="Here is why.")) == []


def test_answer_feedback_counts_for_short_answer_and_numeric_and_essays_are_not_checked():
    gap = {"id": "g1", "answers": [{"text": "x", "feedback": "Right, x."}]}
    assert check_question(make("short_answer", gaps=[gap])) == []
    assert check_question(make("numeric", answers=[{"value": 2, "feedback": "Two."}])) == []
    assert check_question(make("essay")) == []


# --------------------------------------------------------------------------- scenarios


def scenario(*steps: dict, **overrides) -> dict:
    return make("scenario", id="sc", steps=[{"id": f"s{n}", "question": {"id": f"c{n}", **step}}
                                           for n, step in enumerate(steps, start=1)], **overrides)


def test_a_scenario_steps_findings_have_step_paths_and_the_scenario_id():
    long_key = choice(("a", x(40), True), ("b", x(10), False), ("c", x(10, "y"), False))
    negative = true_false("A person does not need a plan.", False)
    question = scenario({k: long_key[k] for k in ("type", "stem", "options")},
                        {k: negative[k] for k in ("type", "stem", "answer", "feedback_true",
                                                  "feedback_false")})
    findings = check_question(question)
    assert [(f.code, f.severity, f.field, f.question) for f in findings] == [
        ("key-longest", "error", "steps.s1.question.options.a", "sc"),
        ("options-unequal-length", "warning", "steps.s1.question.options", "sc"),
        ("negative-stem", "warning", "steps.s2.question.stem", "sc")]
    assert findings[0].message == ("In step s1, the correct option (a) is the longest: 40 characters "
                                   "against at most 10 for the others.")


def test_a_clean_scenario_has_no_findings():
    neutral = choice(*NEUTRAL)
    assert check_question(scenario({k: neutral[k] for k in ("type", "stem", "options")})) == []


# --------------------------------------------------------------------------- malformed data


def failed(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.field, f.message) for f in findings if f.code == "check-failed"]


PREFIX = "The quality checks could not run on this question: "


@pytest.mark.parametrize("change, field, problem", [
    ({"options": None}, "options", "it has no options"),
    ({"options": "a, b, c"}, "options", "its options are not a list"),
    ({"options": []}, "options", "its list of options is empty"),
    ({"options": ["Ask", "Tell"]}, "options", "option 1 is not an option (id, text, correct)"),
    ({"options": [{"text": "Ask", "correct": True}]}, "options", "option 1 has no id"),
    ({"options": [{"id": "a", "text": "Ask", "correct": True}, {"id": "b", "text": 5, "correct": False}]},
     "options.b", "the text of option (b) is not text"),
    ({"options": [{"id": "a", "text": "Ask", "correct": "yes"}]}, "options.a",
     "option (a) does not say whether it is correct"),
    ({"options": [{"id": "a", "text": "Ask", "correct": True, "feedback": ["x"]}]}, "options.a",
     "the feedback of option (a) is not text"),
])
def test_malformed_options_give_one_check_failed_naming_the_problem(change, field, problem):
    question = choice(*NEUTRAL, **change)
    findings = check_question(question)
    assert failed(findings) == [(field, PREFIX + problem + ".")]
    assert [f.code for f in findings] == ["check-failed"]
    assert findings[0].severity == "warning" and findings[0].question == "q1"


def test_a_missing_stem_still_lets_the_checks_that_need_no_stem_run():
    question = choice(("a", x(40), True), ("b", x(10), False), ("c", x(10, "y"), False))
    del question["stem"]
    findings = check_question(question)
    assert failed(findings) == [("stem", PREFIX + "its stem is missing.")]
    assert [f.code for f in findings] == ["key-longest", "options-unequal-length", "check-failed"]


@pytest.mark.parametrize("data, field, problem", [
    (None, "", "it is not a question (a JSON object)"),
    (["single_choice"], "", "it is not a question (a JSON object)"),
    ({"id": "q1", "stem": "?"}, "type", "it has no type"),
    ({"id": "q1", "type": "hotspot"}, "type", "its type \"hotspot\" is not one carecourse knows"),
    ({"id": "q1", "type": 3}, "type", "its type is not text"),
    ({"id": "q1", "type": "true_false", "stem": "Plans are reviewed.", "answer": "yes",
      "feedback_true": "a", "feedback_false": "b"}, "answer", "its answer is not true or false"),
    ({"id": "q1", "type": "true_false", "stem": "Plans are reviewed.", "answer": True,
      "feedback_true": 1}, "feedback_true", "its feedback_true is not text"),
    ({"id": "q1", "type": "short_answer", "stem": "{{g1}}", "gaps": {"g1": "x"}}, "gaps",
     "its gaps are not a list"),
    ({"id": "q1", "type": "numeric", "answers": [{"value": 1, "feedback": None}]}, "answers",
     "an answer's feedback is not text"),
    ({"id": "q1", "type": "short_answer", "gaps": [{"id": "g1", "answers": [{"text": "x"}]},
                                                   {"id": "g2", "answers": None}]},
     "gaps.g2.answers", "its answers are not a list"),
    ({"id": "q1", "type": "short_answer", "gaps": [{"answers": "x"}]}, "gaps.0.answers",
     "its answers are not a list"),
])
def test_malformed_questions_give_check_failed(data, field, problem):
    findings = check_question(data)
    assert failed(findings) == [(field, PREFIX + problem + ".")]
    assert findings[0].question == ("q1" if isinstance(data, dict) else "")


@pytest.mark.parametrize("steps, field, problem", [
    (None, "steps", "its steps are missing or not a list"),
    ("s1", "steps", "its steps are missing or not a list"),
    ([], "steps", "its steps are missing or not a list"),
    ([{"question": {}}], "steps", "step 1 has no id"),
    (["s1"], "steps", "step 1 has no id"),
    ([{"id": "s1", "question": "Which?"}], "steps.s1.question", "it is not a question (a JSON object)"),
    ([{"id": "s1"}], "steps.s1.question", "it is not a question (a JSON object)"),
    ([{"id": "s1", "question": {"id": "c1", "type": "scenario", "steps": []}}], "steps.s1.question.type",
     "a scenario step cannot itself be a scenario"),
    ([{"id": "s1", "question": {"id": "c1", "type": "single_choice", "stem": "?", "options": 7}}],
     "steps.s1.question.options", "its options are not a list"),
])
def test_a_scenario_with_broken_steps_gives_check_failed(steps, field, problem):
    findings = check_question(make("scenario", id="sc", steps=steps))
    assert failed(findings) == [(field, (PREFIX + problem + ".") if not field.startswith("steps.")
                                 else "In step s1, the quality checks could not run on this question: "
                                      + problem + ".")]
    assert {f.question for f in findings} == {"sc"}


def test_one_check_tripping_on_odd_data_does_not_hide_the_others(monkeypatch):
    def trips(data):
        raise ZeroDivisionError
    monkeypatch.setitem(quality._QUESTION_CHECKS, "options-unequal-length",
                        (trips, ("single_choice",)))
    findings = check_question(choice(("a", x(40), True), ("b", x(10), False), ("c", x(10, "y"), False)))
    assert [(f.code, f.message) for f in findings] == [
        ("key-longest", "The correct option (a) is the longest: 40 characters against at most 10 for "
                        "the others."),
        ("check-failed", PREFIX + "the \"Options very unequal in length\" check met data it cannot "
                                  "read (ZeroDivisionError).")]


@pytest.mark.parametrize("data", [
    {}, {"type": None}, {"id": 7, "type": "single_choice"}, {"id": "q", "type": "single_choice", "stem": None,
                                                          "options": [None, 1, "x"]},
    {"id": "q", "type": "multiple_response", "stem": ["x"], "options": [{"id": 1}]},
    {"id": "q", "type": "scenario", "steps": [{"id": "s1", "question": {"type": "true_false"}}, None, 4]},
    {"id": "q", "type": "matching", "general_feedback": {"x": 1}},
    {"id": "q", "type": "short_answer", "gaps": [None, {"answers": "x"}]},
    {"id": "q", "type": "single_choice", "stem": "?", "options": [{"id": "a", "text": "A", "correct": True}],
     "general_feedback": 3},
])
def test_odd_data_never_raises_and_is_reported(data):
    before = copy.deepcopy(data)
    findings = check_question(data)
    assert "check-failed" in [f.code for f in findings]
    assert data == before
    assert "check-failed" in [f.code for f in check_all([data])]


def test_the_checks_leave_the_question_unchanged():
    question = choice(("a", x(40), True), ("b", "Never", False), stem="Which is not right?")
    before = copy.deepcopy(question)
    check_question(question)
    assert question == before


# --------------------------------------------------------------------------- bounded work


def test_only_the_first_hundred_options_are_looked_at():
    options = [(f"o{n}", f"Option number {n}", n == 0) for n in range(150)]
    options[100] = ("o100", "Option number 0", False)  # a duplicate beyond the limit
    assert only(check_question(choice(*options)), "duplicate-options") == []
    options[99] = ("o99", "Option number 0", False)
    assert [f.field for f in only(check_question(choice(*options)), "duplicate-options")] == ["options.o99"]


def test_near_copies_are_sought_among_the_first_twenty_options_exact_copies_among_all():
    long = "Record what you saw and tell your manager before the end of the shift"
    options = [(f"o{n}", f"Option {n}", n == 0) for n in range(30)]
    options[0] = ("o0", long, True)
    options[25] = ("o25", long.replace("saw", "heard"), False)
    assert only(check_question(choice(*options)), "duplicate-options") == []
    options[25] = ("o25", long.upper(), False)
    assert [f.severity for f in only(check_question(choice(*options)), "duplicate-options")] == ["error"]
    options[10] = ("o10", long.replace("saw", "heard"), False)
    assert [f.field for f in only(check_question(choice(*options)), "duplicate-options")] == [
        "options.o10", "options.o25"]


def test_unclosed_angle_brackets_are_read_as_text():
    # A "<" that no ">" closes is text (cues' tag pattern never spans another "<", so 40,000 of
    # them cost one pass, not one rescan each): the question is still read, its negative found.
    question = choice(*NEUTRAL, stem="<" * 40_000 + " Which is not right?")
    assert [(f.code, f.severity) for f in check_question(question)] == [("negative-stem", "warning")]
    emphasised = choice(*NEUTRAL, stem="a < b. Which is <strong>not</strong> right?")
    assert [(f.code, f.severity) for f in check_question(emphasised)] == [("negative-stem", "info")]


def test_texts_beyond_the_input_limits_are_cut():
    # The stem's negative lies past limits.STEM_CHARS (50,000), so it is not read.
    question = choice(*NEUTRAL, stem="word " * 10_001 + "Which is not right?")
    assert only(check_question(question), "negative-stem") == []
    question = choice(*NEUTRAL, stem="word " * 9_990 + "Which is not right?")
    assert len(only(check_question(question), "negative-stem")) == 1


# --------------------------------------------------------------------------- collections


def tf_bank(*answers: bool) -> list[dict]:
    return [true_false(f"Statement {n}.", answer, id=f"tf{n}") for n, answer in enumerate(answers, 1)]


def test_true_false_keys_mostly_true():
    (finding,) = check_collection(tf_bank(True, True, True, False))
    assert finding == Finding("true-false-balance", "warning",
                              "3 of 4 true/false answers are True: a learner who answers True whenever "
                              "unsure gains marks; aim for about half each.", "",
                              CHECKS["true-false-balance"].guideline, "")


def test_true_false_keys_mostly_false():
    (finding,) = check_collection(tf_bank(False, True, False, False, False))
    assert finding.message.startswith("4 of 5 true/false answers are False")


def test_true_false_balance_boundaries():
    assert check_collection(tf_bank(True, True, False, False)) == []
    assert check_collection(tf_bank(True, True, True)) == []  # fewer than four
    assert check_collection(tf_bank(*[True] * 13 + [False] * 7)) == []  # 65% is not above 65%
    assert len(check_collection(tf_bank(*[True] * 14 + [False] * 6))) == 1
    assert check_collection(tf_bank(*[True] * 7 + [False] * 13)) == []  # 35% is not below 35%
    assert len(check_collection(tf_bank(*[True] * 6 + [False] * 14))) == 1


def test_scenario_true_false_steps_count_towards_the_balance():
    steps = [{"type": "true_false", "stem": "S.", "answer": True},
             {"type": "true_false", "stem": "T.", "answer": True}]
    bank = [*tf_bank(True, False), scenario(*steps)]
    (finding,) = check_collection(bank)
    assert finding.message.startswith("3 of 4 true/false answers are True")


def sc_bank(*positions: int, shuffle: bool = False, options: int = 4) -> list[dict]:
    """Single-choice questions q1, q2, ... whose correct option is at the given 1-based position."""
    return [choice(*[(chr(96 + n), f"Option {n}", n == position) for n in range(1, options + 1)],
                   id=f"q{i}", shuffle=shuffle) for i, position in enumerate(positions, 1)]


def test_one_position_holding_more_than_half_the_keys():
    (finding,) = check_collection(sc_bank(1, 2, 1, 1))
    assert finding == Finding(
        "key-position-pattern", "warning",
        "The correct option is the first one in 3 of the 4 single-choice questions whose options are "
        "not shuffled (q1, q3, q4): a learner who notices can choose it whenever unsure.", "",
        CHECKS["key-position-pattern"].guideline, "")


def test_half_the_keys_in_one_position_is_not_a_pattern():
    assert check_collection(sc_bank(1, 2, 1, 2)) == []
    assert check_collection(sc_bank(3, 3, 3)) == []  # fewer than four


def test_four_in_a_row_in_the_same_position():
    (finding,) = check_collection(sc_bank(1, 2, 2, 2, 2, 1, 3, 4))
    assert finding.message == ("The correct option is the second one in 4 questions in a row "
                               "(q2, q3, q4, q5): vary its place, or shuffle the options.")
    assert check_collection(sc_bank(1, 2, 2, 2, 1, 2, 3, 4)) == []


def test_both_rules_can_fire_and_long_lists_are_shortened():
    findings = check_collection(sc_bank(*[4] * 12))
    assert [f.code for f in findings] == ["key-position-pattern", "key-position-pattern"]
    assert "fourth one in 12 of the 12" in findings[0].message
    assert "(q1, q2, q3, q4, q5, q6, q7, q8, q9, q10 and 2 more)" in findings[1].message


def test_shuffled_options_have_no_position_pattern():
    assert check_collection(sc_bank(1, 1, 1, 1, shuffle=True)) == []
    assert check_collection(sc_bank(1, 1, 1, 1), options_shuffled=True) == []
    mixed = sc_bank(1, 1, 1, shuffle=True) + sc_bank(1)
    assert check_collection(mixed) == []


def test_scenario_single_choice_steps_count_towards_the_position_pattern():
    neutral = choice(*NEUTRAL)  # keyed first, options not shuffled
    step = {k: neutral[k] for k in ("type", "stem", "options")}
    (finding,) = [f for f in check_collection([*sc_bank(1, 2), scenario(step, step)])
                  if "3 of the 4" in f.message]
    assert "(q1, sc (step s1), sc (step s2))" in finding.message


def test_the_collection_checks_skip_what_they_cannot_read():
    bank = [None, "tf", {"type": "true_false", "answer": True}, *tf_bank(True, True, True),
            {"id": "x", "type": "true_false", "answer": "yes"},
            {"id": "y", "type": "single_choice", "options": [{"correct": True}, "b"]}]
    assert check_collection(bank) == []  # three readable true/false questions: too few to judge
    (finding,) = check_collection(bank + tf_bank(True))
    assert finding.message.startswith("4 of 4 true/false answers are True")
    (broken,) = check_collection(None)  # type: ignore[arg-type]
    assert (broken.code, broken.question, broken.field) == ("check-failed", "", "")
    assert broken.message == ("The quality checks could not run on this collection: it is not a list "
                              "of questions (TypeError).")
    assert check_all(None) == [broken]  # type: ignore[arg-type]


def test_check_all_is_each_question_then_the_collection():
    bank = [choice(("a", x(40), True), ("b", x(10), False), ("c", x(10, "y"), False), id="long"),
            *tf_bank(True, True, True, True)]
    findings = check_all(bank)
    assert findings == [*check_question(bank[0]), *check_collection(bank)]
    assert [(f.code, f.question) for f in findings] == [
        ("key-longest", "long"), ("options-unequal-length", "long"), ("true-false-balance", "")]
    assert check_all([]) == []


def test_summarise_counts_by_code_in_checks_order():
    findings = check_all([choice(("a", x(40), True), ("b", x(10), False), ("c", x(10, "y"), False)),
                          choice(("a", x(10), True), ("b", x(10, "y"), False), ("c", x(40), False))])
    assert summarise(findings) == {code: {"key-longest": 1, "options-unequal-length": 2}.get(code, 0)
                                   for code in CHECKS}
    assert list(summarise([])) == list(CHECKS) and set(summarise([]).values()) == {0}
    odd = Finding("from-elsewhere", "info", "m", "", "g")
    assert list(summarise([odd]).items())[-1] == ("from-elsewhere", 1)


# --------------------------------------------------------------------------- the shipped course


def test_the_first_edition_shape_of_findings_is_still_caught():
    # The first edition's findings (issue "Quizzes that measure knowledge": 139 errors, 248
    # warnings over 163 questions) were removed by the second edition; a question in its style
    # still gives them, so the checks cannot have gone quiet.
    first_edition_style = choice(
        ("a", "Ask Mr Okafor how he would like his weekly visits arranged, and write it in his care plan", True),
        ("b", "A late breakfast", False), ("c", "Never visit", False), stem="How should his visits be arranged?")
    codes = {f.code for f in check_question(first_edition_style)}
    assert {"key-longest", "options-unequal-length", "absolute-in-distractors", "stem-words-in-key"} <= codes


def test_the_shipped_course_has_no_findings():
    # The second edition (288 questions, 80 true/false keys of which 40 are True) was written
    # against these checks: not one finding of any severity.
    from course.shipped import load_shipped_document

    findings = check_all(load_shipped_document()["questions"])
    assert findings == []
