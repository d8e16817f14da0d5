"""The job page in each state, its JSON status, and who may see it: the owner and the admins of
the job's organisation; anyone else gets 404, exactly as for a job that does not exist."""
from __future__ import annotations

import datetime as dt

import pytest

from course.dbtypes import utcnow
from course.extensions import db
from course.jobs.models import Job
from tests.helpers import login

PROGRESS_SCRIPT = '<script src="/static/jobs/job.js" defer></script>'


def page(client, job_id: str):
    response = client.get(f"/jobs/{job_id}")
    return response.status_code, response.get_data(as_text=True)


def test_a_queued_job_says_it_waits_with_a_live_region_a_refresh_link_and_the_script(client, tutor, make_job):
    job_id = make_job(tutor)
    status, html = page(client, job_id)
    assert status == 200
    assert "<h1>Question import: bank.gift</h1>" in html
    assert '<p id="job-state" role="status" aria-live="polite">Waiting to start.</p>' in html
    assert '<progress id="job-bar" aria-labelledby="job-state"></progress>' in html  # no steps yet
    assert f'<a href="/jobs/{job_id}">Refresh</a> to see the latest.' in html
    assert PROGRESS_SCRIPT in html


def test_a_running_job_shows_its_step(client, tutor, make_job):
    job_id = make_job(tutor, status="running", started_at=utcnow(), progress_done=1, progress_total=2,
                      progress_note="reading bank.gift")
    status, html = page(client, job_id)
    assert status == 200
    assert '<p id="job-state" role="status" aria-live="polite">Step 1 of 2: reading bank.gift.</p>' in html
    assert ('<progress id="job-bar" max="2" value="1" aria-labelledby="job-state">1 of 2</progress>') in html
    assert client.get(f"/jobs/{job_id}/status").json == {
        "id": job_id, "kind": "import-questions", "status": "running", "finished": False,
        "progress": {"done": 1, "total": 2, "note": "reading bank.gift"},
        "state": "Step 1 of 2: reading bank.gift.",
        "created_at": client.get(f"/jobs/{job_id}/status").json["created_at"],
        "started_at": client.get(f"/jobs/{job_id}/status").json["started_at"],
        "finished_at": None,
    }


def test_a_finished_job_shows_its_result_and_no_script(client, tutor, make_job):
    result = {"filename": "bank.gift", "format": "gift", "organisation": "Org A", "dry_run": False,
              "questions": 2, "by_type": {"true_false": 2}, "by_criterion": {"TESTFW/K1": 2}, "skipped": [],
              "descriptions": 0, "warnings": [], "media_warnings": [], "unmapped": [], "unknown_criteria": [],
              "media": {"stored": 0, "reused": 0}}
    job_id = make_job(tutor, status="done", started_at=utcnow(), finished_at=utcnow(), result=result)
    status, html = page(client, job_id)
    assert status == 200
    assert '<h2 id="report-heading">Imported 2 question(s)</h2>' in html
    assert "<li>true_false: 2</li>" in html
    assert PROGRESS_SCRIPT not in html and "<progress" not in html
    assert client.get(f"/jobs/{job_id}/status").json["finished"] is True


def test_a_failed_job_lists_each_error_with_its_position(client, tutor, make_job):
    errors = [{"where": "bad.gift: line 4", "message": "answer block '{' is not closed with '}'"}]
    job_id = make_job(tutor, status="failed", started_at=utcnow(), finished_at=utcnow(), errors=errors)
    status, html = page(client, job_id)
    assert status == 200
    assert '<h2 id="report-heading">Nothing was imported</h2>' in html
    assert "<caption>1 problem, each with where it is</caption>" in html
    assert ('<tr><th scope="row"><code>bad.gift: line 4</code></th>'
            "<td>answer block &#39;{&#39; is not closed with &#39;}&#39;</td></tr>") in html
    assert client.get(f"/jobs/{job_id}/status").json["state"] == "Failed: nothing was changed."


def test_a_job_running_past_its_time_limit_is_shown_as_stopped(app, client, tutor, make_job):
    started = utcnow() - dt.timedelta(seconds=app.config["JOB_TIMEOUT_SECONDS"] + 61)
    job_id = make_job(tutor, status="running", started_at=started, payload=b"::Q:: x {T}")
    status, html = page(client, job_id)
    assert status == 200
    assert ("The job stopped without finishing: its worker was stopped, or it ran past its time limit of "
            "10 minutes. Nothing was changed; start it again.") in html
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.payload) == ("failed", None)


def test_a_job_within_its_time_limit_is_still_running(app, client, tutor, make_job):
    started = utcnow() - dt.timedelta(seconds=app.config["JOB_TIMEOUT_SECONDS"])
    job_id = make_job(tutor, status="running", started_at=started)
    assert client.get(f"/jobs/{job_id}/status").json["status"] == "running"


@pytest.mark.parametrize("who,expected", [
    ("owner", 200),
    ("admin of the same organisation", 200),
    ("another tutor of the same organisation", 404),
    ("tutor of another organisation", 404),
    ("admin of another organisation", 404),
    ("learner of the same organisation", 403),
])
def test_who_may_see_a_job(app, create_user, create_org, make_job, who, expected):
    org_a, org_b = create_org("Org A"), create_org("Org B")
    owner = create_user("tutor", org=org_a)
    job_id = make_job(owner)
    viewer = {
        "owner": owner,
        "admin of the same organisation": create_user("admin", org=org_a),
        "another tutor of the same organisation": create_user("tutor", org=org_a),
        "tutor of another organisation": create_user("tutor", org=org_b),
        "admin of another organisation": create_user("admin", org=org_b),
        "learner of the same organisation": create_user("learner", org=org_a),
    }[who]
    client = app.test_client()
    assert login(client, viewer.email).status_code == 302
    assert client.get(f"/jobs/{job_id}").status_code == expected
    assert client.get(f"/jobs/{job_id}/status").status_code == expected


def test_a_job_started_on_the_command_line_is_seen_by_its_organisations_admins_only(app, create_user, create_org,
                                                                                    make_job):
    org = create_org("Org A")
    job_id = make_job(None, organisation_id=org.id)
    for role, expected in (("admin", 200), ("tutor", 404)):
        client = app.test_client()
        assert login(client, create_user(role, org=org).email).status_code == 302
        assert client.get(f"/jobs/{job_id}").status_code == expected


def test_an_unknown_or_malformed_job_id_is_404(client, tutor):
    assert client.get("/jobs/" + "0" * 32).status_code == 404
    assert client.get("/jobs/not-a-job").status_code == 404


def test_signed_out_the_job_page_asks_to_sign_in(app, tutor, make_job):
    job_id = make_job(tutor)
    response = app.test_client().get(f"/jobs/{job_id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_an_upload_without_its_csrf_token_starts_no_job(csrf_app, create_user, create_framework):
    import io

    from sqlalchemy import func, select

    from tests.helpers import sign_in_without_form

    tutor = create_user("tutor", org="Org A")
    client = csrf_app.test_client()
    sign_in_without_form(csrf_app, client, tutor)
    for url, name in (("/questions/import", "q.gift"), ("/courses/import", "c.json")):
        response = client.post(url, data={"file": (io.BytesIO(b"::Q:: x {T}"), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 400
        assert "The form had expired or was sent from elsewhere." in response.get_data(as_text=True)
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_with_the_thread_backend_a_job_never_started_is_shown_as_stopped(app, client, tutor, make_job):
    from course.jobs.backends import init_backend

    app.config["JOBS_BACKEND"] = "thread"
    init_backend(app)
    limit = dt.timedelta(seconds=app.config["JOB_TIMEOUT_SECONDS"] + 61)
    old = make_job(tutor, created_at=utcnow() - limit)
    recent = make_job(tutor)
    assert client.get(f"/jobs/{recent}/status").json["status"] == "queued"
    status, html = page(client, old)
    assert status == 200
    assert ("The job never started: the app process that was to run it stopped. Nothing was changed; "
            "start it again.") in html


def test_on_rq_a_job_may_wait_for_a_worker_as_long_as_it_must(app, client, tutor, make_job):
    from course.jobs.backends import init_backend

    app.config["JOBS_BACKEND"] = "rq"  # (nothing is queued here: Redis is not asked)
    init_backend(app)
    limit = dt.timedelta(seconds=app.config["JOB_TIMEOUT_SECONDS"] + 61)
    job_id = make_job(tutor, created_at=utcnow() - limit)
    assert client.get(f"/jobs/{job_id}/status").json["status"] == "queued"
