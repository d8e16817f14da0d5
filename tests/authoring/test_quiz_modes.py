"""Quiz modes as a tutor sets them: mode defaults (service, form, API), option feedback and option
shuffling settings, "Draw per criterion", the same-questions warning, and the course document."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from course.authoring import common, quizzes, service
from course.authoring.document import export_course, import_course
from course.authoring.models import Course
from course.extensions import db
from course.models import Organisation
from tests.authoring.conftest import choice, scenario
from tests.helpers import login

K13, K15, K16 = "HSCCLD327/K13", "HSCCLD327/K15", "HSCCLD327/K16"
GOVERNED = ("attempts", "feedback", "option_feedback", "shuffle", "shuffle_options")
SUMMATIVE = (3, "after_submission", "after_final_attempt", True, True)
FORMATIVE = (0, "immediate", "always", False, False)


def governed(quiz) -> tuple:
    return tuple(getattr(quiz, name) for name in GOVERNED)


@pytest.fixture
def ctx(units_app):
    with units_app.app_context():
        org = Organisation(name="Care Skills Ltd")
        db.session.add(org)
        db.session.commit()
        yield org
        db.session.rollback()


def bank(org, save_questions):
    save_questions(org.id, [
        choice("q-k13-a", [K13]), choice("q-k13-b", [K13]), choice("q-k13-c", [K13], tags=["trust"]),
        choice("q-k15", [K15]), choice("q-k16", [K16, "NOS-EFFREL/K14"]),
        scenario("scn", [K13, K15], [("c1", [K13]), ("c2", [K15])]),
    ])


def module_of(org, title="Risks"):
    course = service.create_course(organisation=org, user=None, title="Care", frameworks=["HSCCLD327"])
    return service.add_module(course, title=title)


# ---------------------------------------------------------------- service: mode defaults


def test_a_new_quiz_is_formative_with_todays_defaults(ctx):
    quiz = quizzes.set_quiz(module_of(ctx))
    assert (quiz.mode, governed(quiz)) == ("formative", FORMATIVE)


def test_choosing_summative_sets_its_defaults(ctx):
    quiz = quizzes.set_quiz(module_of(ctx), mode="summative")
    assert (quiz.mode, governed(quiz)) == ("summative", SUMMATIVE)


def test_settings_given_with_the_mode_win_over_its_defaults(ctx):
    quiz = quizzes.set_quiz(module_of(ctx), mode="summative", attempts=5, option_feedback="never")
    assert governed(quiz) == (5, "after_submission", "never", True, True)


def test_each_setting_can_still_be_changed_one_by_one(ctx):
    module = module_of(ctx)
    quizzes.set_quiz(module, mode="summative")
    quiz = quizzes.set_quiz(module, mode="summative", shuffle_options=False)  # the same mode: no defaults again
    assert governed(quiz) == (3, "after_submission", "after_final_attempt", True, False)
    quiz = quizzes.set_quiz(module, attempts=1)
    assert governed(quiz) == (1, "after_submission", "after_final_attempt", True, False)


def test_back_to_formative_restores_its_defaults(ctx):
    module = module_of(ctx)
    quizzes.set_quiz(module, mode="summative", attempts=2)
    quiz = quizzes.set_quiz(module, mode="formative")
    assert (quiz.mode, governed(quiz)) == ("formative", FORMATIVE)


@pytest.mark.parametrize(("settings", "field"), [
    ({"mode": "exam"}, "mode"),
    ({"option_feedback": "sometimes"}, "option_feedback"),
])
def test_unknown_mode_or_option_feedback_is_refused(ctx, settings, field):
    with pytest.raises(common.AuthoringError) as exc:
        quizzes.set_quiz(module_of(ctx), **settings)
    assert exc.value.field == field


# ---------------------------------------------------------------- service: draw per criterion


def test_draw_per_criterion_replaces_fixed_items_with_one_draw_per_criterion(ctx, save_questions):
    bank(ctx, save_questions)
    quiz = quizzes.set_quiz(module_of(ctx), mode="summative")
    quizzes.set_quiz_items(quiz, [{"question": "q-k13-a", "version": 1}, {"question": "q-k13-b", "version": 1},
                                  {"question": "scn", "version": 1}, {"draw": {"count": 1, "tag": "trust"}}])
    assert quizzes.only_fixed_items(quiz) is False  # a draw by tag
    plan = quizzes.draw_per_criterion(quiz)
    # K13: two fixed questions and the scenario = 3; K15: the scenario = 1. The tag draw stays, first.
    assert quiz.items == [{"draw": {"count": 1, "tag": "trust"}}, {"draw": {"count": 3, "criterion": K13}},
                          {"draw": {"count": 1, "criterion": K15}}]
    assert (plan.capped, plan.skipped) == ({}, [])


def test_draw_per_criterion_caps_a_count_by_its_pool(ctx, save_questions):
    bank(ctx, save_questions)
    quiz = quizzes.set_quiz(module_of(ctx), mode="summative")
    quizzes.set_quiz_items(quiz, [{"question": "q-k13-a", "version": 1}, {"question": "scn", "version": 1},
                                  {"question": "q-k15", "version": 1}])
    plan = quizzes.draw_per_criterion(quiz)
    # K13 had 2 items, K15 2 (scn evidences both). The K13 draw may take scn, the K15 pool's other
    # question, so the K15 draw is sure of 1 only.
    assert quiz.items == [{"draw": {"count": 2, "criterion": K13}}, {"draw": {"count": 1, "criterion": K15}}]
    assert plan.capped == {K15: (2, 1)}
    assert plan.draws == [{"count": 2, "criterion": K13}, {"count": 1, "criterion": K15}]


def test_draw_per_criterion_skips_other_frameworks_and_empty_pools(ctx, save_questions):
    bank(ctx, save_questions)
    quiz = quizzes.set_quiz(module_of(ctx), mode="summative")
    quizzes.set_quiz_items(quiz, [{"question": "q-k16", "version": 1}, {"question": "q-k15", "version": 1}])
    plan = quizzes.draw_per_criterion(quiz)
    assert quiz.items == [{"draw": {"count": 1, "criterion": K16}}, {"draw": {"count": 1, "criterion": K15}}]
    assert plan.skipped == ["NOS-EFFREL/K14"]  # not a framework of this course


def test_draw_per_criterion_needs_a_criterion_to_draw_for(ctx, save_questions):
    bank(ctx, save_questions)
    quiz = quizzes.set_quiz(module_of(ctx))
    quizzes.set_quiz_items(quiz, [{"draw": {"count": 1, "tag": "trust"}}])
    with pytest.raises(common.AuthoringError, match="No question in this quiz evidences a criterion"):
        quizzes.draw_per_criterion(quiz)
    assert quiz.items == [{"draw": {"count": 1, "tag": "trust"}}]


def test_only_fixed_items(ctx, save_questions):
    bank(ctx, save_questions)
    quiz = quizzes.set_quiz(module_of(ctx))
    assert quizzes.only_fixed_items(quiz) is False  # no items at all
    quizzes.set_quiz_items(quiz, [{"question": "q-k15", "version": 1}])
    assert quizzes.only_fixed_items(quiz) is True
    quizzes.add_draw(quiz, 1, criterion=K13)
    assert quizzes.only_fixed_items(quiz) is False
    assert quizzes.only_fixed_items(None) is False


# ---------------------------------------------------------------- the quiz page


@pytest.fixture
def tutor(units_app, create_user, save_questions):
    with units_app.app_context():
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    bank(org, save_questions)
    client = units_app.test_client()
    login(client, create_user("tutor", org_id).email)
    client.post("/courses/new", data={"title": "Care", "language": "en-GB", "frameworks": ["HSCCLD327"]})
    client.post("/courses/care/modules/new", data={"title": "Risks"})
    return client


QUIZ_URL = "/courses/care/modules/risks/quiz"


def text(response) -> str:
    return response.get_data(as_text=True)


def selected(page: str, name: str) -> str:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select_html).group(1)


def form_as_shown(page: str) -> dict:
    """The settings form's fields as a browser would send them unchanged."""
    data = {name: selected(page, name) for name in ("mode", "grading", "feedback", "option_feedback")}
    for name in ("title", "pass_mark", "criterion_threshold", "attempts", "time_limit_minutes", "base_version"):
        found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        value = re.search(r'value="([^"]*)"', found)
        data[name] = value.group(1) if value else ""
    for name in ("shuffle", "shuffle_options"):
        if re.search(rf'<input[^>]*checked[^>]*name="{name}"|<input[^>]*name="{name}"[^>]*checked', page):
            data[name] = "y"
    return data


def stored_quiz(units_app):
    with units_app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "care"))
        quiz = course.modules[0].quiz
        return None if quiz is None else (quiz.mode, governed(quiz), [dict(i) for i in quiz.items])


def test_the_form_shows_formative_defaults_for_a_new_quiz(tutor):
    page = text(tutor.get(QUIZ_URL))
    shown = form_as_shown(page)
    assert (shown["mode"], shown["attempts"], shown["feedback"], shown["option_feedback"]) == \
        ("formative", "0", "immediate", "always")
    assert "shuffle" not in shown and "shuffle_options" not in shown
    assert "Feedback on each answer (the explanation texts)" in page


def test_choosing_summative_on_the_form_sets_its_defaults(tutor, units_app):
    shown = form_as_shown(text(tutor.get(QUIZ_URL)))
    saved = tutor.post(QUIZ_URL, data=dict(shown, mode="summative"), follow_redirects=True)
    assert ("Quiz settings saved. A summative quiz: 3 attempts, feedback after submission, the feedback on each "
            "answer after the final attempt, questions and options shuffled.") in text(saved)
    assert stored_quiz(units_app)[:2] == ("summative", SUMMATIVE)
    again = form_as_shown(text(tutor.get(QUIZ_URL)))
    assert (again["mode"], again["attempts"], again["option_feedback"], again.get("shuffle_options")) == \
        ("summative", "3", "after_final_attempt", "y")


def test_a_setting_changed_with_the_mode_is_kept(tutor, units_app):
    shown = form_as_shown(text(tutor.get(QUIZ_URL)))
    tutor.post(QUIZ_URL, data=dict(shown, mode="summative", attempts="5"))
    assert stored_quiz(units_app)[:2] == ("summative", (5, "after_submission", "after_final_attempt", True, True))
    # Then one by one, the mode left as it is: nothing else moves.
    shown = form_as_shown(text(tutor.get(QUIZ_URL)))
    del shown["shuffle_options"]
    saved = tutor.post(QUIZ_URL, data=dict(shown, option_feedback="never"), follow_redirects=True)
    assert "Quiz settings saved." in text(saved) and "A summative quiz:" not in text(saved)
    assert stored_quiz(units_app)[:2] == ("summative", (5, "after_submission", "never", True, False))


def test_a_bad_option_feedback_is_refused_on_the_form(tutor, units_app):
    shown = form_as_shown(text(tutor.get(QUIZ_URL)))
    refused = tutor.post(QUIZ_URL, data=dict(shown, option_feedback="sometimes"))
    assert refused.status_code == 422 and "Not a valid choice." in text(refused)
    assert stored_quiz(units_app) is None


def test_summative_quiz_of_fixed_questions_warns_and_draw_per_criterion_fixes_it(tutor, units_app):
    for qid in ("q-k13-a", "q-k13-b", "scn"):
        tutor.post(f"{QUIZ_URL}/questions", data={"question": qid, "version": "1"})
    warning = "Every attempt shows the same questions."
    assert warning not in text(tutor.get(QUIZ_URL))  # formative: practice may repeat
    tutor.post(QUIZ_URL, data=dict(form_as_shown(text(tutor.get(QUIZ_URL))), mode="summative"))
    assert warning in text(tutor.get(QUIZ_URL))
    done = tutor.post(f"{QUIZ_URL}/draw-per-criterion", follow_redirects=True)
    assert ("The quiz now draws 4 questions per attempt: 3 evidencing HSCCLD327/K13, 1 evidencing HSCCLD327/K15."
            in text(done))
    assert warning not in text(done)
    assert stored_quiz(units_app)[2] == [{"draw": {"count": 3, "criterion": K13}}, {"draw": {"count": 1, "criterion": K15}}]


def test_draw_per_criterion_without_a_quiz_is_404_and_says_why_it_cannot(tutor):
    assert tutor.post(f"{QUIZ_URL}/draw-per-criterion").status_code == 404
    tutor.post(f"{QUIZ_URL}/draws", data={"draw-count": "1", "draw-tag": "trust"})
    refused = tutor.post(f"{QUIZ_URL}/draw-per-criterion", follow_redirects=True)
    assert "No question in this quiz evidences a criterion to draw for." in text(refused)


# ---------------------------------------------------------------- the course document and the API


def test_export_carries_the_mode_and_an_old_document_imports_as_formative(ctx, save_questions):
    bank(ctx, save_questions)
    module = module_of(ctx)
    quizzes.set_quiz_items(quizzes.set_quiz(module, mode="summative", attempts=2), [{"question": "q-k15", "version": 1}])
    db.session.commit()
    doc = export_course(module.course)
    quiz = doc["modules"][0]["quiz"]
    assert (quiz["mode"], quiz["option_feedback"], quiz["shuffle_options"], quiz["attempts"]) == \
        ("summative", "after_final_attempt", True, 2)
    copied = import_course(doc, organisation=ctx, user=None, slug="copy")
    assert (copied.modules[0].quiz.mode, governed(copied.modules[0].quiz)) == \
        ("summative", (2, "after_submission", "after_final_attempt", True, True))
    for key in ("mode", "option_feedback", "shuffle_options"):
        del quiz[key]
    old = import_course(json.dumps(doc), organisation=ctx, user=None, slug="old")
    assert (old.modules[0].quiz.mode, old.modules[0].quiz.option_feedback, old.modules[0].quiz.shuffle_options) == \
        ("formative", "always", False)


def test_the_document_refuses_an_unknown_mode(ctx, save_questions):
    from scorm_export.document import DocumentError

    bank(ctx, save_questions)
    module = module_of(ctx)
    quizzes.set_quiz_items(quizzes.set_quiz(module), [{"question": "q-k15", "version": 1}])
    doc = export_course(module.course)
    doc["modules"][0]["quiz"].update(mode="exam", option_feedback="later", shuffle_options="maybe")
    with pytest.raises(DocumentError) as exc:
        import_course(doc, organisation=ctx, user=None, slug="bad")
    assert sorted(path for path, _ in exc.value.problems) == [
        "modules[0].quiz.mode", "modules[0].quiz.option_feedback", "modules[0].quiz.shuffle_options"]
