"""Lost updates refused in the API: courses, modules, pages and quizzes answer with an ETag, and a
PATCH/PUT whose If-Match names an older version is a 412 that changes nothing. If-Match is
optional: without it a change applies as before."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from course.authoring import common
from course.authoring.models import Module, Page
from course.extensions import db
from tests.api.conftest import token_for
from tests.api.test_api import assert_error
from tests.authoring.test_edit_conflicts import _course, _module, _page

ETAG_RE = re.compile(r'^"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"$')


@pytest.fixture
def second(app, org_a, create_user):
    """Another tutor of Org A, with an API token: ``second(method, url, **kwargs)``."""
    user = create_user("tutor", org_a.id)
    secret = token_for(app, user)
    client = app.test_client()

    def call(method: str, url: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {secret}", **kwargs.pop("headers", {})}
        return client.open(url, method=method, headers=headers, **kwargs)

    return call




@dataclass
class Kind:
    name: str
    url: str
    method: str
    field: str
    row: Any  # () -> the row (inside an app context)


KINDS = [
    Kind("course", "/api/v1/courses/c1", "PATCH", "description", _course),
    Kind("module", "/api/v1/courses/c1/modules/m1", "PATCH", "title", _module),
    Kind("page", "/api/v1/courses/c1/modules/m1/pages/p1", "PATCH", "body", _page),
    Kind("quiz", "/api/v1/courses/c1/modules/m1/quiz", "PUT", "title", lambda: _module().quiz),
]


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_a_change_from_an_older_version_is_refused_with_412(app, client, api_tutor, second, kind):
    with app.app_context():
        before = getattr(kind.row(), kind.field)
        original = common.version_token(kind.row())

    loaded = client.get(kind.url)
    assert loaded.status_code == 200
    etag = loaded.headers["ETag"]
    assert ETAG_RE.match(etag) and etag == f'"{original}"'

    # Someone else saves from the same version first.
    theirs = second(kind.method, kind.url, json={kind.field: "Theirs"}, headers={"If-Match": etag})
    assert theirs.status_code == 200, theirs.get_data(as_text=True)
    assert theirs.get_json()[kind.field] == "Theirs"
    newer = theirs.headers["ETag"]
    assert ETAG_RE.match(newer) and newer != etag
    with app.app_context():
        assert getattr(kind.row(), kind.field) == "Theirs" != before
        assert f'"{common.version_token(kind.row())}"' == newer

    # Our change from the version we loaded is refused and stores nothing.
    refused = client.open(kind.url, method=kind.method, json={kind.field: "Ours"}, headers={"If-Match": etag})
    body = assert_error(refused, 412)
    assert body["status"] == "Precondition Failed"
    assert body["message"] == f"The {kind.name} has changed since the version you edited; nothing was saved."
    assert list(body["errors"]) == ["If-Match"]
    assert "ETag" not in refused.headers
    with app.app_context():
        assert getattr(kind.row(), kind.field) == "Theirs"
        assert f'"{common.version_token(kind.row())}"' == newer

    # GET again: the current ETag, and the change applies.
    reloaded = client.get(kind.url)
    assert reloaded.headers["ETag"] == newer and reloaded.get_json()[kind.field] == "Theirs"
    ours = client.open(kind.url, method=kind.method, json={kind.field: "Ours"}, headers={"If-Match": newer})
    assert ours.status_code == 200, ours.get_data(as_text=True)
    assert ours.get_json()[kind.field] == "Ours"
    assert ours.headers["ETag"] not in (etag, newer)
    with app.app_context():
        assert getattr(kind.row(), kind.field) == "Ours"
        assert f'"{common.version_token(kind.row())}"' == ours.headers["ETag"]


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_if_match_is_optional_and_star_matches_any_version(app, client, api_tutor, kind):
    stale = '"2000-01-01T00:00:00.000000Z"'
    plain = client.open(kind.url, method=kind.method, json={kind.field: "No precondition"})
    assert plain.status_code == 200 and ETAG_RE.match(plain.headers["ETag"])
    star = client.open(kind.url, method=kind.method, json={kind.field: "Any version"}, headers={"If-Match": "*"})
    assert star.status_code == 200
    several = client.open(kind.url, method=kind.method, json={kind.field: "One of them"},
                          headers={"If-Match": f'{stale}, {star.headers["ETag"]}'})
    assert several.status_code == 200
    current = several.headers["ETag"]
    # A weak tag never matches (If-Match compares strongly), nor does an empty one.
    for header in (f"W/{current}", '""', stale):
        assert_error(client.open(kind.url, method=kind.method, json={kind.field: "Never"},
                                 headers={"If-Match": header}), 412)
    with app.app_context():
        assert getattr(kind.row(), kind.field) == "One of them"


def test_module_position_alone_is_checked_too(app, client, api_tutor):
    url = "/api/v1/courses/c1/modules/m1"
    stale = client.get(url).headers["ETag"]
    assert client.patch(url, json={"title": "Changed"}).status_code == 200
    assert_error(client.patch(url, json={"position": 3}, headers={"If-Match": stale}), 412)
    with app.app_context():
        assert _module().title == "Changed"


def test_any_if_match_fails_while_the_module_has_no_quiz(app, client, api_tutor):
    assert client.post("/api/v1/courses/c1/modules", json={"title": "Two", "slug": "m2"}).status_code == 201
    url = "/api/v1/courses/c1/modules/m2/quiz"
    for header in ("*", client.get("/api/v1/courses/c1/modules/m1/quiz").headers["ETag"]):
        assert_error(client.put(url, json={"title": "New"}, headers={"If-Match": header}), 412)
    with app.app_context():
        assert db.session.scalar(select(Module).where(Module.slug == "m2")).quiz is None
    created = client.put(url, json={"title": "New"})
    assert created.status_code == 200 and ETAG_RE.match(created.headers["ETag"])


def test_created_objects_carry_their_etag(app, client, api_tutor):
    made = client.post("/api/v1/courses/c1/modules/m1/pages", json={"title": "Two", "slug": "p2"})
    assert made.status_code == 201
    with app.app_context():
        page = db.session.scalar(select(Page).where(Page.slug == "p2"))
        assert made.headers["ETag"] == f'"{common.version_token(page)}"'
    assert client.patch("/api/v1/courses/c1/modules/m1/pages/p2", json={"body": "x"},
                        headers={"If-Match": made.headers["ETag"]}).status_code == 200


def test_the_api_etag_is_the_web_forms_version(app, client, api_tutor):
    form = client.get("/courses/c1/modules/m1/pages/p1").get_data(as_text=True)
    version = re.search(r'name="base_version" type="hidden" value="([^"]+)"', form).group(1)
    assert client.get("/api/v1/courses/c1/modules/m1/pages/p1").headers["ETag"] == f'"{version}"'


def test_openapi_documents_the_precondition(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, method in [("/api/v1/courses/{slug}", "patch"),
                         ("/api/v1/courses/{slug}/modules/{module_slug}", "patch"),
                         ("/api/v1/courses/{slug}/modules/{module_slug}/pages/{page_slug}", "patch"),
                         ("/api/v1/courses/{slug}/modules/{module_slug}/quiz", "put")]:
        op = doc["paths"][path][method]
        if_match = [p for p in op["parameters"] if p.get("name") == "If-Match"]
        assert len(if_match) == 1 and if_match[0]["in"] == "header" and if_match[0]["required"] is False
        assert "412" in op["responses"] and "428" not in op["responses"]
        assert "ETag" in op["responses"]["200"]["headers"]
        assert "ETag" in doc["paths"][path]["get"]["responses"]["200"]["headers"]
