"""The same import on every backend: inline (the tests' default), a thread of the app (make run)
and RQ on the machine's real Redis (production), where `carecourse worker` runs it."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from course.bank.models import QuestionVersion
from course.extensions import db
from course.frameworks.service import store_framework
from course.jobs.backends import backend
from course.models import Organisation, User
from tests.helpers import DEFAULT_PASSWORD, framework_doc, login, make_app

GIFT = b"// criterion: TESTFW/K1\n::Trust:: Listening builds trust. {TRUE}\n\n" \
       b"// criterion: TESTFW/K2\n::Rush:: Rushing builds trust. {FALSE}\n"


def signed_in_tutor(app):
    """A tutor of "Org A" (framework TESTFW stored) and a client signed in as them."""
    with app.app_context():
        store_framework(framework_doc("TESTFW"), source="test")
        org = Organisation(name="Org A")
        user = User(email="tutor@jobs.test", name="Tutor", role="tutor", organisation=org)
        user.set_password(DEFAULT_PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    assert login(client, "tutor@jobs.test").status_code == 302
    return client


def questions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(QuestionVersion))


def state(client, location: str) -> str:
    return client.get(location + "/status").json["state"]


def run_rq_burst(app) -> None:
    """What a worker does, in this process: take every job waiting on the queue and run it."""
    from rq import SimpleWorker

    class BurstWorker(SimpleWorker):
        # A worker listens on a pub/sub channel for "stop this job" commands, in a thread whose
        # shutdown waited a minute under pytest-xdist at every burst; a burst here takes no commands.
        def subscribe(self) -> None:
            pass

        def unsubscribe(self) -> None:
            pass

    chosen = backend(app)
    connection = chosen.connection()
    with app.app_context():
        BurstWorker([chosen.queue(connection)], connection=connection).work(burst=True)


@pytest.mark.parametrize("name", ["inline", "thread", "rq"])
def test_a_question_import_runs_on_every_backend(request, tmp_path, name):
    config = request.getfixturevalue("redis_queue") if name == "rq" else {"JOBS_BACKEND": name}
    app = make_app(tmp_path, **config)
    try:
        client = signed_in_tutor(app)
        response = client.post("/questions/import", data={"file": (io.BytesIO(GIFT), "trust.gift")},
                               content_type="multipart/form-data")
        assert response.status_code == 303
        location = response.headers["Location"]
        assert re.fullmatch(r"/jobs/[0-9a-f]{32}", location)
        if name == "thread":
            backend(app).wait()
        elif name == "rq":
            assert state(client, location) == "Waiting to start."  # no worker has taken it yet
            assert questions(app) == 0
            run_rq_burst(app)
        assert state(client, location) == "Finished."
        html = client.get(location).get_data(as_text=True)
        assert "Imported 2 question(s)" in html and "<li>true_false: 2</li>" in html
        assert questions(app) == 2
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_failing_import_on_rq_keeps_its_errors(rq_app):
    client = signed_in_tutor(rq_app)
    response = client.post("/questions/import", data={"file": (io.BytesIO(b"Broken {=a ~b\n"), "bad.gift")},
                           content_type="multipart/form-data")
    location = response.headers["Location"]
    run_rq_burst(rq_app)
    assert client.get(location + "/status").json["status"] == "failed"
    html = client.get(location).get_data(as_text=True)
    assert ('<tr><th scope="row"><code>bad.gift: line 1</code></th>'
            "<td>answer block &#39;{&#39; is not closed with &#39;}&#39;</td></tr>") in html
    assert questions(rq_app) == 0


def test_the_carecourse_worker_command_runs_what_the_command_line_queued(rq_app, tmp_path):
    signed_in_tutor(rq_app)
    path = tmp_path / "trust.gift"
    path.write_bytes(GIFT)
    runner = rq_app.test_cli_runner()
    queued = runner.invoke(args=["import-questions", str(path), "--json"])
    assert queued.exit_code == 0, queued.output
    job_id = json.loads(queued.stdout)["job"]
    assert queued.stdout == f'{{"job": "{job_id}", "status": "queued"}}\n'
    worked = runner.invoke(args=["worker", "--burst"])
    assert worked.exit_code == 0, worked.output + worked.stderr
    shown = runner.invoke(args=["job", job_id])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith(f"Job {job_id} (import-questions): Finished.\n")
    assert questions(rq_app) == 2


def test_an_unreachable_queue_fails_the_job_saying_so(tmp_path):
    app = make_app(tmp_path, JOBS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:1/0", JOBS_QUEUE="nowhere")
    try:
        client = signed_in_tutor(app)
        response = client.post("/questions/import", data={"file": (io.BytesIO(GIFT), "trust.gift")},
                               content_type="multipart/form-data")
        assert response.status_code == 303
        job = client.get(response.headers["Location"] + "/status").json
        assert job["status"] == "failed"
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "The job could not be started: the job queue at redis://127.0.0.1:1/0 could not be reached (" in html
        assert questions(app) == 0
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_worker_command_needs_the_rq_backend(app, runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert result.stderr == ("error: CARECOURSE_JOBS is 'inline': jobs run inside the app. "
                             "Set CARECOURSE_JOBS=rq (and REDIS_URL) to run them on workers\n")
