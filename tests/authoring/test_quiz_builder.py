"""The quiz builder as a tutor uses it: the live count of a draw's questions, errors by the fields
that caused them, a GET at every quiz form's address, the bank search for fixed questions, and the
learner preview that records nothing (README: Quiz builder)."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from course.authoring import quizzes, service
from course.authoring.models import Course
from course.extensions import db
from course.models import Organisation
from tests.authoring.conftest import choice, scenario
from tests.helpers import login

QUIZ = "/courses/care/modules/risks/quiz"
COUNT = QUIZ + "/draw-count"


def text(response) -> str:
    return response.get_data(as_text=True)


def bank() -> list[dict[str, Any]]:
    """K13: a1, a2, a3, scn (a1 and a2 tagged "trust"); K15: b1, scn; nothing for K14."""
    return [
        choice("a1", ["HSCCLD327/K13"], tags=["trust"], title="Agreeing visits"),
        choice("a2", ["HSCCLD327/K13"], tags=["trust"], title="Keeping promises"),
        choice("a3", ["HSCCLD327/K13"], title="Risk of falls"),
        choice("b1", ["HSCCLD327/K15"], title="Losing a friend"),
        scenario("scn", ["HSCCLD327/K13", "HSCCLD327/K15"], [("c1", ["HSCCLD327/K13"]), ("c2", ["HSCCLD327/K15"])]),
    ]


@pytest.fixture
def world(units_app, create_user, save_questions) -> dict[str, Any]:
    """Organisation "Ours" with the course "care" (module "risks", a page, no quiz yet), its bank,
    and users of every role; "Theirs" with a tutor and an admin."""
    with units_app.app_context():
        ours, theirs = Organisation(name="Ours"), Organisation(name="Theirs")
        db.session.add_all([ours, theirs])
        db.session.commit()
        ids = {"ours": ours.id, "theirs": theirs.id}
    save_questions(ids["ours"], bank())
    with units_app.app_context():
        course = service.create_course(organisation=db.session.get(Organisation, ids["ours"]), user=None,
                                       title="Care", frameworks=["HSCCLD327"])
        module = service.add_module(course, title="Risks", outcomes=["HSCCLD327/K.1"])
        service.add_page(module, title="Why", body="# Why it matters\n\nBecause.\n\n## Who\n\nEveryone.")
        db.session.commit()
    users = {role: create_user(role, ids["ours"]) for role in ("admin", "tutor", "assessor", "iqa", "learner")}
    users["other_tutor"] = create_user("tutor", ids["theirs"])
    users["other_admin"] = create_user("admin", ids["theirs"])
    return {"app": units_app, "users": users, **ids}


def client_as(world, who):
    client = world["app"].test_client()
    if who != "anonymous":
        assert login(client, world["users"][who].email).status_code == 302
    return client


def set_items(world, items):
    with world["app"].app_context():
        module = db.session.scalar(select(Course)).modules[0]
        quiz = module.quiz or quizzes.set_quiz(module)
        quizzes.set_quiz_items(quiz, items)
        db.session.commit()


def quiz_items(world):
    with world["app"].app_context():
        quiz = db.session.scalar(select(Course)).modules[0].quiz
        return None if quiz is None else quiz.items


# --------------------------------------------------------------------------- the live count


def test_the_count_says_exactly_how_many_questions_a_draw_matches(world):
    tutor = client_as(world, "tutor")
    assert tutor.get(COUNT + "?criterion=HSCCLD327/K13&count=2").json == {
        "criterion": "HSCCLD327/K13", "tag": None, "count": 2, "matches": 4, "available": 4, "short": False,
        "message": "4 questions in your bank match this draw."}
    assert tutor.get(COUNT + "?criterion=HSCCLD327/K15").json["matches"] == 2
    assert tutor.get(COUNT + "?tag=trust").json["message"] == "2 questions in your bank match this draw."
    assert tutor.get(COUNT + "?tag=%20trust%20&count=1").json["tag"] == "trust"
    none = tutor.get(COUNT + "?criterion=HSCCLD327/K14&count=1").json
    assert (none["matches"], none["available"], none["short"]) == (0, 0, True)
    assert none["message"] == ("0 questions in your bank match this draw. Fewer than it asks for: "
                               "it asks for 1 but only 0 can be drawn.")
    many = tutor.get(COUNT + "?criterion=HSCCLD327/K13&count=5").json
    assert (many["matches"], many["available"], many["short"]) == (4, 4, True)
    assert many["message"] == ("4 questions in your bank match this draw. Fewer than it asks for: "
                               "it asks for 5 but only 4 can be drawn.")


def test_the_count_leaves_out_the_quiz_s_fixed_questions_and_what_earlier_draws_may_take(world):
    set_items(world, [{"question": "a1", "version": 1}, {"draw": {"count": 2, "criterion": "HSCCLD327/K13"}}])
    tutor = client_as(world, "tutor")
    # K13 without a1 (fixed): a2, a3, scn; the draw above may take two of them.
    k13 = tutor.get(COUNT + "?criterion=HSCCLD327/K13&count=1").json
    assert (k13["matches"], k13["available"], k13["short"]) == (3, 1, False)
    assert k13["message"] == ("3 questions in your bank match this draw. 1 of them can be drawn here (the rest are "
                              "fixed questions of this quiz or taken by the draws above).")
    # K15: b1 and scn; the K13 draw may take scn.
    k15 = tutor.get(COUNT + "?criterion=HSCCLD327/K15&count=2").json
    assert (k15["matches"], k15["available"], k15["short"]) == (2, 1, True)
    # What the count says is what adding the draw does.
    refused = tutor.post(QUIZ + "/draws", data={"draw-count": "2", "draw-criterion": "HSCCLD327/K15"})
    assert refused.status_code == 422
    assert ("Only 1 question evidencing HSCCLD327/K15 can be drawn, and this draw asks for 2 (1 more is a fixed "
            "question of this quiz or may be taken by the draws above): ask for fewer, or add questions to your bank."
            ) in text(refused)
    assert tutor.post(QUIZ + "/draws", data={"draw-count": "1", "draw-criterion": "HSCCLD327/K15"}).status_code == 302


@pytest.mark.parametrize("query, field, message", [
    ("", "criterion", "Choose a criterion or enter a tag (one of the two)."),
    ("?criterion=HSCCLD327/K13&tag=trust", "criterion", "Choose a criterion or enter a tag (one of the two)."),
    ("?criterion=HSCCLD327/K99", "criterion", "HSCCLD327/K99 is not a criterion of this course's frameworks."),
    ("?criterion=" + "X" * 201, "criterion", "A criterion reference has at most 200 characters."),
    ("?tag=" + "t" * 101, "tag", "A tag has at most 100 characters."),
    ("?tag=trust&count=0", "count", "Enter a whole number of questions from 1 to 200."),
    ("?tag=trust&count=201", "count", "Enter a whole number of questions from 1 to 200."),
    ("?tag=trust&count=two", "count", "Enter a whole number of questions from 1 to 200."),
    ("?tag=trust&count=-1", "count", "Enter a whole number of questions from 1 to 200."),
])
def test_the_count_refuses_bad_input_naming_the_field(world, query, field, message):
    response = client_as(world, "tutor").get(COUNT + query)
    assert response.status_code == 422
    assert response.json == {"error": "invalid", "field": field, "message": message}


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("tutor", 200), ("assessor", 403), ("iqa", 403), ("learner", 403), ("anonymous", 302),
    ("other_tutor", 404), ("other_admin", 404),
])
def test_the_count_is_for_the_organisation_s_tutors_and_admins(world, who, status):
    response = client_as(world, who).get(COUNT + "?criterion=HSCCLD327/K13")
    assert response.status_code == status
    if status == 200:
        assert response.json["matches"] == 4


def test_the_builder_shows_each_draw_s_count_and_warns_when_the_bank_shrank(world, save_questions):
    set_items(world, [{"draw": {"count": 2, "criterion": "HSCCLD327/K15"}}, {"draw": {"count": 2, "tag": "trust"}}])
    page = text(client_as(world, "tutor").get(QUIZ))
    assert '<span class="draw-matches" id="item-1-matches">2 questions in your bank match this draw.</span>' in page
    assert 'id="item-2-matches">2 questions in your bank match this draw.</span>' in page
    # a2 loses its tag in a new version: the tag draw can now take one question of the two it asks for.
    save_questions(world["ours"], [dict(bank()[1], version=2, tags=[])])
    page = text(client_as(world, "tutor").get(QUIZ))
    assert ('<span class="draw-matches warning" id="item-2-matches"><strong>Warning:</strong> 1 question in your bank '
            'matches this draw. Fewer than it asks for: it asks for 2 but only 1 can be drawn.</span>') in page
    assert f'data-draw-count-url="{COUNT}"' in page


# --------------------------------------------------------------------------- errors by their fields, no 405


def test_a_failed_draw_shows_its_error_on_its_field_and_in_a_summary_that_links_there(world):
    tutor = client_as(world, "tutor")
    short = tutor.post(QUIZ + "/draws", data={"draw-count": "5", "draw-criterion": "HSCCLD327/K13"})
    assert short.status_code == 422
    page = text(short)
    message = ("Only 4 questions evidencing HSCCLD327/K13 can be drawn, and this draw asks for 5: ask for fewer, "
               "or add questions to your bank.")
    summary = page.split('<div class="error-summary"')[1].split("</div>")[0]
    assert f'<li><a href="#draw-count">{message}</a></li>' in summary
    assert summary.count("<li>") == 1
    assert re.search(r'<p class="error-message" id="draw-count-error"><span class="visually-hidden">Error: </span>'
                     + re.escape(message) + "</p>", page)
    assert 'aria-describedby="draw-count-error" aria-invalid="true"' in page
    # The summary is the first thing after the heading; the draw form is the first form after the quiz's items.
    assert page.index("error-summary") < page.index('id="settings-heading"')
    assert page.index('id="items-heading"') < page.index('id="draw-heading"') < page.index('id="bank-heading"')
    neither = text(tutor.post(QUIZ + "/draws", data={"draw-count": "1"}))
    assert '<li><a href="#draw-criterion">Choose a criterion or enter a tag (one of the two).</a></li>' in neither
    assert 'id="draw-criterion-error"' in neither
    unknown = text(tutor.post(QUIZ + "/draws", data={"draw-count": "1", "draw-criterion": "HSCCLD327/K99"}))
    assert '<li><a href="#draw-criterion">HSCCLD327/K99 is not a criterion of this course' in unknown
    twice = tutor.post(QUIZ + "/questions", data={"question": "a1", "version": "1"})
    assert twice.status_code == 302
    again = text(tutor.post(QUIZ + "/questions", data={"question": "a1", "version": "1"}))
    assert "<li><a href=\"#add-question-error\">question &#39;a1&#39; is already in this quiz</a></li>" in again
    assert 'id="add-question-error"' in again
    assert quiz_items(world) == [{"question": "a1", "version": 1}]


def test_every_quiz_form_address_answers_a_get(world):
    set_items(world, [{"question": "a1", "version": 1}, {"draw": {"count": 1, "criterion": "HSCCLD327/K15"}}])
    tutor = client_as(world, "tutor")
    addresses = {
        QUIZ: None,
        QUIZ + "/draws": "#draw-heading",
        QUIZ + "/questions": "#bank-heading",
        QUIZ + "/draw-per-criterion": "#items-heading",
        QUIZ + "/items/1/move": "#items-heading",
        QUIZ + "/items/0/delete": "#items-heading",
        QUIZ + "/delete": "#remove-heading",
    }
    forms = {url for url in re.findall(r'<form method="post" action="([^"]+)"', text(tutor.get(QUIZ)))
             if url.startswith(QUIZ)}
    assert forms == set(addresses) | {QUIZ + "/items/1/delete", QUIZ + "/items/0/move"}
    for url in forms | set(addresses):
        response = tutor.get(url)
        anchor = addresses.get(url, "#items-heading")
        if url == QUIZ:
            assert response.status_code == 200
        else:
            assert (response.status_code, response.headers["Location"]) == (303, QUIZ + anchor), url
    # ... and changes nothing.
    assert quiz_items(world) == [{"question": "a1", "version": 1}, {"draw": {"count": 1, "criterion": "HSCCLD327/K15"}}]
    # The browser's address after a failed draw, revisited: the builder, not 405.
    assert tutor.post(QUIZ + "/draws", data={"draw-count": "9", "draw-criterion": "HSCCLD327/K13"}).status_code == 422
    revisited = tutor.get(QUIZ + "/draws", follow_redirects=True)
    assert revisited.status_code == 200 and "<h1>Quiz of Risks</h1>" in text(revisited)
    assert client_as(world, "other_tutor").get(QUIZ + "/draws").status_code == 404
    assert client_as(world, "learner").get(QUIZ + "/draws").status_code == 403


# --------------------------------------------------------------------------- the bank search


def listed(page: str) -> list[str]:
    table = page.split('id="bank-caption"')[1].split("</table>")[0]
    return re.findall(r'<input type="hidden" name="question" value="([^"]+)">', table)


def caption(page: str) -> str:
    return re.sub(r"\s+", " ", page.split('id="bank-caption">')[1].split("</caption>")[0])


def test_the_bank_search_filters_by_text_type_criterion_tag_and_finding(world):
    tutor = client_as(world, "tutor")
    every = text(tutor.get(QUIZ))
    assert listed(every) == ["a1", "a2", "a3", "b1", "scn"] and caption(every) == "5 questions in your bank"
    assert listed(text(tutor.get(QUIZ + "?q=FALLS"))) == ["a3"]  # the title, any case
    assert listed(text(tutor.get(QUIZ + "?q=right for b1"))) == ["b1"]  # the question text
    assert listed(text(tutor.get(QUIZ + "?type=scenario"))) == ["scn"]
    single = text(tutor.get(QUIZ + "?type=single_choice&criterion=HSCCLD327/K15"))
    assert listed(single) == ["b1"]
    assert caption(single) == "1 question in your bank evidencing HSCCLD327/K15 of type Single choice"
    assert listed(text(tutor.get(QUIZ + "?tag=trust&q=promises"))) == ["a2"]
    assert listed(text(tutor.get(QUIZ + "?type=no-such-type"))) == ["a1", "a2", "a3", "b1", "scn"]
    assert "No questions in your bank match." in text(tutor.get(QUIZ + "?q=nothing like this"))
    # The choice questions have two options (fewer than three); the scenario's steps are true/false.
    assert listed(text(tutor.get(QUIZ + "?finding=too-few-options"))) == ["a1", "a2", "a3", "b1"]
    assert listed(text(tutor.get(QUIZ + "?finding=too-few-options&criterion=HSCCLD327/K15"))) == ["b1"]
    assert "No questions in your bank match." in text(tutor.get(QUIZ + "?finding=negative-stem"))


def test_the_bank_search_pages_twenty_at_a_time(world, save_questions):
    save_questions(world["ours"], [choice(f"p{n:02d}", ["HSCCLD327/K14"]) for n in range(1, 24)])
    tutor = client_as(world, "tutor")
    first = text(tutor.get(QUIZ))
    assert len(listed(first)) == 20 and listed(first)[:6] == ["a1", "a2", "a3", "b1", "p01", "p02"]
    assert caption(first) == "28 questions in your bank (1–20 shown)"
    assert "Page 1 of 2" in first and 'rel="prev"' not in first
    assert f'<a href="{QUIZ}?page=2#bank-heading" rel="next">Next page</a>' in first
    second = text(tutor.get(QUIZ + "?page=2"))
    assert listed(second) == ["p17", "p18", "p19", "p20", "p21", "p22", "p23", "scn"]
    assert caption(second) == "28 questions in your bank (21–28 shown)"
    assert f'<a href="{QUIZ}?page=1#bank-heading" rel="prev">Previous page</a>' in second
    assert listed(text(tutor.get(QUIZ + "?page=99"))) == listed(second)  # past the end: the last page
    assert listed(text(tutor.get(QUIZ + "?page=x"))) == listed(first)
    filtered = text(tutor.get(QUIZ + "?criterion=HSCCLD327/K14&page=2"))
    assert listed(filtered) == ["p21", "p22", "p23"]
    assert f'<a href="{QUIZ}?page=1&amp;criterion=HSCCLD327/K14#bank-heading" rel="prev">' in filtered


# --------------------------------------------------------------------------- preview as a learner


def row_counts(app) -> tuple[int, int, int]:
    from course.learning.models import Attempt, ModuleProgress, TimeOnTask

    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Attempt, TimeOnTask, ModuleProgress))


def player_data(page: str, name: str) -> dict[str, Any]:
    found = re.search(rf"window\.{name} = (.*?);</script>", page)
    assert found, name
    return json.loads(found.group(1))


def test_the_preview_plays_the_module_in_the_learners_player_and_writes_nothing(world):
    from course.learning.enrolment import enrol_learner

    set_items(world, [{"question": "a1", "version": 1}, {"draw": {"count": 1, "criterion": "HSCCLD327/K15"}}])
    app = world["app"]
    with app.app_context():
        enrol_learner(db.session.scalar(select(Course)), name="Lee", email=world["users"]["learner"].email)
        db.session.commit()
    learner = client_as(world, "learner")
    assert learner.get("/learn/care/risks").status_code == 200  # a learner's own attempt, time and progress
    before = row_counts(app)
    assert before == (1, 1, 0)
    tutor = client_as(world, "tutor")
    module = tutor.get("/courses/care/modules/risks/preview")
    quiz = tutor.get(QUIZ + "/preview")
    assert (module.status_code, quiz.status_code) == (200, 200)
    assert module.headers["Cache-Control"] == "no-store"
    for response, start in ((module, None), (quiz, "quiz")):
        page = text(response)
        launch = player_data(page, "CC_LAUNCH")
        exit_url = QUIZ if start else "/courses/care/modules/risks/"
        assert launch == {"adapter": "none", "module": "risks", "app": {"exit_url": exit_url},
                          **({"start": start} if start else {})}
        assert "Preview as a learner: nothing you do here is recorded" in page
        course = player_data(page, "CC_COURSE")
        (m,) = course["modules"]
        assert m["quiz"]["items"] == [{"question": "a1", "version": 1}, {"draw": {"count": 1, "criterion": "HSCCLD327/K15"}}]
        # The player marks in the page: every version it can draw, with its key.
        assert [(q["id"], q["version"]) for q in course["questions"]] == [("a1", 1), ("b1", 1), ("scn", 1)]
        assert course["questions"][0]["options"][0] == {"id": "a", "text": "Right", "correct": True, "feedback": ""}
        # Headings under the page title (the player's <h2>): "#" gives <h3>, "##" <h4>.
        assert m["pages"][0]["html"] == "<h3>Why it matters</h3>\n<p>Because.</p>\n<h4>Who</h4>\n<p>Everyone.</p>\n"
    assert row_counts(app) == before
    # The learner's own player page shows the same headings.
    learner_page = player_data(text(learner.get("/learn/care/risks")), "CC_COURSE")
    assert learner_page["modules"][0]["pages"][0]["html"].startswith("<h3>Why it matters</h3>")


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("tutor", 200), ("assessor", 403), ("iqa", 403), ("learner", 403), ("anonymous", 302),
    ("other_tutor", 404), ("other_admin", 404),
])
def test_the_preview_is_for_the_organisation_s_tutors_and_admins(world, who, status):
    set_items(world, [{"question": "a1", "version": 1}])
    client = client_as(world, who)
    for url in ("/courses/care/modules/risks/preview", QUIZ + "/preview"):
        assert client.get(url).status_code == status, url
    assert row_counts(world["app"]) == (0, 0, 0)


def test_a_module_without_a_quiz_has_a_module_preview_only(world):
    tutor = client_as(world, "tutor")
    assert tutor.get(QUIZ + "/preview").status_code == 404
    page = text(tutor.get("/courses/care/modules/risks/preview"))
    assert player_data(page, "CC_COURSE")["modules"][0]["quiz"] is None
    builder = text(tutor.get(QUIZ))
    assert "Preview the quiz as a learner" not in builder
    assert '<a class="button button-secondary" href="/courses/care/modules/risks/preview">Preview the module as a learner</a>' in builder
    set_items(world, [{"question": "a1", "version": 1}])
    assert f'href="{QUIZ}/preview">Preview the quiz as a learner</a>' in text(tutor.get(QUIZ))
