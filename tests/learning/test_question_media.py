"""A question's image on its way to the learner: the app's player, the course document, the SCORM zip."""
from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from course.authoring.document import export_course, export_course_bytes, import_course
from course.authoring.models import Course
from course.bank.media import store_media
from course.bank.models import BankMedia
from course.extensions import db
from course.models import Organisation
from scorm_export.document import DocumentError, load_document
from scorm_export.package import build_package
from tests.helpers import login
from tests.learning.conftest import q_single
from tests.learning.test_views import course_of, open_module
from tests.qbank_formats.test_media import BLUE, RED, SVG

PICTURED = q_single("q-apple", stem='<p>Who chooses this apple? <img src="media/apple.png" alt="A red apple"></p>',
                    stem_format="html")


@pytest.fixture
def pictured(app, make_course):
    """A course whose quiz shows media/apple.png (stored in its organisation's bank)."""
    c = make_course([PICTURED])
    with app.app_context():
        store_media({"media/apple.png": RED}, [PICTURED], organisation=c.org_id)
        db.session.commit()
    return c


def test_the_learner_sees_the_image_in_the_player_and_the_review(app, client, pictured, create_user):
    c = pictured
    login(client, c.learner.email)
    question = course_of(open_module(client, c))["questions"][0]
    src = f"/learn/{c.course_slug}/media/apple.png"
    assert question["stem_html"] == f'<p>Who chooses this apple? <img src="{src}" alt="A red apple"></p>'
    response = client.get(src)
    assert response.status_code == 200 and response.data == RED and response.mimetype == "image/png"
    assert client.get(f"/learn/{c.course_slug}/media/pear.png").status_code == 404
    # not enrolled: no image; a tutor uses the bank's own route
    outsider = app.test_client()
    login(outsider, create_user("learner", "Provider 1").email)
    assert outsider.get(src).status_code == 404
    tutor = app.test_client()
    login(tutor, c.tutor.email)
    assert tutor.get(src).status_code == 403
    assert tutor.get("/questions/media/apple.png").data == RED


def test_course_document_carries_the_image_and_round_trips(app, pictured, create_org):
    with app.app_context():
        course = db.session.get(Course, pictured.course_id)
        doc = export_course(course)
        assert doc["media"] == {"media/apple.png": base64.b64encode(RED).decode("ascii")}
        first = export_course_bytes(course)
    elsewhere = create_org("Elsewhere Care")
    with app.app_context():
        org = db.session.get(Organisation, elsewhere.id)
        copy = import_course(first, organisation=org, user=None)
        db.session.commit()
        rows = db.session.scalars(select(BankMedia).where(BankMedia.organisation_id == org.id)).all()
        assert [(r.path, r.data) for r in rows] == [("media/apple.png", RED)]
        again = export_course_bytes(copy)
    assert json.loads(again)["media"] == json.loads(first)["media"]
    assert again.replace(b'"slug": "course-1"', b"") == first.replace(b'"slug": "course-1"', b"")


def test_importing_a_course_whose_image_name_is_taken_renames_it(app, pictured):
    with app.app_context():
        doc = export_course(db.session.get(Course, pictured.course_id))
        doc["media"]["media/apple.png"] = base64.b64encode(BLUE).decode("ascii")
        org = db.session.get(Organisation, pictured.org_id)
        doc["questions"][0]["id"] = "q-blue-apple"
        doc["modules"][0]["quiz"]["items"][0]["question"] = "q-blue-apple"
        copy = import_course(doc, organisation=org, user=None, slug="blue-copy")
        db.session.commit()
        stored = export_course(copy)
    (renamed,) = [path for path in stored["media"] if path != "media/apple.png"]
    assert renamed.startswith("media/apple-") and stored["media"][renamed] == base64.b64encode(BLUE).decode()
    assert f'src="{renamed}"' in stored["questions"][0]["stem"]


@pytest.mark.parametrize("media, path, message", [
    ({"media/x.svg": base64.b64encode(SVG).decode()}, "media.media/x.svg.value",
     "not a PNG, JPEG, GIF or WebP image"),
    ({"media/x.png": "not base64!"}, "media.media/x.png.value", "not base64"),
    ({"../etc/x.png": base64.b64encode(RED).decode()}, "media.../etc/x.png.key",
     "not a media/<name> or files/<name> path (letters, digits, '_', '.', '-')"),
])
def test_a_document_with_bad_media_is_refused_with_the_path(app, pictured, media, path, message):
    with app.app_context():
        doc = export_course(db.session.get(Course, pictured.course_id))
    doc["media"] = media
    with pytest.raises(DocumentError) as caught:
        load_document(doc)
    assert (path, message) in caught.value.problems


def player_data(zf: zipfile.ZipFile) -> str:
    """What the player reads from a package: the outline and every module's file (pages, questions)."""
    return "".join(zf.read(n).decode() for n in zf.namelist() if n == "course-data.js" or n.startswith("modules/"))


def test_the_scorm_package_carries_the_image(app, pictured, tmp_path):
    from tests.scorm.scorm_support import KIT  # puts the kit on sys.path

    assert (KIT / "validate_scorm.py").is_file(), f"scorm-kit not found at {KIT}"
    from validate_scorm import validate_package

    with app.app_context():
        doc = export_course(db.session.get(Course, pictured.course_id))
    for standard in ("1.2", "2004"):
        data = build_package(doc, standard=standard)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.read("media/apple.png") == RED
            manifest = zf.read("imsmanifest.xml").decode()
            course_data = player_data(zf)
        assert '<file href="media/apple.png"/>' in manifest
        # the player shows it at the path the stem uses; the base64 stays out of the player's data
        assert 'src=\\"media/apple.png\\"' in course_data and "media/apple.png\":" not in course_data
        path = tmp_path / f"pkg-{standard}.zip"
        path.write_bytes(data)
        report = validate_package(str(path))
        assert (report["errors"], report["warnings"], report["valid"]) == ([], [], True)


def test_page_images_travel_with_the_course_document_and_the_package(app, pictured, create_org, create_user):
    from course.authoring.models import Page, Upload

    with app.app_context():
        course = db.session.get(Course, pictured.course_id)
        course.uploads.append(Upload(filename="apple.png", content_type="image/png", data=BLUE, size=len(BLUE)))
        page = db.session.scalar(select(Page).where(Page.slug == "intro"))
        page.body = (f"An apple: ![A blue apple](/courses/{course.slug}/files/apple.png) and a missing one "
                     f"![Gone](/courses/{course.slug}/files/gone.png).")
        db.session.commit()
        doc = export_course(course)
        first = export_course_bytes(course)
    body = doc["modules"][0]["pages"][0]["body"]
    assert body == ("An apple: ![A blue apple](files/apple.png) and a missing one "
                    "![Gone](/courses/course-1/files/gone.png).")
    # the page's picture and the question's picture: same name, different images, different paths
    assert sorted(doc["media"]) == ["files/apple.png", "media/apple.png"]
    assert doc["media"]["files/apple.png"] == base64.b64encode(BLUE).decode()
    with zipfile.ZipFile(io.BytesIO(build_package(doc))) as zf:
        assert zf.read("files/apple.png") == BLUE and zf.read("media/apple.png") == RED
        assert '<img src=\\"files/apple.png\\" alt=\\"A blue apple\\">' in player_data(zf)
    elsewhere = create_org("Elsewhere Care")
    with app.app_context():
        copy = import_course(first, organisation=db.session.get(Organisation, elsewhere.id), user=None,
                             slug="apple-copy")
        db.session.commit()
        page = copy.modules[0].pages[0]
        assert page.body.startswith("An apple: ![A blue apple](/courses/apple-copy/files/apple.png)")
        assert '<img src="/courses/apple-copy/files/apple.png" alt="A blue apple">' in page.html
        assert [(u.filename, u.content_type, u.data) for u in copy.uploads] == [("apple.png", "image/png", BLUE)]
        again = export_course_bytes(copy)
    # byte for byte the same document but for the slug (a link to no file is kept as written)
    assert again == first.replace(b'"slug": "course-1"', b'"slug": "apple-copy"')
    tutor = app.test_client()
    login(tutor, create_user("tutor", "Elsewhere Care").email)
    assert tutor.get("/courses/apple-copy/files/apple.png").data == BLUE
