"""Time by kind against the right figure (course.learning.hours): GLH is time with a tutor or
assessor; TQT is every kind together, against the unit's TQT or credit x 10 hours."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from course.learning.hours import (
    TIME_EXPLAINED,
    TimeByKind,
    against,
    course_figures,
    duration,
    percent_of,
    time_by_kind,
    unit_code_of,
    unit_figures,
)


def unit(glh=None, tqt=None, credit=None) -> SimpleNamespace:
    return SimpleNamespace(glh=glh, tqt=tqt, credit=credit)


def test_minutes_are_kept_by_kind() -> None:
    t = time_by_kind(1530, [("guided_session", 60), ("assessment", 45), ("off_the_job", 120), ("guided_session", 15)])
    assert t == TimeByKind(self_study_seconds=1530, guided_minutes=75, assessment_minutes=45, off_the_job_minutes=120)
    assert t.self_study_minutes == 25.5
    assert t.glh_minutes == 120  # guided sessions and supervised assessment only
    assert t.tqt_minutes == 25.5 + 75 + 45 + 120
    assert (t + TimeByKind(60, 1, 2, 3)) == TimeByKind(1590, 76, 47, 123)


def test_online_self_study_never_counts_toward_glh() -> None:
    t = time_by_kind(36_000, [])
    assert t.glh_minutes == 0 and t.tqt_minutes == 600


def test_off_the_job_counts_toward_tqt_not_glh() -> None:
    t = time_by_kind(0, [("off_the_job", 90)])
    assert (t.glh_minutes, t.tqt_minutes, t.off_the_job_minutes) == (0, 90, 90)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind of offline learning: 'lecture'"):
        time_by_kind(0, [("lecture", 10)])


def test_unit_figures_tqt_given_credit_fallback_or_unknown() -> None:
    given = unit_figures(unit(glh=27, tqt=45, credit=4))
    assert (given.glh, given.tqt, given.tqt_source, given.tqt_note) == (27, 45, "tqt", "as the unit gives it")
    credit = unit_figures(unit(glh=27, credit=4))
    assert (credit.glh, credit.tqt, credit.tqt_source, credit.tqt_note) == (27, 40, "credit", "credit \u00d7 10 hours")
    unknown = unit_figures(unit())
    assert (unknown.glh, unknown.tqt, unknown.tqt_source, unknown.tqt_note) == (None, None, None, "not known")
    zero = unit_figures(unit(glh=0, tqt=0, credit=0))
    assert (zero.glh, zero.tqt) == (None, None)


def test_course_figures_sum_the_units_that_give_them() -> None:
    figures = course_figures([unit(glh=27, tqt=45), unit(glh=10, credit=2), unit()])
    assert (figures.glh, figures.tqt, figures.tqt_source) == (37, 65, "mixed")
    assert (figures.units, figures.glh_units, figures.tqt_units) == (3, 2, 2)
    only_credit = course_figures([unit(credit=1), unit(credit=3)])
    assert (only_credit.glh, only_credit.tqt, only_credit.tqt_source) == (None, 40, "credit")
    none = course_figures([])
    assert (none.glh, none.tqt, none.units) == (None, None, 0)


@pytest.mark.parametrize(("minutes", "words"), [
    (0, "0 minutes"), (35 / 60, "less than a minute"), (1, "1 minute"), (1.9, "1 minute"), (35, "35 minutes"),
    (59.9, "59 minutes"), (60, "1 hour"), (90, "1.5 hours"), (120, "2.0 hours"), (235, "3.9 hours"),
    (1620, "27.0 hours"),
])
def test_time_in_plain_words_never_seconds(minutes: float, words: str) -> None:
    assert duration(minutes) == words


def test_time_against_a_figure() -> None:
    assert against(90, 27) == "1.5 hours of 27 hours"
    assert against(30, 1) == "30 minutes of 1 hour"
    assert against(30, None) == "30 minutes"
    assert (percent_of(90, 27), percent_of(3000, 27), percent_of(90, None)) == (5, 100, 0)


def test_unit_of_the_first_reference_naming_a_unit() -> None:
    assert unit_code_of(["X/1", "RECFW/2.1", "OTHER/1"], ["RECFW", "OTHER"]) == "RECFW"
    assert unit_code_of([], ["RECFW"]) is None


def test_the_plain_sentence() -> None:
    assert TIME_EXPLAINED.startswith("Online study counts toward total qualification time (TQT); guided learning "
                                     "hours (GLH) are time with a tutor or assessor")
