"""Item statistics against figures worked out by hand (no app, no database)."""
from __future__ import annotations

import math

import pytest

from course.reports.statistics import (
    ItemSums,
    discrimination_index,
    facility_index,
    flags,
    item_statistics,
    option_frequencies,
)

# Four learners' first attempts at a three-question quiz, one mark per question:
#            q1 q2 q3  total T
#   Ann       1  1  1   3
#   Ben       1  1  0   2
#   Cat       0  1  0   1
#   Dan       0  0  1   1
TOTALS = [3, 2, 1, 1]
Q1, Q2, Q3 = [1, 1, 0, 0], [1, 1, 1, 0], [1, 0, 0, 1]


def test_facility_is_the_mean_mark_over_the_maximum() -> None:
    # q1: (1+1+0+0)/4 = 0.5; q2: 3/4 = 0.75; q3: 2/4 = 0.5.
    assert facility_index(Q1, 1) == 0.5
    assert facility_index(Q2, 1) == 0.75
    assert facility_index(Q3, 1) == 0.5
    # A 2-mark item scored 2, 1, 0, 1: mean 1 of 2 = 0.5.
    assert facility_index([2, 1, 0, 1], 2) == 0.5
    assert facility_index([], 1) is None


def test_discrimination_correlates_the_item_with_the_rest_of_the_quiz() -> None:
    # q1: x = 1 1 0 0 (mean .5), rest X = T - x = 2 1 1 1 (mean 1.25).
    #   dx = .5 .5 -.5 -.5, dX = .75 -.25 -.25 -.25
    #   Sxy = .375 - .125 + .125 + .125 = .5; Sxx = 1; SXX = .5625 + 3 x .0625 = .75
    #   r = .5 / sqrt(1 x .75) = 1/sqrt(3) = 0.57735
    assert discrimination_index(Q1, TOTALS) == pytest.approx(1 / math.sqrt(3))
    # q2: x = 1 1 1 0 (mean .75), X = 2 1 0 1 (mean 1): dx = .25 .25 .25 -.75, dX = 1 0 -1 0
    #   Sxy = .25 + 0 - .25 + 0 = 0 -> r = 0
    assert discrimination_index(Q2, TOTALS) == pytest.approx(0.0)
    # q3: x = 1 0 0 1 (mean .5), X = 2 2 1 0 (mean 1.25): dx = .5 -.5 -.5 .5, dX = .75 .75 -.25 -1.25
    #   Sxy = .375 - .375 + .125 - .625 = -.5; Sxx = 1; SXX = .5625 + .5625 + .0625 + 1.5625 = 2.75
    #   r = -.5 / sqrt(2.75) = -0.301511: the strongest learners got it wrong more often
    assert discrimination_index(Q3, TOTALS) == pytest.approx(-0.5 / math.sqrt(2.75))
    assert round(discrimination_index(Q3, TOTALS), 6) == -0.301511


def test_discrimination_is_undefined_without_variation_or_data() -> None:
    assert discrimination_index([1, 1, 1], [3, 2, 1]) is None  # everybody right
    assert discrimination_index([1, 0], [1, 0]) is None  # the rest of the quiz is 0 for both
    assert discrimination_index([1], [1]) is None
    with pytest.raises(ValueError):
        discrimination_index([1, 0], [1])


def test_sums_from_the_database_give_the_same_figures() -> None:
    for item in (Q1, Q2, Q3):
        sums = ItemSums.from_scores(item, TOTALS, 1)
        assert sums.facility == facility_index(item, 1)
        assert sums.discrimination == pytest.approx(discrimination_index(item, TOTALS), abs=1e-12)
    # q1 by hand: n 4, Σx 2, Σx² 2, ΣT 7, ΣT² 15, ΣxT 5.
    s = ItemSums.from_scores(Q1, TOTALS, 1)
    assert (s.n, s.sum_x, s.sum_xx, s.sum_t, s.sum_tt, s.sum_xt) == (4, 2, 2, 7, 15, 5)
    assert ItemSums(1, 1, 1, 3, 9, 3, 1).discrimination is None
    assert ItemSums(0, 0, 0, 0, 0, 0, 1).facility is None


def test_flags_follow_the_thresholds() -> None:
    assert flags(0.95, 0.3) == ["too easy"]
    assert flags(0.9, 0.3) == []  # "above 0.9" only
    assert flags(0.1, 0.3) == ["too hard"]
    assert flags(0.2, 0.0) == []
    assert flags(0.5, -0.01) == ["negative discrimination"]
    assert flags(None, None) == []
    stats = item_statistics(ItemSums.from_scores(Q3, TOTALS, 1))
    assert stats.n == 4 and stats.facility == 0.5 and stats.flags == ["negative discrimination"]


def test_option_frequencies_count_each_choice() -> None:
    # Single choice a, a, b, c and one unanswered; multiple response ["a", "b"] and ["a"]; true/false.
    assert option_frequencies([("a", 2), ("b", 1), ("c", 1), (None, 1)], ["a", "b", "c", "d"]) == {
        "a": 2, "b": 1, "c": 1, "d": 0, "": 1}
    assert option_frequencies([(["a", "b"], 3), (["a"], 1)], ["a", "b", "c"]) == {"a": 4, "b": 3, "c": 0, "": 0}
    assert option_frequencies([(True, 3), (False, 1)], ["true", "false"]) == {"true": 3, "false": 1, "": 0}
    # A value the question no longer has is still counted, after the defined options.
    assert option_frequencies([("z", 1)], ["a"]) == {"a": 0, "z": 1, "": 0}
