"""The coverage matrix's summative pools: distinct items per criterion and the thin-pool warnings."""
from __future__ import annotations

import pytest

from course.authoring import coverage, quizzes, service
from course.extensions import db
from course.models import Organisation
from tests.authoring.conftest import choice, scenario

K13, K15 = "HSCCLD327/K13", "HSCCLD327/K15"


@pytest.fixture
def ctx(units_app):
    with units_app.app_context():
        org = Organisation(name="Care Skills Ltd")
        db.session.add(org)
        db.session.commit()
        yield org
        db.session.rollback()


def course_with(org, save_questions, questions, *quiz_specs):
    """A course whose modules' quizzes are ``(mode, items)``."""
    save_questions(org.id, questions)
    course = service.create_course(organisation=org, user=None, title="Care", frameworks=["HSCCLD327"])
    for n, (mode, items) in enumerate(quiz_specs, start=1):
        quiz = quizzes.set_quiz(service.add_module(course, title=f"M{n}"), mode=mode)
        quizzes.set_quiz_items(quiz, items)
    return coverage.course_coverage(course)


def test_three_items_from_different_questions_are_enough(ctx, save_questions):
    cov = course_with(ctx, save_questions, [choice("a", [K13]), choice("b", [K13]),
                                            scenario("scn", [K13], [("c1", [K13]), ("c2", [K15])])],
                      ("summative", [{"question": "a", "version": 1}, {"draw": {"count": 1, "criterion": K13}}]))
    row = cov.row(K13)
    assert row.items == [("a", None), ("b", None), ("scn", "s1")]
    assert (row.pool_warning, row.single_scenario) == (None, None)
    # The scenario's other step evidences K15: one item, so K15 is the course's one thin pool.
    assert cov.row(K15).pool_warning == "only 1 item in its summative pools (fewer than 3)"
    assert cov.to_dict()["totals"]["thin_pools"] == 1


def test_one_scenarios_steps_alone_are_a_thin_pool(ctx, save_questions):
    cov = course_with(ctx, save_questions,
                      [scenario("scn", [K13], [("c1", [K13]), ("c2", [K13]), ("c3", [K13])])],
                      ("summative", [{"question": "scn", "version": 1}]))
    row = cov.row(K13)
    assert row.items == [("scn", "s1"), ("scn", "s2"), ("scn", "s3")]
    assert row.single_scenario == "scn"
    assert row.pool_warning == "all 3 items in its summative pools are steps of one scenario (scn)"


def test_items_are_counted_once_across_quizzes_and_formative_ones_not_at_all(ctx, save_questions):
    cov = course_with(ctx, save_questions, [choice("a", [K13]), choice("b", [K13]), choice("c", [K13])],
                      ("summative", [{"question": "a", "version": 1}]),
                      ("summative", [{"question": "a", "version": 1}, {"question": "b", "version": 1}]),
                      ("formative", [{"question": "c", "version": 1}]))
    row = cov.row(K13)
    assert row.items == [("a", None), ("b", None)]
    assert (row.modules, row.practice_modules) == (["m1", "m2"], ["m3"])
    assert row.pool_warning == "only 2 items in its summative pools (fewer than 3)"


def test_a_performance_criterion_gets_no_pool_warning(ctx, save_questions):
    cov = course_with(ctx, save_questions, [choice("p", ["HSCCLD327/P1"])],
                      ("summative", [{"question": "p", "version": 1}]))
    row = cov.row("HSCCLD327/P1")
    assert (len(row.items), row.pool_warning) == (1, None)


def test_pool_items_of_one_question():
    scn = scenario("scn", [K13, K15], [("c1", [K13]), ("c2", [K15])])
    assert coverage.pool_items(scn, K13) == [("scn", "s1")]
    inherits = scenario("inh", [K13], [("c1", [K13]), ("c2", [K13])])
    del inherits["steps"][1]["question"]["criteria"]  # a step without its own: the scenario's
    assert coverage.pool_items(inherits, K13) == [("inh", "s1"), ("inh", "s2")]
    assert coverage.pool_items(scenario("top", [K13], [("c1", [K15])]), K13) == [("top", None)]
    assert coverage.pool_items(choice("q", [K13]), K13) == [("q", None)]
    assert coverage.pool_items(choice("q", [K13]), K15) == []
