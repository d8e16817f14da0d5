"""The SCORM export as a job: the page's form starts it, the job page offers the package kept
with the job, the command line writes it; the people allowed, the size bound, a failed check."""
from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import select

from course.extensions import db
from course.jobs.models import Job
from tests.helpers import login

SHIPPED = "relationships-and-carers"


def _tutor(app):
    client = app.test_client()
    assert login(client, "tutor@example.org", "demo-tutor-pass").status_code == 302
    return client


def test_the_form_starts_a_job_whose_page_offers_the_package(seeded_app):
    client = _tutor(seeded_app)
    response = client.post(f"/courses/{SHIPPED}/scorm/export", data={"standard": "2004", "multi_sco": "1"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/jobs/[0-9a-f]{32}", location)
    status = client.get(location + "/status").json
    assert (status["kind"], status["status"]) == ("export-scorm", "done")
    assert status["progress"] == {"done": 4, "total": 4, "note": "validating the package"}
    html = client.get(location).get_data(as_text=True)
    assert f"Package ready: {SHIPPED}-scorm2004-multi.zip" in html
    assert f'href="{location}/output">Download {SHIPPED}-scorm2004-multi.zip</a>' in html
    download = client.get(location + "/output")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{SHIPPED}-scorm2004-multi.zip"'
    manifest = zipfile.ZipFile(io.BytesIO(download.data)).read("imsmanifest.xml").decode()
    assert manifest.count("<item ") >= 23  # one per module of the shipped course
    with seeded_app.app_context():
        job = db.session.get(Job, location.rsplit("/", 1)[1])
        assert job.result["bytes"] == len(download.data)
        assert job.owner_id is not None and job.payload is None


def test_the_check_page_s_button_posts_the_options_to_the_job(seeded_app):
    client = _tutor(seeded_app)
    html = client.get(f"/courses/{SHIPPED}/scorm?check=1&standard=2004&multi_sco=1&sequencing=1").get_data(as_text=True)
    form = html[html.index(f'action="/courses/{SHIPPED}/scorm/export"'):]
    form = form[:form.index("</form>")]
    assert 'name="csrf_token"' in form
    assert re.findall(r'name="(standard|multi_sco|sequencing)" value="([^"]+)"', form) == [
        ("standard", "2004"), ("multi_sco", "1"), ("sequencing", "1")]
    assert f"Download {SHIPPED}-scorm2004-multi.zip</button>" in form


def test_bad_options_start_nothing_and_are_named(seeded_app):
    client = _tutor(seeded_app)
    response = client.post(f"/courses/{SHIPPED}/scorm/export", data={"standard": "1.2", "sequencing": "1"})
    assert response.status_code == 400
    assert "sequencing needs SCORM 2004 with one SCO per module" in response.get_data(as_text=True)
    with seeded_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Job)) == 0


def test_a_package_over_the_bound_is_refused_with_its_size(seeded_app):
    seeded_app.config["SCORM_PACKAGE_MAX_BYTES"] = 1000
    client = _tutor(seeded_app)
    location = client.post(f"/courses/{SHIPPED}/scorm/export", data={"standard": "1.2"}).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "more than the 1,000 bytes an export may keep" in html
    assert f"{SHIPPED}-scorm12.zip" in html
    assert client.get(location + "/output").status_code == 404
    with seeded_app.app_context():
        job = db.session.get(Job, location.rsplit("/", 1)[1])
        assert job.status == "failed" and job.output is None


def test_only_the_owner_and_admins_of_the_organisation_get_the_package(seeded_app, create_user, create_org):
    location = _tutor(seeded_app).post(f"/courses/{SHIPPED}/scorm/export", data={}).headers["Location"]
    admin = seeded_app.test_client()
    assert login(admin, "admin@example.org", "demo-admin-pass").status_code == 302
    assert admin.get(location + "/output").status_code == 200
    other = create_user("tutor", org=create_org("Elsewhere Training"))
    stranger = seeded_app.test_client()
    assert login(stranger, other.email).status_code == 302
    assert stranger.get(location + "/output").status_code == 404
    assert stranger.get(location).status_code == 404
    assert seeded_app.test_client().post(f"/courses/{SHIPPED}/scorm/export").status_code == 302  # to sign in


def test_the_command_line_follows_the_job_or_prints_its_id(seeded_app, tmp_path):
    runner = seeded_app.test_cli_runner()
    started = runner.invoke(args=["export-scorm", SHIPPED])
    assert started.exit_code == 0, started.output
    job_id = re.search(r"Job ([0-9a-f]{32}):", started.stdout).group(1)
    out = tmp_path / "later.zip"
    saved = runner.invoke(args=["job", job_id, "--out", str(out)])
    assert saved.exit_code == 0, saved.output
    assert f"Wrote {out} ({out.stat().st_size:,} bytes)" in saved.stdout
    assert zipfile.ZipFile(out).read("imsmanifest.xml").startswith(b"<?xml")
    waited = runner.invoke(args=["export-scorm", SHIPPED, "--wait"])
    assert waited.exit_code == 0
    assert re.search(r"Job [0-9a-f]{32}: package ready \([\d,]+ bytes, \d+ warning\(s\)\); "
                     r"`carecourse job [0-9a-f]{32} --out FILE` writes it", waited.stdout)
