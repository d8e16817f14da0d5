"""Authoring pages as a tutor uses them: forms, errors, preview, uploads, quiz builder, coverage, documents."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from course.authoring import service, uploads
from course.authoring.document import export_course_bytes
from course.authoring.models import Course, Page, Upload
from course.extensions import db
from course.models import Organisation
from tests.authoring.conftest import choice, scenario
from tests.helpers import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture
def tutor(units_app, create_user, save_questions):
    with units_app.app_context():
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    save_questions(org_id, [
        choice("q-k13", ["HSCCLD327/K13"], tags=["trust"]),
        scenario("scn", ["HSCCLD327/K13", "HSCCLD327/K15"], [("c1", ["HSCCLD327/K13"]), ("c2", ["HSCCLD327/K15"])]),
    ])
    user = create_user("tutor", org_id)
    client = units_app.test_client()
    login(client, user.email)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def course_in_db(app, slug="care"):
    return db.session.scalar(select(Course).where(Course.slug == slug))


def make(client, title="Care", frameworks=("HSCCLD327",)):
    response = client.post("/courses/new", data={"title": title, "language": "en-GB", "frameworks": list(frameworks)})
    assert response.status_code == 302, text(response)
    return response.headers["Location"]


def test_create_course_needs_a_framework_and_a_free_slug(tutor, units_app):
    response = tutor.post("/courses/new", data={"title": "Care", "language": "en-GB"})
    assert response.status_code == 422
    assert "Pick at least one framework." in text(response)
    assert make(tutor) == "/courses/care/"
    again = tutor.post("/courses/new", data={"title": "Care", "language": "en-GB", "frameworks": ["HSCCLD327"]})
    assert again.status_code == 422
    assert "Your organisation already has a course with the slug &#39;care&#39;." in text(again)
    page = text(tutor.get("/courses/care/"))
    assert "<h1>Care</h1>" in page and '<a href="/frameworks/HSCCLD327">HSCCLD327</a>' in page


def test_modules_show_targets_against_glh(tutor, units_app):
    make(tutor, "Networks", ["QCF-RELNET"])
    response = tutor.post("/courses/networks/modules-per-outcome")
    assert response.status_code == 302
    page = text(tutor.get("/courses/networks/"))
    assert "27 h (1620 min)" in page
    assert "27 h (1620 min, 5 modules)" in page
    assert "Matches" in page
    assert page.count("Target 6 h") == 3 and page.count("Target 4 h 30 min") == 2
    # Editing a target shows the difference.
    module_url = re.search(r'href="(/courses/networks/modules/[^"]+/)"', page).group(1)
    form = {"title": "Shorter", "target_minutes": "300", "outcomes": ["QCF-RELNET/1"]}
    assert tutor.post(module_url, data=form).status_code == 302
    assert "1 h short" in text(tutor.get("/courses/networks/"))


def test_module_form_defaults_minutes_and_reports_field_errors(tutor, units_app):
    make(tutor, "Both", ["QCF-RELNET", "HSCCLD327"])
    form = text(tutor.get("/courses/both/modules/new"))
    assert 'value="QCF-RELNET/2"' in form and "default target 4 h 30 min" in form
    assert 'value="HSCCLD327/P1"' in form and 'value="HSCCLD327/K1"' not in form.split("Workplace evidence planned")[1]
    response = tutor.post("/courses/both/modules/new", data={"title": "Two", "outcomes": ["QCF-RELNET/2", "QCF-RELNET/4"],
                                                             "workplace": ["QCF-RELNET/2.1"]})
    assert response.headers["Location"] == "/courses/both/modules/two/"
    edit = text(tutor.get("/courses/both/modules/two/"))
    assert 'value="540"' in edit
    assert re.search(r'value="QCF-RELNET/2" id="[^"]+" checked', edit)
    bad = tutor.post("/courses/both/modules/two/", data={"title": "Two", "target_minutes": "-1"})
    assert bad.status_code == 422 and "Enter a whole number, 0 or more." in text(bad)
    bad = tutor.post("/courses/both/modules/two/", data={"title": "Two", "outcomes": ["NOS-EFFREL/K.1"]})
    assert bad.status_code == 422 and "NOS-EFFREL/K.1 is not an outcome of this course" in text(bad)


def test_page_preview_without_javascript_saves_nothing(tutor, units_app):
    make(tutor)
    tutor.post("/courses/care/modules/new", data={"title": "Risks"})
    body = "# Title\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    response = tutor.post("/courses/care/modules/risks/pages/new", data={"title": "Intro", "body": body, "action": "preview"})
    assert response.status_code == 200
    html = text(response)
    preview = html.split('id="page-preview"')[1].split("</div>")[0]
    assert "<h3>Title</h3>" in preview and "<script" not in preview and 'href="javascript' not in preview
    with units_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Page)) == 0
    saved = tutor.post("/courses/care/modules/risks/pages/new", data={"title": "Intro", "body": body, "action": "save"})
    assert saved.headers["Location"] == "/courses/care/modules/risks/pages/intro"
    with units_app.app_context():
        page = db.session.scalar(select(Page))
        assert page.body == body and page.html.startswith("<h3>Title</h3>\n<p>&lt;script&gt;")


def test_live_preview_endpoint_needs_the_csrf_token(csrf_app, create_user, create_org):
    from course.cli import load_seed_units
    from course.seeds import seeds_dir

    with csrf_app.app_context():
        load_seed_units(seeds_dir())
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.commit()
        service.create_course(organisation=org, user=None, title="Care", frameworks=["HSCCLD327"])
        db.session.commit()
        org_id = org.id
    user = create_user("tutor", org_id)
    client = csrf_app.test_client()
    page = text(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token})
    assert response.status_code == 302
    form = text(client.get("/courses/care/"))
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', form).group(1)
    assert client.post("/courses/care/preview", data={"body": "**x**"}).status_code == 400
    ok = client.post("/courses/care/preview", data={"body": "**x** <img src=x onerror=alert(1)>"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200
    assert ok.json == {"html": "<p><strong>x</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n"}
    # Forms without the token are refused too.
    assert client.post("/courses/new", data={"title": "X", "frameworks": ["HSCCLD327"]}).status_code == 400
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 1


def test_image_upload_checks_type_and_size_and_serves_the_image(tutor, units_app):
    make(tutor)
    ok = tutor.post("/courses/care/files/", data={"file": (io.BytesIO(PNG), "Ward Photo.png")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    served = tutor.get("/courses/care/files/ward-photo.png")
    assert served.status_code == 200 and served.data == PNG and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    bad = tutor.post("/courses/care/files/", data={"file": (io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and "Only PNG, JPEG, GIF or WebP images can be uploaded." in text(bad)
    units_app.config["AUTHORING_MAX_UPLOAD_BYTES"] = 10
    big = tutor.post("/courses/care/files/", data={"file": (io.BytesIO(PNG), "big.png")}, content_type="multipart/form-data")
    assert big.status_code == 422 and "the limit is 10 bytes" in text(big)
    with units_app.app_context():
        assert [u.filename for u in db.session.scalars(select(Upload))] == ["ward-photo.png"]
    assert "![description](/courses/care/files/ward-photo.png)" in text(tutor.get("/courses/care/files/"))


def test_quiz_builder_settings_fixed_questions_and_draws(tutor, units_app):
    make(tutor)
    tutor.post("/courses/care/modules/new", data={"title": "Risks"})
    page = text(tutor.get("/courses/care/modules/risks/quiz?criterion=HSCCLD327/K15"))
    assert "1 question in your bank evidencing HSCCLD327/K15" in page and "<code>scn</code>" in page
    short = tutor.post("/courses/care/modules/risks/quiz/draws", data={"draw-count": "3", "draw-criterion": "HSCCLD327/K13"})
    assert short.status_code == 422
    assert ("Only 2 questions evidencing HSCCLD327/K13 can be drawn, and this draw asks for 3: ask for fewer, "
            "or add questions to your bank.") in text(short)
    neither = tutor.post("/courses/care/modules/risks/quiz/draws", data={"draw-count": "1"})
    assert neither.status_code == 422 and "Choose a criterion or enter a tag (one of the two)." in text(neither)
    assert tutor.post("/courses/care/modules/risks/quiz/questions", data={"question": "q-k13", "version": "1"}).status_code == 302
    assert tutor.post("/courses/care/modules/risks/quiz/draws", data={"draw-count": "1", "draw-criterion": "HSCCLD327/K15"}).status_code == 302
    settings = {"title": "Risk check", "pass_mark": "70", "criterion_threshold": "50", "attempts": "2",
                "grading": "last", "feedback": "after_submission", "shuffle": "y", "time_limit_minutes": ""}
    assert tutor.post("/courses/care/modules/risks/quiz", data=settings).status_code == 302
    with units_app.app_context():
        quiz = course_in_db(units_app).modules[0].quiz
        assert (quiz.title, quiz.pass_mark, quiz.criterion_threshold, quiz.attempts, quiz.grading, quiz.feedback,
                quiz.shuffle, quiz.time_limit_minutes) == ("Risk check", 0.7, 0.5, 2, "last", "after_submission", True, None)
        assert quiz.items == [{"question": "q-k13", "version": 1}, {"draw": {"count": 1, "criterion": "HSCCLD327/K15"}}]
    listing = text(tutor.get("/courses/care/modules/risks/quiz"))
    assert "Random draw: 1 question evidencing HSCCLD327/K15" in listing
    assert tutor.post("/courses/care/modules/risks/quiz/items/1/move", data={"direction": "up"}).status_code == 302
    assert tutor.post("/courses/care/modules/risks/quiz/items/1/delete").status_code == 302
    assert tutor.post("/courses/care/modules/risks/quiz/items/5/delete").status_code == 404
    with units_app.app_context():
        assert course_in_db(units_app).modules[0].quiz.items == [{"draw": {"count": 1, "criterion": "HSCCLD327/K15"}}]
    bad = tutor.post("/courses/care/modules/risks/quiz", data=dict(settings, pass_mark="120"))
    assert bad.status_code == 422 and "Enter 0 to 100." in text(bad)


def test_coverage_page_shows_status_in_words_and_a_print_view(tutor, units_app):
    make(tutor)
    tutor.post("/courses/care/modules/new", data={"title": "Risks", "workplace": ["HSCCLD327/P1"]})
    tutor.post("/courses/care/modules/risks/quiz/draws", data={"draw-count": "1", "draw-criterion": "HSCCLD327/K15"})
    settings = {"title": "Risk check", "pass_mark": "80", "attempts": "0", "grading": "highest",
                "feedback": "immediate", "option_feedback": "always"}
    assert tutor.post("/courses/care/modules/risks/quiz", data=dict(settings, mode="summative")).status_code == 302
    page = text(tutor.get("/courses/care/coverage"))

    def row(ref):
        return page.split(f'id="crit-{ref}"')[1].split("</tr>")[0]

    # The summative quiz draws scn, whose step c1 evidences K13: one item in its pool.
    assert "Thin pool" in row("HSCCLD327-K13") and "<code>scn</code> v1" in row("HSCCLD327-K13")
    assert "Only 1 item in its summative pools (fewer than 3)." in row("HSCCLD327-K13")
    assert "No question" in row("HSCCLD327-K14")
    assert "Planned at work" in row("HSCCLD327-P1") and "Work" in row("HSCCLD327-P1")
    assert "Not planned" in row("HSCCLD327-P2")
    assert ("Knowledge: 2 of 24 evidenced by a summative quiz, 22 with no summative question (0 of them practised "
            "in formative quizzes only), 2 with a thin pool, 2 in a summative quiz a learner with no knowledge is "
            "expected to pass by test-taking cues.") in page
    # scn's steps are true/false statements keyed True: answering True scores 100% on K13 and K15.
    assert "Passable without knowledge</strong>: test-wise 100% in risks (reaches its bar)" in row("HSCCLD327-K13")
    assert "<th scope=\"row\">K.1</th><td>24</td><td>2 of 24</td><td>22</td><td>2</td><td>0 of 0</td><td>0</td>" in page
    # As a formative quiz it is practice: no evidence, but shown.
    assert tutor.post("/courses/care/modules/risks/quiz", data=dict(settings, mode="formative")).status_code == 302
    page = text(tutor.get("/courses/care/coverage"))
    assert "No summative question" in row("HSCCLD327-K13") and "Practised in risks (formative)" in row("HSCCLD327-K13")
    assert '<td class="cell">Practice</td>' in row("HSCCLD327-K13")
    assert "Knowledge: 0 of 24 evidenced by a summative quiz, 24 with no summative question (2 of them practised" in page
    printed = text(tutor.get("/courses/care/coverage/print"))
    assert 'coverage-print.css" media="print, screen"' in printed
    assert 'coverage-print.css" media="print"' in page


def test_export_download_and_import_upload(tutor, units_app):
    make(tutor)
    tutor.post("/courses/care/modules/new", data={"title": "Risks"})
    tutor.post("/courses/care/modules/risks/pages/new", data={"title": "Intro", "body": "Hello"})
    tutor.post("/courses/care/modules/risks/quiz/draws", data={"draw-count": "2", "draw-criterion": "HSCCLD327/K13"})
    download = tutor.get("/courses/care/export")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Content-Disposition"] == 'attachment; filename="care.course.json"'
    with units_app.app_context():
        assert download.data == export_course_bytes(course_in_db(units_app))
    doc = json.loads(download.data)
    doc["course"]["slug"] = "copy"
    doc["modules"][0]["outcomes"] = ["HSCCLD327/Q.9"]
    doc["modules"][0]["quiz"]["items"][0]["draw"]["count"] = 5
    bad = tutor.post("/courses/import", data={"file": (io.BytesIO(json.dumps(doc).encode()), "c.json")},
                     content_type="multipart/form-data")
    assert bad.status_code == 303  # the import is a job: its page lists the problems
    bad = tutor.get(bad.headers["Location"])
    assert bad.status_code == 200
    html = text(bad)
    assert "The course document has 2 problems; nothing was imported." in html
    assert "<code>modules[0].outcomes[0]</code>" in html and "unknown outcome &#39;HSCCLD327/Q.9&#39;" in html
    assert "<code>modules[0].quiz.items[0].draw.count</code>" in html
    doc["modules"][0]["outcomes"] = ["HSCCLD327/K.1"]
    doc["modules"][0]["quiz"]["items"][0]["draw"]["count"] = 2
    good = tutor.post("/courses/import", data={"file": (io.BytesIO(json.dumps(doc).encode()), "c.json")},
                      content_type="multipart/form-data")
    assert good.status_code == 303
    page = text(tutor.get(good.headers["Location"]))
    assert "Course “Care” imported" in page and '<a href="/courses/copy/">Open the course</a>' in page
    with units_app.app_context():
        assert [c.slug for c in db.session.scalars(select(Course).order_by(Course.slug))] == ["care", "copy"]


def test_export_of_an_incomplete_course_lists_the_problems(tutor):
    make(tutor)
    response = tutor.get("/courses/care/export")
    assert response.status_code == 422
    assert "This course cannot be exported yet" in text(response) and "<code>modules</code>" in text(response)


def test_delete_course(tutor, units_app):
    make(tutor)
    assert tutor.post("/courses/care/delete").headers["Location"] == "/courses/"
    with units_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_images_are_served_to_enrolled_learners_without_an_organisation(units_app, create_user):
    from course.learning.models import Enrolment

    with units_app.app_context():
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.flush()
        course = service.create_course(organisation=org, user=None, title="Care", frameworks=["HSCCLD327"])
        uploads.add_upload(course, filename="photo.png", data=PNG)
        db.session.commit()
        course_id = course.id
    enrolled = create_user("learner", None)
    stranger = create_user("learner", None)
    with units_app.app_context():
        db.session.add(Enrolment(user_id=enrolled.id, course_id=course_id))
        db.session.commit()
    for user, status in ((enrolled, 200), (stranger, 404)):
        client = units_app.test_client()
        login(client, user.email)
        assert client.get("/courses/care/files/photo.png").status_code == status, user.email


def test_a_course_with_learners_cannot_be_deleted(tutor, units_app, create_user):
    from course.learning.models import Enrolment

    make(tutor)
    tutor.post("/courses/care/modules/new", data={"title": "Risks"})
    learner = create_user("learner", None)
    with units_app.app_context():
        db.session.add(Enrolment(user_id=learner.id, course_id=course_in_db(units_app).id))
        db.session.commit()
    response = tutor.post("/courses/care/delete")
    assert response.headers["Location"] == "/courses/care/settings"
    assert "1 learner is enrolled on this course; a course with learners cannot be deleted." in text(
        tutor.get("/courses/care/settings"))
    with units_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 1
