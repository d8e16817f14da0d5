"""Input limits on every way a course comes in: the forms, the course document (upload and CLI).

The issue's probes: a 31 MB course description, a 60,000-page document, JSON nested 5,000
deep and NaN. Each is refused with a message naming the field (or JSON path) and the limit,
nothing is stored, and the tutors' course list stays as it was.
"""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from course.authoring.document import DocumentError, import_course
from course.authoring.models import Course, Module, Page
from course.extensions import db
from course.models import Organisation
from tests.helpers import login

BIG = "x" * 31_000_000  # the description of the probe: 31 MB


@pytest.fixture
def tutor(units_app, create_user):
    """A tutor of "Ours" signed in, with a course "care" (one module, one page)."""
    with units_app.app_context():
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    client = units_app.test_client()
    login(client, create_user("tutor", org_id).email)
    assert client.post("/courses/new", data={"title": "Care", "language": "en-GB", "frameworks": ["HSCCLD327"],
                                             "description": "Short."}).status_code == 302
    assert client.post("/courses/care/modules/new", data={"title": "Risks"}).status_code == 302
    assert client.post("/courses/care/modules/risks/pages/new", data={"title": "Intro", "body": "Hi"}).status_code == 302
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def exported(client) -> dict:
    """The course document of "care", as a copy to import under the slug "copy"."""
    doc = json.loads(client.get("/courses/care/export").data)
    doc["course"]["slug"] = "copy"
    return doc


def upload(client, data: bytes):
    return client.post("/courses/import", data={"file": (io.BytesIO(data), "c.course.json")},
                       content_type="multipart/form-data")


def import_page(client, data: bytes):
    """Upload a course document: 303 to the import job's page, which shows what it did."""
    response = upload(client, data)
    assert response.status_code == 303, text(response)
    assert response.headers["Location"].startswith("/jobs/")
    return client.get(response.headers["Location"])


def stored(app) -> tuple[list[tuple[str, str]], int, int]:
    """(slug, description) of every course, and how many modules and pages there are."""
    with app.app_context():
        courses = [(c.slug, c.description) for c in db.session.scalars(select(Course).order_by(Course.slug))]
        return (courses, db.session.scalar(select(func.count()).select_from(Module)),
                db.session.scalar(select(func.count()).select_from(Page)))


def assert_course_list_unaffected(client, app) -> None:
    assert stored(app) == ([("care", "Short.")], 1, 1)
    listing = client.get("/courses/")
    assert listing.status_code == 200 and len(listing.data) < 50_000


def test_the_settings_form_refuses_a_31_mb_description_naming_the_field(tutor, units_app):
    response = tutor.post("/courses/care/settings",
                          data={"title": "Care", "slug": "care", "language": "en-GB", "description": BIG})
    assert response.status_code == 422
    assert text(response).count("Description: longer than 5,000 characters.") == 2  # summary and field
    assert_course_list_unaffected(tutor, units_app)


def test_the_course_document_upload_refuses_a_31_mb_description(tutor, units_app):
    doc = exported(tutor)
    doc["course"]["description"] = BIG
    response = import_page(tutor, json.dumps(doc).encode())
    assert response.status_code == 200
    html = text(response)
    assert "The course document has 1 problem; nothing was imported." in html
    assert ("<tr><th scope=\"row\"><code>course.description</code></th>"
            "<td>longer than 5,000 characters</td></tr>") in html
    assert_course_list_unaffected(tutor, units_app)


def test_import_course_refuses_a_31_mb_description(tutor, units_app, runner, tmp_path):
    doc = exported(tutor)
    doc["course"]["description"] = BIG
    path = tmp_path / "big.course.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(args=["import-course", "--wait", str(path), "--organisation", "Ours"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["course.description: longer than 5,000 characters",
                                          f"error: {path}: 1 problem(s); nothing imported"]
    assert_course_list_unaffected(tutor, units_app)


def test_a_60000_page_document_is_refused_by_count_before_its_pages_are_read(tutor, units_app, runner, tmp_path):
    doc = exported(tutor)
    doc["modules"][0]["pages"] = [{"slug": f"p{n}", "title": f"Page {n}", "body": "Text."} for n in range(60_000)]
    data = json.dumps(doc).encode()
    with units_app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Ours"))
        with pytest.raises(DocumentError) as refused:
            import_course(data, organisation=org, user=None)
    assert refused.value.problems == [("modules[0].pages", "60,000 pages, at most 100")]

    html = text(import_page(tutor, data))
    assert "The course document has 1 problem; nothing was imported." in html
    assert "<code>modules[0].pages</code></th><td>60,000 pages, at most 100</td>" in html

    path = tmp_path / "pages.course.json"
    path.write_bytes(data)
    result = runner.invoke(args=["import-course", "--wait", str(path), "--organisation", "Ours"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "modules[0].pages: 60,000 pages, at most 100"
    assert_course_list_unaffected(tutor, units_app)


def test_a_document_over_the_size_limit_is_refused_by_size(tutor, units_app, runner, tmp_path):
    path = tmp_path / "huge.course.json"
    path.write_bytes(b" " * (32 * 1024 * 1024 + 1))
    result = runner.invoke(args=["import-course", "--wait", str(path), "--organisation", "Ours"])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {path}: the course document is 33,554,433 bytes; the limit is 32 MiB; "
                             "nothing imported\n")
    response = upload(tutor, b" " * (32 * 1024 * 1024 + 1))
    assert response.status_code == 422
    assert "The course document is more than 32 MiB, the limit; nothing was imported." in text(response)
    assert_course_list_unaffected(tutor, units_app)


def deep_and_nan(doc: dict) -> list[tuple[str, bytes, str, str]]:
    """(name, document bytes, JSON path, message) for JSON nested 5,000 deep and for a NaN."""
    deep_doc = dict(doc, course=dict(doc["course"], description="@@"))
    deep = json.dumps(deep_doc).replace('"@@"', "[" * 5000 + "]" * 5000)
    column = deep.index("[" * 100) + 63  # the course object is 2 deep: its 63rd bracket is the 65th level
    nan_doc = json.loads(json.dumps(doc))
    nan_doc["modules"][0]["target_minutes"] = "@@"
    nan = json.dumps(nan_doc).replace('"@@"', "NaN")
    return [("deep", deep.encode(), "", f"nested more than 64 levels deep (line 1, column {column})"),
            ("nan", nan.encode(), "modules[0].target_minutes", "NaN is not allowed: JSON numbers are finite")]


def test_course_import_refuses_deep_json_and_nan_naming_the_problem(tutor, units_app, runner, tmp_path):
    for name, data, path, message in deep_and_nan(exported(tutor)):
        html = text(import_page(tutor, data))
        assert "The course document has 1 problem; nothing was imported." in html, name
        assert f"<code>{path or '(document)'}</code></th><td>{message}</td>" in html, name
        file = tmp_path / f"{name}.course.json"
        file.write_bytes(data)
        result = runner.invoke(args=["import-course", "--wait", str(file), "--organisation", "Ours"])
        assert result.exit_code == 1, name
        assert result.stderr.splitlines() == [f"{path or '(document)'}: {message}",
                                              f"error: {file}: 1 problem(s); nothing imported"]
    assert_course_list_unaffected(tutor, units_app)


def test_a_module_or_page_past_its_count_is_refused(tutor, units_app, monkeypatch):
    from question_bank import limits

    monkeypatch.setattr(limits, "MODULES_PER_COURSE", 1)
    monkeypatch.setattr(limits, "PAGES_PER_MODULE", 1)
    response = tutor.post("/courses/care/modules/new", data={"title": "Second"})
    assert response.status_code == 422
    assert "This course already has the most modules it may have: 1." in text(response)
    response = tutor.post("/courses/care/modules/risks/pages/new", data={"title": "Second", "body": "x"})
    assert response.status_code == 422
    assert "This module already has the most pages it may have: 1." in text(response)
    assert stored(units_app) == ([("care", "Short.")], 1, 1)
