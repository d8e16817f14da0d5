"""What a quiz really measures, where the tutor and the provider see it: the quiz page, the SCORM
check (warnings, or a block when the course says so) and ``carecourse check-course``.

The two quizzes are small enough to work out by hand:
- "cued" holds a single choice whose key is far the longest (a test-wise learner picks it: 1) and a
  true/false keyed True (a test-wise learner answers True: 1): test-wise 2/2 = 100%, guessing
  (1/3 + 1/2) / 2 = 41.7%; a guesser passes 80% only with both right: 1/3 × 1/2 = 1/6 = 16.7%.
- "clean" holds one single choice with the key second of three, options of equal length and no
  stem words in the key: no cue applies, so test-wise = guessing = 1/3 = 33.3%.
"""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from course.authoring import quizzes, service
from course.authoring.models import Course
from course.extensions import db
from course.models import Organisation
from tests.helpers import login

K13, K15 = "HSCCLD327/K13", "HSCCLD327/K15"

CUED = {
    "id": "visits", "version": 1, "type": "single_choice", "title": "Arranging visits",
    "stem": "Mr Okafor's daughter asks you about his weekly visits. What should you do?",
    "criteria": [K13],
    "options": [
        {"id": "a", "text": "Ask Mr Okafor how he would like his visits arranged, and write it in his care plan",
         "correct": True, "feedback": "Yes: they are his visits."},
        {"id": "b", "text": "Tell her to phone later", "correct": False, "feedback": "That puts her off."},
        {"id": "c", "text": "Leave it to the manager", "correct": False, "feedback": "You can act on this."},
    ],
}
TRUE_KEY = {
    "id": "tf-trust", "version": 1, "type": "true_false", "title": "Trust takes time",
    "stem": "Trust is built over many small, kept promises.", "criteria": [K13], "answer": True,
    "feedback_true": "Yes.", "feedback_false": "It is.",
}
CLEAN = {
    "id": "first-tell", "version": 1, "type": "single_choice", "title": "Raising a concern",
    "stem": "You suspect abuse. Who do you report it to first?",
    "criteria": [K15],
    "options": [
        {"id": "a", "text": "The person's neighbour", "correct": False, "feedback": "Not your first step."},
        {"id": "b", "text": "Your safeguarding lead", "correct": True, "feedback": "Yes: follow the policy."},
        {"id": "c", "text": "A friend of yours", "correct": False, "feedback": "That breaks confidentiality."},
    ],
}


@pytest.fixture
def course_with_quizzes(units_app, create_user, save_questions):
    """Course "care": module "clean" (quiz: CLEAN), then module "cued" (quiz: CUED, TRUE_KEY); a tutor."""
    with units_app.app_context():
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    save_questions(org_id, [CUED, TRUE_KEY, CLEAN])
    with units_app.app_context():
        course = service.create_course(organisation=db.session.get(Organisation, org_id), user=None,
                                       title="Care", frameworks=["HSCCLD327"])
        for slug, items in (("clean", [CLEAN]), ("cued", [CUED, TRUE_KEY])):
            module = service.add_module(course, title=slug.capitalize(), slug=slug)
            quizzes.set_quiz(module, pass_mark=0.8)
            for q in items:
                quizzes.add_fixed_question(module.quiz, q["id"], 1)
        db.session.commit()
    tutor = create_user("tutor", org_id)
    client = units_app.test_client()
    login(client, tutor.email)
    return client


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_quiz_page_shows_the_test_wise_score_and_findings_by_question(course_with_quizzes):
    cued = page(course_with_quizzes.get("/courses/care/modules/cued/quiz"))
    assert "What this quiz measures" in cued
    assert "is expected to score 100% of the auto-marked marks (pass mark 80%)" in cued
    assert "guessing alone is expected to score 42%" in cued
    assert 'id="testwise-warning"' in cued and "Passable without knowledge" in cued
    # Guessing: 42% expected, 17% to pass one attempt, certain within unlimited attempts.
    assert "<td>42%</td>\n        <td>17%</td><td>100%</td>" in cued
    assert 'data-code="key-longest"' in cued
    assert '<a href="/questions/visits/edit">Arranging visits</a>' in cued
    # Estimated time (README, Estimated learning time): the single choice reads 43 words at 175 a
    # minute (0.25 min) + 30 s to answer = 0.75 min; the true/false 9 words (0.05) + 20 s = 0.39
    # min; each shows as 1 min, the quiz's 1.13 min as 1 min.
    assert cued.count("(about 1 min to answer)") == 2
    assert "Estimated time to answer the quiz: 1 min" in cued

    clean = page(course_with_quizzes.get("/courses/care/modules/clean/quiz"))
    assert "is expected to score 33% of the auto-marked marks" in clean
    assert 'id="testwise-warning"' not in clean
    assert 'data-code="key-longest"' not in clean


def test_check_course_prints_every_finding_and_fails_on_severe_ones(units_app, course_with_quizzes):
    runner = units_app.test_cli_runner()
    result = runner.invoke(args=["check-course", "care"])
    assert result.exit_code == 1
    out = result.stdout
    assert "cued (formative, pass mark 80%):" in out
    assert "error: visits options.a:" in out and "[key-longest;" in out
    assert "test-wise: A learner with no knowledge who uses test-taking cues is expected to score 100%" in out
    assert "Quizzes a learner with no knowledge is expected to pass: 1 (cued)" in out
    assert "care: 1 error, 2 warnings over 2 quizzes (key-longest 1, options-unequal-length 1, stem-words-in-key 1)" in out
    # Three short questions and no pages against two default 60-minute targets.
    assert "Estimated learning time: 2 min against 120 min of targets; 2 of 2 modules flagged" in out
    assert "error: course 'care': severe quality findings" in result.stderr

    report = json.loads(runner.invoke(args=["check-course", "care", "--json"]).stdout)
    assert report["passable_without_knowledge"] == ["cued"]
    assert report["counts"]["by_code"]["key-longest"] == 1
    [clean, cued] = report["quizzes"]
    assert (clean["module"], cued["module"]) == ("clean", "cued")
    assert round(cued["testwise"]["guess"]["expected"], 4) == 0.4167
    assert round(cued["testwise"]["guess"]["pass_probability"], 4) == 0.1667
    assert clean["testwise"]["testwise"]["expected"] == pytest.approx(1 / 3, abs=1e-4)
    assert [(e["module"], e["target_minutes"], e["flag"]) for e in report["estimates"]] == [
        ("clean", 60, "target-over-twice"), ("cued", 60, "target-over-twice")]

    missing = runner.invoke(args=["check-course", "nope"])
    assert missing.exit_code == 1 and "no course with the slug 'nope'" in missing.stderr


def test_check_course_passes_a_course_without_severe_findings(units_app, course_with_quizzes):
    with units_app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "care"))
        service.delete_module(next(m for m in course.modules if m.slug == "cued"))
        db.session.commit()
    result = units_app.test_cli_runner().invoke(args=["check-course", "care"])
    assert result.exit_code == 0, result.output
    assert "Quizzes a learner with no knowledge is expected to pass: 0" in result.stdout


def test_the_scorm_check_warns_and_the_course_setting_makes_severe_findings_block(units_app, course_with_quizzes):
    client = course_with_quizzes
    check = page(client.get("/courses/care/scorm?standard=1.2&check=1"))
    assert "What the quizzes measure" in check and "Module <code>cued</code>" in check
    assert "passable without knowledge" in check
    assert client.get("/courses/care/scorm/download?standard=1.2").status_code == 200

    settings = page(client.get("/courses/care/settings"))
    assert "Block the SCORM download while quizzes have severe quality findings" in settings
    version = re.search(r'name="base_version" type="hidden" value="([^"]*)"', settings).group(1)
    saved = client.post("/courses/care/settings", data={
        "title": "Care", "slug": "care", "description": "", "language": "en-GB",
        "block_export_on_findings": "y", "base_version": version})
    assert saved.status_code == 302
    with units_app.app_context():
        assert db.session.scalar(select(Course.block_export_on_findings).where(Course.slug == "care")) is True
    blocked = client.get("/courses/care/scorm/download?standard=1.2")
    assert blocked.status_code == 422
    text = blocked.get_data(as_text=True)
    assert "must be fixed before you can download" in text
    assert re.search(r"Module <code>cued</code>: \d+ findings, 2 blocking", text)  # key-longest, passable
    assert not re.search(r"Module <code>clean</code>: [^<]*blocking", text)

    result = units_app.test_cli_runner().invoke(args=["export-scorm", "care", "--out", "/dev/null"])
    assert result.exit_code == 1 and "no package written" in result.stderr
