"""question_bank.testwise: what a learner with no knowledge of the content earns on a quiz.

Expected values are worked out by hand (the working is in the comments) or, for the larger spaces,
by an independent brute force over every response written here from the documented rules.
"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from question_bank import dump_question, load_question, mark, scenario_path
from question_bank import testwise
from question_bank.model import Question
from question_bank.testwise import (
    Pick,
    estimate_quiz,
    modal_key_position,
    question_distribution,
    pick_option,
)
from tests.qbank.builders import make

ROOT = Path(__file__).resolve().parents[2]
FRUIT = ["Apple", "Melon", "Grape", "Lemon"]  # equal lengths, no absolute words, no stem words


def canonical(qtype: str, **keys) -> dict:
    """A question as the bank stores it: validated, every default filled in."""
    return dump_question(load_question(make(qtype, **keys)))


def options(texts: list[str], key: int) -> list[dict]:
    return [{"id": chr(ord("a") + i), "text": text, "correct": i == key} for i, text in enumerate(texts)]


def single(qid: str, texts: list[str], key: int, stem: str = "Which word names a fruit?",
           criteria: tuple[str, ...] = ("NOS-EFFREL/K1",), **keys) -> dict:
    return canonical("single_choice", id=qid, stem=stem, options=options(texts, key),
                     criteria=list(criteria), **keys)


def true_false(qid: str, answer: bool, criteria: tuple[str, ...] = ("NOS-EFFREL/K2",), **keys) -> dict:
    return canonical("true_false", id=qid, stem="Say whether this is so.", answer=answer,
                     criteria=list(criteria), **keys)


def assert_distribution(actual, expected) -> None:
    assert actual is not None
    assert len(actual) == len(expected), actual
    for (p, fraction), (p_expected, f_expected) in zip(actual, expected):
        assert fraction == pytest.approx(f_expected, abs=1e-6), actual
        assert p == pytest.approx(p_expected, abs=1e-9), actual
    assert sum(p for p, _ in actual) == pytest.approx(1.0, abs=1e-9)


def mean(distribution) -> float:
    return sum(p * f for p, f in distribution)


# --- single choice ------------------------------------------------------------------------------------

LONGEST_KEY = ["Ask", "Listen to the person and check what they want", "Leave", "Wait"]


def test_single_choice_guess_is_one_in_the_number_of_options():
    assert_distribution(question_distribution(single("q", FRUIT, 2), "guess"), [(0.75, 0.0), (0.25, 1.0)])
    assert_distribution(question_distribution(single("q", FRUIT[:2], 0), "guess"), [(0.5, 0.0), (0.5, 1.0)])


def test_testwise_takes_the_strictly_longest_option():
    keyed = single("q", LONGEST_KEY, 1, stem="What should a carer do first?")
    assert pick_option(keyed) == Pick(("b",), "longest")
    assert_distribution(question_distribution(keyed, "testwise"), [(1.0, 1.0)])
    # The same cue on a distractor costs the learner the mark.
    misleading = single("q", LONGEST_KEY, 0, stem="What should a carer do first?")
    assert_distribution(question_distribution(misleading, "testwise"), [(1.0, 0.0)])
    # Two longest options of equal length are no cue.
    assert pick_option(single("q", ["Long one", "Long two", "Short"], 0)).rule != "longest"


def test_testwise_takes_the_option_echoing_the_stem():
    stem = "Who agrees the care plan?"
    texts = ["Plan owner", "The doctor", "A neighbor", "Your uncle"]  # equal lengths; "plan" echoes
    assert pick_option(single("q", texts, 0, stem=stem)) == Pick(("a",), "stem_words")
    assert_distribution(question_distribution(single("q", texts, 0, stem=stem), "testwise"), [(1.0, 1.0)])
    assert_distribution(question_distribution(single("q", texts, 3, stem=stem), "testwise"), [(1.0, 0.0)])


def test_testwise_takes_all_of_the_above_but_drops_none_of_the_above():
    stem = "What is good practice?"
    inclusive = single("q", ["Listen carefully", "Record carefully", "All of these"], 2, stem=stem)
    assert pick_option(inclusive) == Pick(("c",), "all_of_the_above")
    assert_distribution(question_distribution(inclusive, "testwise"), [(1.0, 1.0)])
    # "None of these" has the absolute word "none": dropped, the learner guesses between the others.
    exclusive = single("q", ["Listen carefully", "Record carefully", "None of these"], 0, stem=stem)
    assert pick_option(exclusive) == Pick(("a", "b"), "absolute_words")
    assert_distribution(question_distribution(exclusive, "testwise"), [(0.5, 0.0), (0.5, 1.0)])


def test_testwise_drops_options_with_absolute_words_unless_all_have_them():
    texts = ["Always ask", "Never stop", "Ask gently", "Stop again"]
    assert pick_option(single("q", texts, 2, stem="What helps?")) == Pick(("c", "d"), "absolute_words")
    assert_distribution(question_distribution(single("q", texts, 2, stem="What helps?"), "testwise"),
                        [(0.5, 0.0), (0.5, 1.0)])
    # The absolute option is the key: eliminating it makes a score of 0 certain.
    assert_distribution(question_distribution(single("q", texts, 0, stem="What helps?"), "testwise"),
                        [(1.0, 0.0)])
    everywhere = ["Always ask", "Never stop", "Only if so"]
    assert pick_option(single("q", everywhere, 1, stem="What helps?")) == Pick(("a", "b", "c"), "guess")


def test_testwise_uses_the_modal_key_position_only_where_options_keep_their_order():
    plain = single("q", FRUIT, 2)
    assert pick_option(plain) == Pick(("a", "b", "c", "d"), "guess")
    assert pick_option(plain, key_position=2) == Pick(("c",), "key_position")
    assert_distribution(question_distribution(plain, "testwise", key_position=2), [(1.0, 1.0)])
    assert_distribution(question_distribution(plain, "testwise", key_position=0), [(1.0, 0.0)])
    # Shuffled options (by the question or by the player) hide the position.
    assert pick_option(single("q", FRUIT, 2, shuffle=True), key_position=2).rule == "guess"
    assert pick_option(plain, key_position=2, options_shuffled=True).rule == "guess"
    # A position already eliminated is not taken; nor is one the question does not have.
    absolute = single("q", ["Always ask", "Never stop", "Ask gently", "Stop again"], 2, stem="What helps?")
    assert pick_option(absolute, key_position=0) == Pick(("c", "d"), "absolute_words")
    assert pick_option(plain, key_position=7).rule == "guess"
    # The guessing learner never uses it.
    assert_distribution(question_distribution(plain, "guess", key_position=2), [(0.75, 0.0), (0.25, 1.0)])


def test_modal_key_position_counts_unshuffled_items_and_scenario_steps():
    # A pattern needs at least four unshuffled items (cues.KEY_POSITION_MIN_ITEMS), one position
    # holding more than half of their keys: the same rule the key-position check warns by.
    three_of_four = [single("a", FRUIT, 2), single("b", FRUIT, 2), single("c", FRUIT, 0), single("d", FRUIT, 2)]
    assert modal_key_position(three_of_four) == 2
    assert modal_key_position(three_of_four[:3]) is None  # three items: too few to notice
    assert modal_key_position([single("a", FRUIT, 2), single("b", FRUIT, 2), single("c", FRUIT, 0),
                               single("d", FRUIT, 1)]) is None  # 2 of 4 is not more than half
    assert modal_key_position([]) is None
    shuffled = [single("a", FRUIT, 2, shuffle=True), single("b", FRUIT, 2, shuffle=True),
                single("c", FRUIT, 0), single("d", FRUIT, 0), single("e", FRUIT, 0), single("f", FRUIT, 2)]
    assert modal_key_position(shuffled) == 0  # the shuffled two do not count
    assert modal_key_position(three_of_four, options_shuffled=True) is None
    child = {"type": "single_choice", "stem": "?", "options": options(FRUIT, 1)}
    case = canonical("scenario", id="s", steps=[{"id": "s" + str(n), "question": {**child, "id": f"c{n}"}}
                                                 for n in (1, 2, 3)])
    assert modal_key_position([case, single("a", FRUIT, 3)]) == 1
    # Items without exactly one key, and other types, do not count.
    odd = [true_false("t", True), {"type": "single_choice", "options": []}, "junk"]
    assert modal_key_position(odd) is None


# --- the other auto-marked types --------------------------------------------------------------------------

def test_true_false_guess_halves_and_testwise_answers_true():
    assert_distribution(question_distribution(true_false("t", True), "guess"), [(0.5, 0.0), (0.5, 1.0)])
    assert_distribution(question_distribution(true_false("t", True), "testwise"), [(1.0, 1.0)])
    assert_distribution(question_distribution(true_false("t", False), "testwise"), [(1.0, 0.0)])


def response_options(texts: list[str], keys: set[int]) -> list[dict]:
    return [{"id": chr(ord("a") + i), "text": t, "correct": i in keys} for i, t in enumerate(texts)]


def test_multiple_response_guess_is_a_random_non_empty_subset():
    q = canonical("multiple_response", options=response_options(["A1", "B1", "C1"], {0, 1}))
    # a, b right (+1/2 each), c wrong (-1): {a} {b} 0.5; {a,b} 1; {c} {a,c} {b,c} {a,b,c} floor 0.
    assert_distribution(question_distribution(q, "guess"), [(4 / 7, 0.0), (2 / 7, 0.5), (1 / 7, 1.0)])
    strict = canonical("multiple_response", options=response_options(["A1", "B1", "C1"], {0, 1}),
                       all_or_nothing=True)
    assert_distribution(question_distribution(strict, "guess"), [(6 / 7, 0.0), (1 / 7, 1.0)])


def test_multiple_response_testwise_ticks_the_options_longer_than_the_mean():
    texts = ["Explain what will happen", "Check they agree to it", "Hurry"]  # mean 17.3: a and b
    assert_distribution(question_distribution(
        canonical("multiple_response", options=response_options(texts, {0, 1})), "testwise"), [(1.0, 1.0)])
    # The long options are b (right) and a (wrong): +1/2 for b, -1/1 for a, floored at 0.
    assert_distribution(question_distribution(
        canonical("multiple_response", options=response_options(texts, {1, 2})), "testwise"), [(1.0, 0.0)])
    # All the same length: no cue, so a guess.
    same = canonical("multiple_response", options=response_options(["A1", "B1", "C1"], {0, 1}))
    assert question_distribution(same, "testwise") == question_distribution(same, "guess")


def test_matching_gives_each_premise_a_random_response():
    q = canonical("matching", premises=[{"id": "p1", "text": "P", "match": "r1"},
                                        {"id": "p2", "text": "Q", "match": "r2"}],
                  responses=[{"id": "r1", "text": "R"}, {"id": "r2", "text": "S"}, {"id": "r3", "text": "T"}])
    # Each premise right with 1/3: none (2/3)^2 = 4/9, one 2(1/3)(2/3) = 4/9, both 1/9.
    expected = [(4 / 9, 0.0), (4 / 9, 0.5), (1 / 9, 1.0)]
    assert_distribution(question_distribution(q, "guess"), expected)
    assert_distribution(question_distribution(q, "testwise"), expected)
    one_response = canonical("matching", premises=[{"id": "p1", "text": "P", "match": "r1"}],
                             responses=[{"id": "r1", "text": "R"}])
    assert_distribution(question_distribution(one_response, "guess"), [(1.0, 1.0)])


def test_matching_with_many_premises_is_exact_and_binomial():
    premises = [{"id": f"p{i}", "text": f"P{i}", "match": f"r{i % 4}"} for i in range(12)]
    responses = [{"id": f"r{i}", "text": f"R{i}"} for i in range(4)]
    q = canonical("matching", premises=premises, responses=responses)
    distribution = question_distribution(q, "guess")
    assert len(distribution) == 13
    assert distribution[0] == (pytest.approx(0.75 ** 12), 0.0)
    assert mean(distribution) == pytest.approx(0.25)


def test_ordering_is_a_random_permutation():
    q = canonical("ordering", items=[{"id": f"i{n}", "text": str(n)} for n in range(3)])
    # Of the 6 orders: 123 scores 1, 321 scores 0, the other four keep 2 in order: (2-1)/(3-1) = 0.5.
    expected = [(1 / 6, 0.0), (4 / 6, 0.5), (1 / 6, 1.0)]
    assert_distribution(question_distribution(q, "guess"), expected)
    assert_distribution(question_distribution(q, "testwise"), expected)


def longest_increasing(values) -> int:
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best)


def test_a_long_ordering_is_sampled_deterministically_and_close_to_the_exact_mean():
    q = canonical("ordering", items=[{"id": f"i{n}", "text": str(n)} for n in range(8)])
    exact = sum((longest_increasing(p) - 1) / 7 for p in itertools.permutations(range(8))) / math.factorial(8)
    sampled = question_distribution(q, "guess")
    assert sampled == question_distribution(q, "guess")
    # 10,000 samples of a fraction with a standard deviation under 0.2: the error of the mean is
    # under 0.002; 0.01 is five of those.
    assert mean(sampled) == pytest.approx(exact, abs=0.01)
    assert sum(p for p, _ in sampled) == pytest.approx(1.0)
    estimate = estimate_quiz({"pass_mark": 0.8, "items": [{"question": "q1", "version": 1}]}, [q])
    assert estimate.method == "simulated" and estimate.samples == 0
    assert any("responses sampled" in note and "q1 v1" in note for note in estimate.notes)


def test_a_wide_multiple_response_is_sampled_close_to_the_exact_mean():
    texts = [f"Opt{n}" for n in range(11)]
    q = canonical("multiple_response", options=response_options(texts, {0}))

    def rule(subset: tuple[int, ...]) -> float:  # docs/formats.md: +1/#right, -1/#wrong, floor 0
        if subset == (0,):
            return 1.0
        return max(0.0, (1.0 if 0 in subset else 0.0) - sum(1 for i in subset if i != 0) / 10)

    subsets = [s for r in range(1, 12) for s in itertools.combinations(range(11), r)]
    exact = sum(rule(s) for s in subsets) / len(subsets)
    sampled = question_distribution(q, "guess")
    assert mean(sampled) == pytest.approx(exact, abs=0.01)  # sd < 0.5 over 10,000 samples: error < 0.005
    # Ten options are enumerated (1,023 subsets): exactly the brute force.
    ten = canonical("multiple_response", options=response_options(texts[:10], {0}))
    subsets = [s for r in range(1, 11) for s in itertools.combinations(range(10), r)]
    exact_ten = sum(1.0 if s == (0,) else max(0.0, (0 in s) - sum(1 for i in s if i != 0) / 9)
                    for s in subsets) / len(subsets)
    assert mean(question_distribution(ten, "guess")) == pytest.approx(exact_ten, abs=1e-9)


def test_short_answer_dropdown_gaps_take_a_random_option_and_text_gaps_score_nothing():
    q = canonical("short_answer", stem="Pick {{g1}} and type {{g2}}.", gaps=[
        {"id": "g1", "options": ["x", "y", "z"], "answers": [{"text": "x"}, {"text": "y", "credit": 0.5}]},
        {"id": "g2", "answers": [{"text": "anything"}]},
    ])
    # g1: x 1, y 0.5, z 0, a third each; g2 empty 0; the mean over the two gaps.
    expected = [(1 / 3, 0.0), (1 / 3, 0.25), (1 / 3, 0.5)]
    assert_distribution(question_distribution(q, "guess"), expected)
    assert_distribution(question_distribution(q, "testwise"), expected)
    text_only = canonical("short_answer")
    assert_distribution(question_distribution(text_only, "testwise"), [(1.0, 0.0)])


def test_many_dropdown_gaps_are_sampled_close_to_the_exact_mean():
    gaps = [{"id": f"g{n}", "options": ["a", "b", "c", "d"], "answers": [{"text": "a"}]} for n in range(7)]
    q = canonical("short_answer", stem=" ".join(f"{{{{g{n}}}}}" for n in range(7)), gaps=gaps)
    # 4**7 = 16,384 combinations: sampled. Each gap right with 1/4, so the mean is exactly 0.25.
    assert mean(question_distribution(q, "guess")) == pytest.approx(0.25, abs=0.01)


def test_numeric_scores_nothing_and_an_essay_is_not_auto_marked():
    assert_distribution(question_distribution(canonical("numeric"), "guess"), [(1.0, 0.0)])
    assert_distribution(question_distribution(canonical("numeric"), "testwise"), [(1.0, 0.0)])
    assert question_distribution(canonical("essay"), "guess") is None
    assert question_distribution(canonical("essay"), "testwise") is None


def test_question_distribution_refuses_an_unknown_strategy_and_names_a_malformed_question():
    with pytest.raises(ValueError, match="unknown strategy 'lucky'"):
        question_distribution(true_false("t", True), "lucky")
    broken = {"id": "broken", "version": 3, "type": "single_choice", "points": 1.0, "stem": "?"}
    with pytest.raises(ValueError,
                       match="question 'broken' version 3 cannot be scored: missing key 'options'"):
        question_distribution(broken, "guess")
    with pytest.raises(ValueError, match="unknown question type 'riddle'"):
        question_distribution({**broken, "type": "riddle"}, "guess")


# --- scenarios --------------------------------------------------------------------------------------------

def branching_case() -> dict:
    """s1 (1 point): a (the key, and the longest option) -> s2, b -> s3.
    s2: true/false worth 2 points, answer False. s3: single choice among three, key "b"."""
    return canonical("scenario", id="case", points=3.0, steps=[
        {"id": "s1", "question": {"id": "c1", "type": "single_choice", "stem": "What do you do?",
                                  "options": options(["Talk to her about what matters today", "Go"], 0)},
         "branches": {"a": "s2", "b": "s3"}},
        {"id": "s2", "question": {"id": "c2", "type": "true_false", "stem": "Is she safe?", "answer": False,
                                  "points": 2.0}, "next": "end"},
        {"id": "s3", "question": {"id": "c3", "type": "single_choice", "stem": "Which word names a fruit?",
                                  "options": options(FRUIT[:3], 1)}, "next": "end"},
    ])


def test_a_branching_scenario_follows_the_answers():
    # Guess: a (1/2) leads to s2 out of 3 points: right 1/2 -> 3/3, wrong -> 1/3.
    #        b (1/2) leads to s3 out of 2 points: right 1/3 -> 1/2, wrong 2/3 -> 0.
    # P(0) = 1/3, P(1/3) = 1/4, P(1/2) = 1/6, P(1) = 1/4; expected 1/12 + 1/12 + 1/4 = 5/12.
    guess = question_distribution(branching_case(), "guess")
    assert_distribution(guess, [(1 / 3, 0.0), (1 / 4, 1 / 3), (1 / 6, 0.5), (1 / 4, 1.0)])
    assert mean(guess) == pytest.approx(5 / 12)
    # Test-wise: the longest option a (right, to s2), then True where False is right: 1 of 3 points.
    assert_distribution(question_distribution(branching_case(), "testwise"), [(1.0, 1 / 3)])


def test_the_scenario_distribution_matches_marking_every_whole_response():
    case = branching_case()
    question = Question.trusted(case)
    choices = {"s1": ["a", "b"], "s2": [True, False], "s3": ["a", "b", "c"]}
    by_fraction: dict[float, float] = {}
    for picks in itertools.product(*choices.values()):
        answers = dict(zip(choices, picks))
        chance = math.prod(1 / len(options_) for options_ in choices.values())
        path = scenario_path(case, answers)
        result = mark(question, {"path": path, "answers": {s: answers[s] for s in path}})
        by_fraction[result.fraction] = by_fraction.get(result.fraction, 0.0) + chance
    expected = [(by_fraction[f], f) for f in sorted(by_fraction)]
    assert_distribution(question_distribution(case, "guess"), expected)


def test_an_essay_step_counts_as_nothing_earned_and_a_scenario_uses_the_key_position():
    child = {"type": "single_choice", "stem": "Which word names a fruit?", "options": options(FRUIT, 2)}
    case = canonical("scenario", id="case", steps=[
        {"id": "s1", "question": {**child, "id": "c1"}},
        {"id": "s2", "question": {"id": "c2", "type": "essay", "stem": "Why?"}},
    ])
    # s1 guessed among four (1/4 right) out of 2 points: 1/2 or 0.
    assert_distribution(question_distribution(case, "testwise"), [(0.75, 0.0), (0.25, 0.5)])
    assert_distribution(question_distribution(case, "testwise", key_position=2), [(1.0, 0.5)])


# --- quizzes ----------------------------------------------------------------------------------------------

def quiz_of(questions: list[dict], **settings) -> dict:
    return {"pass_mark": 0.8, "criterion_threshold": None, "attempts": 0, "shuffle": False,
            **settings, "items": [{"question": q["id"], "version": q["version"]} for q in questions]}


def five_items() -> list[dict]:
    """Three single choice on criterion A (keys at positions 1, 2, 0: no modal position), two
    true/false on criterion B (one True, one False), 1 point each."""
    a, b = ("NOS-EFFREL/K1",), ("NOS-EFFREL/K2",)
    return [
        single("sc-longest", LONGEST_KEY[:3], 1, stem="What should a carer do first?", criteria=a),
        single("sc-none", FRUIT, 2, criteria=a),
        single("sc-stem", ["Plan owner", "The doctor", "A neighbor", "Your uncle"], 0,
               stem="Who agrees the care plan?", criteria=a),
        true_false("tf-true", True, criteria=b),
        true_false("tf-false", False, criteria=b),
    ]


def test_a_hand_computed_quiz():
    questions = five_items()
    assert modal_key_position(questions) is None
    estimate = estimate_quiz(quiz_of(questions), questions)
    # Test-wise: longest 1, no cue 1/4, stem word 1, True 1, False key 0: expected 3.25/5 = 0.65.
    # Passing needs 4 of 5 = the no-cue item right: 1/4.
    # A = (1 + 1/4 + 1)/3 = 0.75; B = (1 + 0)/2 = 0.5.
    assert estimate.testwise.expected == 0.65
    assert estimate.testwise.pass_probability == 0.25
    assert estimate.testwise.reaches_pass_mark is False
    assert estimate.testwise.criteria == {"NOS-EFFREL/K1": 0.75, "NOS-EFFREL/K2": 0.5}
    # Guess: 1/3 (three options), 1/4, 1/4, 1/2, 1/2: expected (11/6)/5 = 0.366667.
    # P(5 right) = 1/3 * 1/4 * 1/4 * 1/2 * 1/2 = 1/192. P(4 right), one missed each time:
    # the 3-option item 2/192, either 4-option item 3/192 each, either true/false 1/192 each = 10/192.
    # Pass = 11/192 = 0.0572916...; A = (1/3 + 1/4 + 1/4)/3 = 0.2778, B = 0.5.
    assert estimate.guess.expected == 0.3667
    assert estimate.guess.pass_probability == 0.057292
    assert estimate.guess.reaches_pass_mark is False
    assert estimate.guess.criteria == {"NOS-EFFREL/K1": 0.2778, "NOS-EFFREL/K2": 0.5}
    # Unlimited attempts: anyone passes in the end, if they can pass at all.
    assert estimate.guess.pass_within_attempts == 1.0
    assert (estimate.auto_max, estimate.essay_max) == (5.0, 0.0)
    assert (estimate.method, estimate.samples) == ("exact", 0)
    assert estimate.problems == () and estimate.notes == ()


def test_a_quiz_the_test_wise_learner_passes_for_certain():
    questions = five_items()[:1] + five_items()[2:4]  # longest, stem word, True: all three right
    estimate = estimate_quiz(quiz_of(questions), questions)
    assert (estimate.testwise.expected, estimate.testwise.pass_probability) == (1.0, 1.0)
    assert estimate.testwise.reaches_pass_mark is True


def test_the_attempt_limit():
    questions = five_items()
    estimate = estimate_quiz(quiz_of(questions, attempts=3), questions)
    # 1 - (1 - 11/192)**3 = 0.162216...; test-wise 1 - 0.75**3 = 0.578125.
    assert estimate.guess.pass_within_attempts == 0.162216
    assert estimate.testwise.pass_within_attempts == 0.578125
    once = estimate_quiz(quiz_of(questions, attempts=1), questions)
    assert once.testwise.pass_within_attempts == once.testwise.pass_probability == 0.25
    # A learner who cannot pass does not pass by trying forever.
    hopeless = [true_false("tf-false", False)]
    assert estimate_quiz(quiz_of(hopeless), hopeless).testwise.pass_within_attempts == 0.0


def test_the_criterion_threshold():
    questions = five_items()
    # Test-wise B is always 1 of 2 = 0.5: a threshold of 0.6 makes passing impossible, 0.5 does not
    # (A reaches 2 of 3 whatever happens, so P stays 1/4).
    blocked = estimate_quiz(quiz_of(questions, criterion_threshold=0.6), questions)
    assert blocked.testwise.pass_probability == 0.0
    assert blocked.testwise.reaches_pass_mark is False
    allowed = estimate_quiz(quiz_of(questions, criterion_threshold=0.5), questions)
    assert allowed.testwise.pass_probability == 0.25
    # Guess, pass mark 0.6 (3 of 5) and threshold 0.5 (A at least 2 of 3, B at least 1 of 2).
    # A: P(0) = 18/48, P(1) = 21/48, P(2) = 8/48, P(3) = 1/48; B: P(0) = 1/4, P(1) = 1/2, P(2) = 1/4.
    # Without the threshold: A1 B2 + A2 B>=1 + A3 = (5.25 + 6 + 1)/48 = 0.255208.
    # With it, A1 B2 (A short) and A3 B0 (B short) fail: (12.25 - 5.25 - 0.25)/48 = 0.140625.
    loose = estimate_quiz(quiz_of(questions, pass_mark=0.6), questions)
    assert loose.guess.pass_probability == 0.255208
    strict = estimate_quiz(quiz_of(questions, pass_mark=0.6, criterion_threshold=0.5), questions)
    assert strict.guess.pass_probability == 0.140625
    assert strict.method == "exact"


def brute_force_pass(items: list[tuple[list[tuple[float, float]], float, tuple[str, ...]]],
                     pass_mark: float, threshold: float | None) -> float:
    """P(pass) over every combination of item outcomes, straight from the submission rules."""
    total_max = sum(points for _, points, _ in items)
    refs = {ref for _, _, criteria in items for ref in criteria}
    passed = 0.0
    for combination in itertools.product(*(distribution for distribution, _, _ in items)):
        chance = math.prod(p for p, _ in combination)
        scores = [fraction * points for (_, fraction), (_, points, _) in zip(combination, items)]
        ok = round(sum(scores) / total_max, 6) + 1e-9 >= pass_mark
        for ref in refs if threshold is not None else ():
            got = sum(s for s, (_, _, criteria) in zip(scores, items) if ref in criteria)
            top = sum(points for _, points, criteria in items if ref in criteria)
            ok = ok and round(got / top, 6) + 1e-9 >= threshold
        passed += chance if ok else 0.0
    return passed


def test_the_exact_pass_probability_agrees_with_a_brute_force_over_every_outcome():
    a, b, c = "NOS-EFFREL/K1", "NOS-EFFREL/K2", "NOS-EFFREL/K3"
    questions = [
        single("s1", FRUIT, 2, criteria=(a, b)),
        canonical("multiple_response", id="m1", options=response_options(["A1", "B1", "C1"], {0, 1}),
                  criteria=[b], points=2.0),
        canonical("ordering", id="o1", items=[{"id": f"i{n}", "text": str(n)} for n in range(4)],
                  criteria=[c]),
        true_false("t1", True, criteria=(a, c)),
        branching_case() | {"criteria": [c]},
    ]
    assert modal_key_position(questions) is None  # keys at positions 2, 0 and 1
    for pass_mark, threshold in [(0.5, None), (0.5, 0.5), (0.4, 0.3), (0.7, 0.6)]:
        quiz = quiz_of(questions, pass_mark=pass_mark, criterion_threshold=threshold)
        estimate = estimate_quiz(quiz, questions)
        for strategy, learner in (("guess", estimate.guess), ("testwise", estimate.testwise)):
            items = [(question_distribution(q, strategy), q["points"], tuple(q["criteria"]))
                     for q in questions]
            assert learner.pass_probability == pytest.approx(
                brute_force_pass(items, pass_mark, threshold), abs=1e-6), (strategy, pass_mark, threshold)
            assert 0 < learner.pass_probability < 1


def test_too_many_score_combinations_are_sampled_and_said_so(monkeypatch):
    questions = five_items()
    quiz = quiz_of(questions, pass_mark=0.6, criterion_threshold=0.5)
    monkeypatch.setattr(testwise, "MAX_JOINT_STATES", 0)
    sampled = estimate_quiz(quiz, questions)
    assert sampled.method == "simulated"
    assert any("per-criterion rule was sampled" in note for note in sampled.notes)
    # 20,000 draws of an event of probability 0.14: standard error 0.0025; 0.0125 is five of them.
    assert sampled.guess.pass_probability == pytest.approx(0.140625, abs=0.0125)
    assert sampled == estimate_quiz(quiz, questions)  # seeded
    assert sampled.guess.expected == 0.3667  # expectations stay exact


def test_a_quiz_with_a_draw_is_simulated_deterministically_and_close_to_the_hand_figure():
    area = "NOS-EFFREL/K5"
    pool = [single(f"pool-{n}", LONGEST_KEY[:2], 1 if n < 2 else 0, stem="What should a carer do first?",
                   criteria=(area,)) for n in range(4)]
    fixed = true_false("tf-true", True)
    quiz = {"pass_mark": 0.8, "criterion_threshold": None, "attempts": 0, "shuffle": True,
            "items": [{"draw": {"count": 2, "criterion": area}}, {"question": "tf-true", "version": 1}]}
    estimate = estimate_quiz(quiz, [*pool, fixed], samples=400, seed=7)
    assert (estimate.method, estimate.samples) == ("simulated", 400)
    assert estimate == estimate_quiz(quiz, [*pool, fixed], samples=400, seed=7)
    # Test-wise takes the longest option: right on pool-0 and pool-1, wrong on pool-2 and pool-3.
    # Two of four drawn: both good 1/6, one good 4/6, none 1/6; plus True, right.
    # Expected (1/6 * 3 + 4/6 * 2 + 1/6 * 1)/3 = 2/3; passing (3 of 3) needs both good: 1/6.
    # Over 400 assemblies the standard errors are 0.0096 and 0.0186: 0.04 and 0.075 are four of them.
    assert estimate.testwise.expected == pytest.approx(2 / 3, abs=0.04)
    assert estimate.testwise.pass_probability == pytest.approx(1 / 6, abs=0.075)
    # The guess does not depend on which two are drawn (two options each): exact whatever the draw.
    assert estimate.guess.expected == 0.5
    assert estimate.guess.pass_probability == 0.125
    assert estimate.auto_max == 3.0
    assert estimate.notes[0] == "draws: averaged over 400 seeded assemblies (seeds 7 to 406)"


def test_an_estimate_reports_essays_apart_and_a_quiz_of_essays_has_nothing_to_pass():
    essay = canonical("essay", id="why", points=4.0)
    both = [true_false("tf-true", True), essay]
    estimate = estimate_quiz(quiz_of(both), both)
    assert (estimate.auto_max, estimate.essay_max) == (1.0, 4.0)
    assert estimate.testwise.expected == 1.0
    only = estimate_quiz(quiz_of([essay]), [essay])
    assert (only.testwise.expected, only.testwise.pass_probability, only.auto_max) == (0.0, 0.0, 0.0)
    assert only.testwise.reaches_pass_mark is False and only.testwise.criteria == {}


def test_the_quiz_wide_key_position_and_shuffled_options():
    questions = [single("k1", FRUIT, 2), single("k2", FRUIT, 2), single("k3", FRUIT, 0), single("k4", FRUIT, 2)]
    # The key sits third in 3 of 4: the test-wise learner answers c everywhere: 3 of 4 right.
    assert estimate_quiz(quiz_of(questions), questions).testwise.expected == 0.75
    # Shuffled by the player: one in four on each.
    assert estimate_quiz(quiz_of(questions), questions, options_shuffled=True).testwise.expected == 0.25
    # Three items show no pattern yet: the learner guesses, one in four.
    assert estimate_quiz(quiz_of(questions[:3]), questions[:3]).testwise.expected == 0.25


def test_unknown_versions_and_bad_draws_are_refused_with_the_reason():
    questions = five_items()
    quiz = quiz_of(questions)
    quiz["items"][1] = {"question": "sc-none", "version": 9}
    with pytest.raises(ValueError, match="quiz item 2: question 'sc-none' version 9 is not in the bank"):
        estimate_quiz(quiz, questions)
    short = {"pass_mark": 0.8, "items": [{"draw": {"count": 9, "criterion": "NOS-EFFREL/K1"}}]}
    with pytest.raises(ValueError, match=r"has only 3 candidate\(s\)"):
        estimate_quiz(short, questions)
    with pytest.raises(ValueError, match="quiz pass_mark: expected a number"):
        estimate_quiz({**quiz_of(questions), "pass_mark": "high"}, questions)
    with pytest.raises(ValueError, match="expected an object with a list of items"):
        estimate_quiz({"items": "all"}, questions)


def test_a_malformed_question_scores_zero_and_is_reported_without_stopping_the_estimate():
    broken = {"id": "broken", "version": 1, "type": "single_choice", "points": 1.0, "stem": "?",
              "criteria": ["NOS-EFFREL/K1"]}
    questions = [true_false("tf-true", True), broken, "not a question"]
    estimate = estimate_quiz(quiz_of(questions[:2]), questions)
    assert estimate.testwise.expected == 0.5 and estimate.auto_max == 2.0
    assert estimate.problems == (
        "question number 3 has no usable id, version or criteria; left out",
        "question 'broken' version 1 cannot be scored: missing key 'options'; counted as 0",
    )
    assert json.loads(json.dumps(estimate.to_dict()))["problems"] == list(estimate.problems)


def test_to_dict_is_plain_nested_json():
    questions = five_items()
    data = estimate_quiz(quiz_of(questions), questions).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["testwise"] == {"expected": 0.65, "pass_probability": 0.25, "pass_within_attempts": 1.0,
                                "reaches_pass_mark": False,
                                "criteria": {"NOS-EFFREL/K1": 0.75, "NOS-EFFREL/K2": 0.5}}
    assert set(data) == {"testwise", "guess", "auto_max", "essay_max", "method", "samples", "problems",
                         "notes"}


# --- the shipped course, as it is today -------------------------------------------------------------------

# The test-wise expected fraction per module quiz of the second edition (every quiz summative, one
# draw per criterion, options shuffled). A content change moves them; update the table with it.
SHIPPED_TESTWISE = {
    "01-factors-affecting-relationships": 0.0624,
    "02-identifying-beneficial-relationships": 0.1659,
    "03-developing-new-relationships": 0.0965,
    "04-maintaining-relationships": 0.0967,
    "05-reviewing-relationship-support": 0.0503,
    "10-relationships-wellbeing-communication": 0.1069,
    "11-diversity-emotions-trauma": 0.1257,
    "12-risk-safeguarding-records": 0.0589,
    "13-law-partnership-reflection": 0.2727,
    "20-rights-person-centred": 0.1316,
    "21-role-boundaries-others": 0.1215,
    "22-development-communication-safety": 0.168,
    "23-safeguarding-information": 0.1457,
    "30-relationships-theory-identity": 0.0871,
    "31-risks-difficulties-relationships": 0.1851,
    "32-forming-ending-resolving-relationships": 0.2283,
    "33-effective-relationships-in-practice": 0.0,
    "40-rights-records-theory-families": 0.0897,
    "41-keeping-in-touch-dynamics-risk": 0.1285,
    "42-supporting-contact-in-practice": 0.1335,
    "50-carers-rights-wellbeing": 0.1401,
    "51-culture-information-change-power": 0.091,
    "52-law-equality-partnership-reflection": 0.1404,
}


def test_the_shipped_course_today():
    # The first edition (fixed items, no option shuffling) gave a test-wise mean of 77.6% and
    # reached the 80% pass mark in 10 of 23 quizzes; the second edition was rewritten against
    # these figures. 60 seeded assemblies per quiz, as the app's quality report uses.
    from course.shipped import load_shipped_document
    from scorm_export.document import module_question_versions

    document = load_shipped_document()
    estimates = {m["slug"]: estimate_quiz(m["quiz"], module_question_versions(document, m),
                                          options_shuffled=bool(m["quiz"].get("shuffle_options")), samples=60)
                 for m in document["modules"] if m.get("quiz")}
    assert {slug: e.testwise.expected for slug, e in estimates.items()} == SHIPPED_TESTWISE
    assert all((e.method, e.samples, e.problems) == ("simulated", 60, ()) for e in estimates.values())
    assert not any(e.testwise.reaches_pass_mark for e in estimates.values())


def test_the_module_is_pure():
    # tests/qbank/test_purity.py lists the package's modules by name; this one is newer.
    probe = ("import json, sys, question_bank.testwise; print(json.dumps(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug', 'course'))))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == []
    with_flask = probe.replace("import json, sys,", "import json, sys, flask,")
    noticed = subprocess.run([sys.executable, "-c", with_flask], cwd=ROOT, check=True, capture_output=True,
                             text=True)
    assert "flask" in json.loads(noticed.stdout)
