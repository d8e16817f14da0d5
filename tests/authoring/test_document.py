"""The course document: export, import into a fresh database, export again: the same bytes."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.authoring import quizzes, service
from course.authoring.document import DocumentError, export_course, export_course_bytes, import_course
from course.authoring.models import Course, Module, Page, Quiz
from course.bank.models import QuestionVersion
from course.extensions import db
from course.models import Framework, Organisation
from tests.authoring.conftest import choice, scenario
from tests.helpers import make_app


def fresh_app(tmp_path: Path, name: str):
    """Another app on its own empty database (no seed units: import must bring the frameworks)."""
    folder = tmp_path / name
    folder.mkdir()
    return make_app(folder)


def build_course(save_questions) -> int:
    org = Organisation(name="Exporters")
    db.session.add(org)
    db.session.commit()
    save_questions(org.id, [
        choice("q-k13", ["HSCCLD327/K13"]),
        choice("q-k15", ["HSCCLD327/K15"], tags=["trust"]),
        choice("q-effrel", ["NOS-EFFREL/K14", "HSCCLD327/K16"], tags=["trust"]),
        scenario("scn", ["HSCCLD327/K13", "HSCCLD327/K15"], [("c1", ["HSCCLD327/K13"]), ("c2", ["HSCCLD327/K15"])]),
        choice("not-used", ["HSCCLD327/K1"]),
    ])
    # A second version of q-k13, once the first is in use: the quiz keeps version 1.
    v1 = db.session.scalar(select(QuestionVersion).where(QuestionVersion.question_id == "q-k13"))
    v1.in_use = True
    db.session.commit()
    save_questions(org.id, [dict(choice("q-k13", ["HSCCLD327/K13"]), stem="Reworded: which is right?")])
    course = service.create_course(organisation=org, user=None, title="Relationships ünïcode “quotes”",
                                   frameworks=["HSCCLD327", "QCF-RELNET"], description="Two units.")
    m1 = service.add_module(course, title="Risks", outcomes=["HSCCLD327/K.1"], workplace=["HSCCLD327/P1"])
    service.add_page(m1, title="Why", body="# Why\n\nBecause **relationships** matter.")
    service.add_page(m1, title="How", body="- one\n- two\n")
    quiz = quizzes.set_quiz(m1, pass_mark=0.75, criterion_threshold=0.5, attempts=3, grading="average",
                            shuffle=True, feedback="after_submission", time_limit_minutes=30)
    quizzes.set_quiz_items(quiz, [{"question": "q-k13", "version": 1},
                                  {"draw": {"count": 1, "criterion": "HSCCLD327/K15"}},
                                  {"draw": {"count": 1, "tag": "trust"}}])
    m2 = service.add_module(course, title="Networks", outcomes=["QCF-RELNET/1"])
    service.add_page(m2, title="Maps", body="Text")
    db.session.commit()
    return course.id


def test_export_has_fixed_versions_and_every_drawable_question(units_app, save_questions):
    with units_app.app_context():
        course = db.session.get(Course, build_course(save_questions))
        doc = export_course(course)
    assert doc["format"] == "carecourse-course" and doc["version"] == 1
    assert doc["course"] == {"slug": "relationships-unicode-quotes", "title": "Relationships ünïcode “quotes”",
                             "description": "Two units.", "language": "en-GB"}
    # NOS-EFFREL is cited by a drawable question, so it travels too, after the course's own.
    assert [fw["code"] for fw in doc["frameworks"]] == ["HSCCLD327", "QCF-RELNET", "NOS-EFFREL"]
    assert [(q["id"], q["version"]) for q in doc["questions"]] == [
        ("q-effrel", 1), ("q-k13", 1), ("q-k15", 1), ("scn", 1)]
    m1, m2 = doc["modules"]
    assert m1["quiz"]["items"][0] == {"question": "q-k13", "version": 1}
    assert (m1["quiz"]["pass_mark"], m1["quiz"]["criterion_threshold"], m1["quiz"]["time_limit_minutes"]) == (0.75, 0.5, 30)
    assert m1["workplace"] == ["HSCCLD327/P1"] and m2["quiz"] is None
    assert [p["slug"] for p in m1["pages"]] == ["why", "how"]


def test_round_trip_is_byte_identical(units_app, save_questions, tmp_path):
    with units_app.app_context():
        first = export_course_bytes(db.session.get(Course, build_course(save_questions)))
    other = fresh_app(tmp_path, "fresh")
    with other.app_context():
        assert db.session.scalar(select(func.count()).select_from(Framework)) == 0
        org = Organisation(name="Importers")
        db.session.add(org)
        db.session.commit()
        course = import_course(first, organisation=org, user=None)
        db.session.commit()
        course = db.session.get(Course, course.id)
        assert [m.target_minutes for m in course.modules] == [60, 360]
        assert course.modules[0].pages[0].html == "<h3>Why</h3>\n<p>Because <strong>relationships</strong> matter.</p>\n"
        second = export_course_bytes(course)
        stored = {(r.question_id, r.version, r.is_current) for r in db.session.scalars(select(QuestionVersion))}
    assert second == first
    assert first.endswith(b"}\n") and b'"title": "Relationships \xc3\xbcn\xc3\xafcode' in first
    assert stored == {("q-effrel", 1, True), ("q-k13", 1, True), ("q-k15", 1, True), ("scn", 1, True)}


def test_shipped_course_round_trips(units_app, tmp_path):
    from course.shipped import load_shipped_document

    shipped = load_shipped_document()
    with units_app.app_context():
        org = Organisation(name="carecourse")
        db.session.add(org)
        db.session.commit()
        first = export_course_bytes(import_course(shipped, organisation=org, user=None))
        db.session.commit()
    other = fresh_app(tmp_path, "fresh")
    with other.app_context():
        org = Organisation(name="Elsewhere")
        db.session.add(org)
        db.session.commit()
        course = import_course(first, organisation=org, user=None)
        db.session.commit()
        second = export_course_bytes(db.session.get(Course, course.id))
    assert second == first
    doc = json.loads(first)
    assert len(doc["modules"]) == len(shipped["modules"])
    assert {(q["id"], q["version"]) for q in doc["questions"]} == {(q["id"], q["version"]) for q in shipped["questions"]}


def counts():
    return [db.session.scalar(select(func.count()).select_from(m)) for m in (Course, Module, Page, Quiz, QuestionVersion, Framework)]


def test_import_reports_every_problem_with_its_path_and_creates_nothing(units_app, save_questions, tmp_path):
    with units_app.app_context():
        doc = export_course(db.session.get(Course, build_course(save_questions)))
    bad = copy.deepcopy(doc)
    bad["course"]["slug"] = "has space"
    bad["modules"][0]["outcomes"].append("HSCCLD327/Z.9")
    bad["modules"][0]["quiz"]["items"][0]["version"] = 7
    bad["modules"][1]["pages"].append({"slug": "maps", "title": "Again", "body": ""})
    bad["questions"][0]["options"][0]["correct"] = "yes"
    other = fresh_app(tmp_path, "fresh")
    with other.app_context():
        org = Organisation(name="Importers")
        db.session.add(org)
        db.session.commit()
        before = counts()
        with pytest.raises(DocumentError) as exc:
            import_course(json.dumps(bad).encode(), organisation=org, user=None)
        db.session.rollback()
        assert counts() == before == [0, 0, 0, 0, 0, 0]
    paths = [path for path, _ in exc.value.problems]
    assert "course.slug" in paths
    assert "modules[0].outcomes[1]" in paths
    assert "modules[0].quiz.items[0].question" in paths
    assert "modules[1].pages[1].slug" in paths
    assert "questions[0].options[0].correct" in paths


def test_import_checks_stored_frameworks_slug_and_bank(units_app, save_questions):
    with units_app.app_context():
        course = db.session.get(Course, build_course(save_questions))
        doc = export_course(course)
        org = course.organisation
        doc["frameworks"][0]["outcomes"][1]["criteria"][12]["text"] = "something else"
        doc["questions"][1]["stem"] = "Changed without a new version"
        before = counts()
        with pytest.raises(DocumentError) as exc:
            import_course(doc, organisation=org, user=None)
        db.session.rollback()
        assert counts() == before
    assert exc.value.problems == [
        ("frameworks[0].outcomes[1].criteria[12].text",
         "differs from the stored framework: stored 'how to manage risks and safeguarding restrictions on "
         "relationships', document 'something else'"),
        ("course.slug", "your organisation already has a course with the slug 'relationships-unicode-quotes'"),
        ("questions[1]", "question 'q-k13' version 1 is already in your bank with different content"),
    ]


def test_import_under_another_slug_reuses_identical_questions(units_app, save_questions):
    with units_app.app_context():
        course = db.session.get(Course, build_course(save_questions))
        data = export_course_bytes(course)
        n_questions = counts()[4]
        copy_ = import_course(data, organisation=course.organisation, user=None, slug="copy")
        db.session.commit()
        assert copy_.slug == "copy"
        assert counts()[4] == n_questions
        # The bank's current q-k13 stays version 2 (the document only has version 1).
        current = db.session.scalar(select(QuestionVersion).where(
            QuestionVersion.question_id == "q-k13", QuestionVersion.is_current.is_(True)))
        assert current.version == 2


def test_import_refuses_an_unknown_version_by_name(units_app):
    with units_app.app_context():
        org = Organisation(name="X")
        db.session.add(org)
        db.session.commit()
        with pytest.raises(DocumentError) as exc:
            import_course(b'{"format": "carecourse-course", "version": 2}', organisation=org, user=None)
        assert exc.value.problems[0][0] == "version"
        with pytest.raises(DocumentError) as exc:
            import_course(b"not json", organisation=org, user=None)
        assert exc.value.problems[0][1].startswith("not JSON")
