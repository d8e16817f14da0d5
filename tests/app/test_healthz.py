"""The health check load balancers poll: the database, the job queue and its workers."""
import uuid

from course import create_app
from tests.helpers import make_app


def test_healthz_ok_with_jobs_in_the_request(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"]["reachable"] is True
    assert response.json["queue"] == {"backend": "inline", "reachable": True, "waiting": 0}
    assert response.json["workers"] == {"count": 0, "in_process": True}


def test_healthz_503_when_database_unreachable(tmp_path, caplog):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}",
        "JOBS_BACKEND": "inline",
    })
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "fail"
    assert response.json["database"] == {"reachable": False}
    assert "health check: database unavailable" in caplog.text
    with app.app_context():
        from course.extensions import db

        db.engine.dispose()


def test_healthz_fails_when_redis_is_unreachable_and_names_no_secret(tmp_path, caplog):
    # Port 1 refuses at once: nothing listens there.
    app = make_app(tmp_path, JOBS_BACKEND="rq", REDIS_URL="redis://:hunter2@127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "fail"
    assert response.json["database"]["reachable"] is True
    assert response.json["queue"] == {"backend": "rq", "reachable": False, "waiting": None}
    assert "hunter2" not in response.get_data(as_text=True) and "hunter2" not in caplog.text
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_healthz_is_degraded_without_a_worker_then_ok_with_one(tmp_path):
    from rq import Queue, Worker

    from tests.jobs.conftest import REDIS_URL, redis_or_skip

    connection = redis_or_skip()
    name = f"carecourse-test-{uuid.uuid4().hex}"
    app = make_app(tmp_path, JOBS_BACKEND="rq", REDIS_URL=REDIS_URL, JOBS_QUEUE=name)
    queue = Queue(name, connection=connection)
    queue.enqueue_call("course.jobs.runner.run_job", args=("0" * 32,))
    client = app.test_client()
    try:
        degraded = client.get("/healthz")
        assert degraded.status_code == 200
        assert degraded.json["status"] == "degraded"
        assert degraded.json["queue"] == {"backend": "rq", "reachable": True, "waiting": 1}
        assert degraded.json["workers"] == {"count": 0}
        worker = Worker([queue], connection=connection, name=f"health-{uuid.uuid4().hex}")
        worker.register_birth()
        try:
            ok = client.get("/healthz")
            assert (ok.status_code, ok.json["status"], ok.json["workers"]) == (200, "ok", {"count": 1})
        finally:
            worker.register_death()
    finally:
        queue.delete(delete_jobs=True)


def test_healthz_counts_jobs_waiting_for_the_apps_thread(tmp_path):
    from course.extensions import db
    from course.jobs.models import Job

    app = make_app(tmp_path, JOBS_BACKEND="thread")
    with app.app_context():
        db.session.add_all([Job(kind="import-questions", params={}), Job(kind="import-questions", params={},
                                                                          status="done")])
        db.session.commit()
    response = app.test_client().get("/healthz")
    assert response.json["queue"] == {"backend": "thread", "reachable": True, "waiting": 1}
