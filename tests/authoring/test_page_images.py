"""The page editor's Insert image (an upload of the course, or a new one, with required alt text) and
the headings of a page's content under its title (README: Pages and images)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from course.authoring import service, uploads
from course.authoring.models import Course, Upload
from course.extensions import db
from course.models import Organisation
from tests.helpers import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
INSERT = "/courses/care/files/insert"


@pytest.fixture
def world(units_app, create_user):
    with units_app.app_context():
        ours, theirs = Organisation(name="Ours"), Organisation(name="Theirs")
        db.session.add_all([ours, theirs])
        db.session.commit()
        ids = {"ours": ours.id, "theirs": theirs.id}
        course = service.create_course(organisation=ours, user=None, title="Care", frameworks=["HSCCLD327"])
        module = service.add_module(course, title="Risks", outcomes=["HSCCLD327/K.1"])
        service.add_page(module, title="Why", body="Because.")
        uploads.add_upload(course, filename="ward.png", data=PNG)
        db.session.commit()
    users = {role: create_user(role, ids["ours"]) for role in ("admin", "tutor", "assessor", "iqa", "learner")}
    users["other_tutor"] = create_user("tutor", ids["theirs"])
    users["other_admin"] = create_user("admin", ids["theirs"])
    return {"app": units_app, "users": users}


def client_as(world, who):
    client = world["app"].test_client()
    if who != "anonymous":
        assert login(client, world["users"][who].email).status_code == 302
    return client


def stored(world) -> list[str]:
    with world["app"].app_context():
        return sorted(db.session.scalars(select(Upload.filename)))


def test_insert_a_new_upload_with_its_alt_text(world):
    tutor = client_as(world, "tutor")
    response = tutor.post(INSERT, data={"alt": "  A nurse   talking\nwith Mr [Okafor] ", "file": (io.BytesIO(PNG), "Chat Photo.PNG")},
                          content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.json == {"filename": "chat-photo.png", "url": "/courses/care/files/chat-photo.png", "uploaded": True,
                             "markdown": "![A nurse talking with Mr \\[Okafor\\]](/courses/care/files/chat-photo.png)"}
    assert stored(world) == ["chat-photo.png", "ward.png"]
    assert service.render_page(response.json["markdown"]) == (
        '<p><img src="/courses/care/files/chat-photo.png" alt="A nurse talking with Mr [Okafor]"></p>\n')


def test_insert_one_of_the_course_s_uploads(world):
    response = client_as(world, "admin").post(INSERT, data={"alt": "The ward", "existing": "ward.png"})
    assert response.json == {"filename": "ward.png", "url": "/courses/care/files/ward.png", "uploaded": False,
                             "markdown": "![The ward](/courses/care/files/ward.png)"}
    assert stored(world) == ["ward.png"]


@pytest.mark.parametrize("data, field, message", [
    ({"existing": "ward.png"}, "alt", "Describe the image for someone who cannot see it (alt text)."),
    ({"existing": "ward.png", "alt": " \n "}, "alt", "Describe the image for someone who cannot see it (alt text)."),
    ({"existing": "ward.png", "alt": "x" * 251}, "alt", "Alt text has at most 250 characters; this has 251."),
    ({"alt": "A ward"}, "existing", "Choose an image of this course or upload a new one."),
    ({"alt": "A ward", "existing": "lost.png"}, "existing", "This course has no image called lost.png."),
    ({"alt": "A ward", "file": (io.BytesIO(b"GIF? no, text"), "ward.gif")}, "file",
     "Only PNG, JPEG, GIF or WebP images can be uploaded."),
    ({"alt": "A ward", "file": (io.BytesIO(PNG), "ward.png")}, "file", "This course already has a file called ward.png."),
])
def test_insert_refuses_bad_input_naming_the_field_and_stores_nothing(world, data, field, message):
    response = client_as(world, "tutor").post(INSERT, data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json == {"error": "invalid", "field": field, "message": message}
    assert stored(world) == ["ward.png"]


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("tutor", 200), ("assessor", 403), ("iqa", 403), ("learner", 403), ("anonymous", 302),
    ("other_tutor", 404), ("other_admin", 404),
])
def test_insert_is_for_the_organisation_s_tutors_and_admins(world, who, status):
    response = client_as(world, who).post(INSERT, data={"alt": "The ward", "existing": "ward.png"})
    assert response.status_code == status


def test_insert_needs_the_csrf_token(csrf_app, create_user):
    from tests.helpers import sign_in_without_form

    from course.cli import load_seed_units
    from course.seeds import seeds_dir

    with csrf_app.app_context():
        load_seed_units(seeds_dir(csrf_app.config.get("SEEDS_DIR")))
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.commit()
        course = service.create_course(organisation=org, user=None, title="Care", frameworks=["HSCCLD327"])
        uploads.add_upload(course, filename="ward.png", data=PNG)
        db.session.commit()
        org_id = org.id
    client = csrf_app.test_client()
    sign_in_without_form(csrf_app, client, create_user("tutor", org_id))
    response = client.post(INSERT, data={"alt": "The ward", "existing": "ward.png"})
    assert response.status_code == 400


def test_the_editor_offers_insert_image_and_a_hint_that_matches_the_headings(world):
    page = client_as(world, "tutor").get("/courses/care/modules/risks/pages/why").get_data(as_text=True)
    assert 'data-insert-url="/courses/care/files/insert" data-target="body" hidden>' in page
    assert '<option value="ward.png">ward.png (uploaded)</option>' in page
    assert '<label for="insert-image-alt">Alt text (required)</label>' in page
    assert ("Markdown: ## Section heading (the page title is the page&#39;s main heading, so your top headings, "
            "# or ##, show one level under it)") in page
    # What the hint says is what the page renders: the title is the learner's <h2>.
    for body in ("# Section\n\nText", "## Section\n\nText"):
        assert service.render_page(body) == "<h3>Section</h3>\n<p>Text</p>\n"


def test_a_saved_page_s_headings_sit_under_its_title(world):
    tutor = client_as(world, "tutor")
    response = tutor.post("/courses/care/modules/risks/pages/why",
                          data={"title": "Why", "body": "# Top\n\n## Under\n\n### Deeper", "action": "save"})
    assert response.status_code == 302
    with world["app"].app_context():
        page = db.session.scalar(select(Course)).modules[0].pages[0]
        assert page.html == "<h3>Top</h3>\n<h4>Under</h4>\n<h5>Deeper</h5>\n"
        assert db.session.scalar(select(func.count()).select_from(Upload)) == 1
