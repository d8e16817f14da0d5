"""The shipped course as SCORM packages: `carecourse export-scorm` and the tutor's check page."""
from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT, login

KIT = Path(os.environ.get("SCORM_KIT") or REPO_ROOT.parent / "shared" / "scorm-kit").resolve()
SHIPPED = "relationships-and-carers"


@pytest.fixture
def validate():
    if not (KIT / "validate_scorm.py").is_file():
        pytest.skip(f"scorm-kit not found at {KIT}; set SCORM_KIT")
    sys.path.insert(0, str(KIT))
    from validate_scorm import validate_package

    return validate_package


@pytest.mark.parametrize(
    ("args", "version", "launch_items"),
    [
        ((), "1.2", 1),
        (("--multi-sco",), "1.2", 23),  # one item per module of the shipped course
        (("--standard", "2004"), "2004 4th Edition", 1),
        (("--standard", "2004", "--multi-sco", "--sequencing"), "2004 4th Edition", 23),
    ],
)
def test_export_scorm_writes_a_valid_package_of_the_shipped_course(
    seeded_app, tmp_path, validate, args, version, launch_items
):
    out = tmp_path / "course.zip"
    result = seeded_app.test_cli_runner().invoke(
        args=["export-scorm", SHIPPED, *args, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.startswith(f"Wrote {out} (SCORM {args[1] if '--standard' in args else '1.2'}, ")
    report = validate(str(out))
    assert report["errors"] == [] and report["warnings"] == []
    assert (report["valid"], report["version"]) == (True, version)
    manifest = zipfile.ZipFile(out).read("imsmanifest.xml").decode()
    assert manifest.count("<item ") == launch_items


def test_export_scorm_is_byte_for_byte_repeatable(seeded_app, tmp_path):
    runner = seeded_app.test_cli_runner()
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for out in (first, second):
        assert runner.invoke(args=["export-scorm", SHIPPED, "--out", str(out)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_export_scorm_names_an_unknown_course_and_writes_nothing(seeded_app, tmp_path):
    out = tmp_path / "course.zip"
    result = seeded_app.test_cli_runner().invoke(args=["export-scorm", "nope", "--out", str(out)])
    assert result.exit_code == 1
    assert "error: no course with the slug 'nope'" in result.stderr
    assert not out.exists()


def test_sequencing_needs_2004_multi_sco(seeded_app, tmp_path):
    out = tmp_path / "course.zip"
    result = seeded_app.test_cli_runner().invoke(
        args=["export-scorm", SHIPPED, "--sequencing", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "sequencing needs SCORM 2004 with one SCO per module" in result.stderr
    assert not out.exists()


def test_tutor_checks_then_downloads_the_package(seeded_app):
    client = seeded_app.test_client()
    assert login(client, "tutor@example.org", "demo-tutor-pass").status_code == 302
    page = client.get(f"/courses/{SHIPPED}/scorm?check=1&standard=2004&multi_sco=1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "No errors" in html
    assert f"Download {SHIPPED}-scorm2004-multi.zip" in html

    download = client.get(f"/courses/{SHIPPED}/scorm/download?standard=2004&multi_sco=1")
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{SHIPPED}-scorm2004-multi.zip"'
    )
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert {"imsmanifest.xml", "index.html", "player.js", "course-data.js", "launch.js"} <= set(names)


def test_check_page_lists_content_problems_by_module_and_page(seeded_app):
    from course.authoring.models import Page
    from course.extensions import db

    with seeded_app.app_context():
        page = db.session.scalars(db.select(Page).order_by(Page.id)).first()
        page.body += "\n\n![](photo.png)\n"
        module_slug, page_slug = page.module.slug, page.slug
        db.session.commit()
    client = seeded_app.test_client()
    login(client, "tutor@example.org", "demo-tutor-pass")
    html = client.get(f"/courses/{SHIPPED}/scorm?check=1").get_data(as_text=True)
    assert f"module <code>{module_slug}</code>, page <code>{page_slug}</code>" in html
    assert "alt" in html


def test_bad_options_are_refused(seeded_app):
    client = seeded_app.test_client()
    login(client, "tutor@example.org", "demo-tutor-pass")
    assert client.get(f"/courses/{SHIPPED}/scorm/download?standard=1.3").status_code == 400
    html = client.get(f"/courses/{SHIPPED}/scorm?check=1&standard=1.3").get_data(as_text=True)
    assert "unknown SCORM version &#39;1.3&#39;" in html


@pytest.mark.parametrize("path", ["/scorm", "/scorm/download"])
def test_roles(seeded_app, create_user, create_org, path):
    client = seeded_app.test_client()
    url = f"/courses/{SHIPPED}{path}"
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    login(client, "learner@example.org", "demo-learner-pass")
    assert client.get(url).status_code == 403
    client.post("/logout")
    other = create_user("tutor", org=create_org("Elsewhere Training"))
    login(client, other.email)
    assert client.get(url).status_code == 404  # another organisation's course
