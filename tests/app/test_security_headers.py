"""Security headers: a Content-Security-Policy with no inline code on every page, HSTS over HTTPS
only, and ``Cache-Control: no-store`` on everything but static files (README: Production)."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from course import ConfigError, create_app
from tests.helpers import login, make_app
from tests.learning.conftest import LearningCourse, make_course  # noqa: F401  (fixture)

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SAFE = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
HSTS = "max-age=31536000; includeSubDomains"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
# An attribute the policy would block: an event handler or a style, inside a tag.
INLINE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\s(on[a-z]+|style)\s*=", re.S)


def safety_headers(response: Any) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in SAFE}


def assert_no_inline_code(html: str, where: str) -> None:
    """No <style> block, style= or on...= attribute, and no <script> without src (none needs a nonce)."""
    assert "<style" not in html, f"{where}: <style> block"
    found = INLINE_ATTRIBUTE.search(html)
    assert found is None, f"{where}: inline {found.group(1)}= attribute" if found else ""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert " src=" in tag, f"{where}: inline script {tag}"


@pytest.fixture
def course(make_course: Any) -> LearningCourse:  # noqa: F811
    return make_course()


def test_every_role_gets_the_policy_and_no_store_on_its_pages(app: Flask, client: FlaskClient, course: LearningCourse,
                                                               create_user: Any) -> None:
    admin = create_user("admin", course.org_id)
    pages = {
        None: ["/login"],
        course.learner.email: ["/learn/", "/frameworks/"],
        course.tutor.email: ["/courses/", f"/courses/{course.course_slug}/", "/questions/", "/reports/",
                             f"/reports/courses/{course.course_id}/progress", "/learn/tutor/marking"],
        admin.email: ["/frameworks/", "/account/api-tokens/", "/courses/"],
    }
    for email, paths in pages.items():
        client.post("/logout")
        if email:
            assert login(client, email).status_code == 302
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (email, path)
            assert safety_headers(response) == SAFE, (email, path)
            assert "Strict-Transport-Security" not in response.headers, (email, path)
            assert_no_inline_code(response.get_data(as_text=True), f"{email} {path}")


def test_error_pages_and_redirects_carry_the_headers_too(client: FlaskClient, course: LearningCourse) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and safety_headers(missing) == SAFE
    redirect = client.get("/learn/")
    assert redirect.status_code == 302 and safety_headers(redirect) == SAFE


def test_the_player_page_runs_its_inline_data_scripts_by_nonce(client: FlaskClient, course: LearningCourse) -> None:
    login(client, course.learner.email)
    nonces = []
    for _ in range(2):
        response = client.get(f"/learn/{course.course_slug}/{course.module_slug}")
        assert response.status_code == 200
        policy = response.headers["Content-Security-Policy"]
        match = re.fullmatch(re.escape(POLICY).replace(r"script\-src\ 'self';", r"script\-src\ 'self'\ 'nonce\-([\w-]{24})';"),
                             policy)
        assert match, policy
        nonce = match.group(1)
        html = response.get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*>", html)
        inline = [tag for tag in scripts if " src=" not in tag]
        assert inline == [f'<script nonce="{nonce}">'] * 2  # window.CC_COURSE and window.CC_LAUNCH
        assert len(scripts) == 5
        assert response.headers["Cache-Control"] == "no-store"
        assert INLINE_ATTRIBUTE.search(html) is None and "<style" not in html
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_hsts_only_on_https(app: Flask, client: FlaskClient) -> None:
    assert client.get("/login", base_url="https://carecourse.example").headers["Strict-Transport-Security"] == HSTS
    assert client.get("/healthz", base_url="https://carecourse.example").headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in client.get("/login").headers
    # Without the proxy setting a forwarded scheme is not believed.
    forwarded = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forwarded.headers


def test_behind_a_proxy_x_forwarded_proto_decides(tmp_path: Any) -> None:
    proxied = make_app(tmp_path, PROXY_FIX_X_PROTO=1).test_client()
    https = proxied.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in proxied.get("/login", headers={"X-Forwarded-Proto": "http"}).headers
    assert "Strict-Transport-Security" not in proxied.get("/login").headers


def test_proxy_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARECOURSE_PROXY_FIX_X_PROTO", "1")
    monkeypatch.setenv("CARECOURSE_PROXY_FIX_X_FOR", "2")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert (app.config["PROXY_FIX_X_PROTO"], app.config["PROXY_FIX_X_FOR"]) == (1, 2)
    https = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["Strict-Transport-Security"] == HSTS


@pytest.mark.parametrize("value", ["yes", "-1", "1.5"])
def test_a_bad_proxy_setting_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CARECOURSE_PROXY_FIX_X_PROTO", value)
    with pytest.raises(ConfigError) as raised:
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert str(raised.value) == (f"CARECOURSE_PROXY_FIX_X_PROTO must be the number of proxies in front of "
                                 f"the app (0 or more), not {value!r}")


def test_learner_data_is_never_stored_by_caches(client: FlaskClient, course: LearningCourse) -> None:
    login(client, course.learner.email)
    page = client.get(f"/learn/{course.course_slug}/{course.module_slug}").get_data(as_text=True)
    attempt_id = int(re.search(r'"api":"/learn/api/attempts/(\d+)"', page).group(1))
    learner_api = client.get(f"/learn/api/attempts/{attempt_id}")
    assert learner_api.status_code == 200 and learner_api.headers["Cache-Control"] == "no-store"
    client.post("/logout")
    login(client, course.tutor.email)
    json_api = client.get("/api/v1/courses")
    assert json_api.status_code == 200 and json_api.headers["Cache-Control"] == "no-store"
    for fmt in ("csv", "xlsx"):
        download = client.get(f"/reports/courses/{course.course_id}/progress.{fmt}")
        assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    document = client.get(f"/courses/{course.course_slug}/export")
    assert document.status_code == 200 and document.headers["Content-Disposition"].startswith("attachment")
    assert document.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"


def test_static_and_player_files_stay_cacheable(client: FlaskClient, course: LearningCourse) -> None:
    login(client, course.learner.email)
    css = client.get("/static/carecourse.css")
    assert css.status_code == 200 and css.headers["Cache-Control"] == "no-cache" and css.headers["ETag"]
    assert client.get("/static/carecourse.css", headers={"If-None-Match": css.headers["ETag"]}).status_code == 304
    player = client.get("/learn/player/player.js")
    assert player.status_code == 200 and player.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/learn/player/player.js", headers={"If-None-Match": player.headers["ETag"]}).status_code == 304
    # A signed-in error page from a file route is still a page: not stored.
    assert client.get("/learn/player/README.md").headers["Cache-Control"] == "no-store"


def test_uploaded_images_keep_their_own_stricter_policy(client: FlaskClient, course: LearningCourse) -> None:
    login(client, course.tutor.email)
    upload = client.post(f"/courses/{course.course_slug}/files/", data={"file": (io.BytesIO(PNG), "ward.png")},
                         content_type="multipart/form-data")
    assert upload.status_code == 302
    image = client.get(f"/courses/{course.course_slug}/files/ward.png")
    assert image.status_code == 200
    assert image.headers["Content-Security-Policy"] == "default-src 'none'"
    assert image.headers["Cache-Control"] == "private, max-age=300"


def test_only_file_routes_may_choose_their_own_caching(app: Flask) -> None:
    marked = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "cacheable", False)}
    assert marked == {"learning.player_file", "learning.media", "questions.media", "authoring.file"}
