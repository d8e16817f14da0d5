"""Job fixtures: a tutor of "Org A" signed in with framework TESTFW stored, a way to make job
records in any state, the real Redis for the RQ backend (its tests skip only if Redis does not
answer), and the browser fixtures for the job page."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from course.extensions import db
from course.jobs.models import Job
from tests.helpers import make_app

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def tutor(app: Flask, client: Any, create_framework: Callable, login_as: Callable) -> Any:
    """A tutor of "Org A" signed in on ``client``, with framework TESTFW stored."""
    create_framework("TESTFW")
    return login_as("tutor", org="Org A")


@pytest.fixture
def make_job(app: Flask) -> Callable[..., str]:
    """``make_job(owner, status="queued", **columns)``: a job record as a queue would leave it; its id."""

    def make(owner: Any, status: str = "queued", kind: str = "import-questions", **columns: Any) -> str:
        with app.app_context():
            job = Job(kind=kind, status=status, owner_id=owner.id if owner else None,
                      organisation_id=columns.pop("organisation_id", owner.organisation_id if owner else None),
                      params=columns.pop("params", {"filename": "bank.gift"}), **columns)
            db.session.add(job)
            db.session.commit()
            return job.id

    return make


def redis_or_skip() -> Any:
    """A client of the machine's Redis, or skip the test when none answers (CI has one)."""
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except RedisError as exc:
        if os.environ.get("CARECOURSE_REQUIRE_REDIS"):  # CI: the RQ tests must run, not skip
            pytest.fail(f"no Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return connection


@pytest.fixture
def redis_queue() -> Iterator[dict[str, Any]]:
    """App config for the RQ backend on a queue of this test's own (parallel runs share Redis)."""
    connection = redis_or_skip()
    name = f"carecourse-test-{uuid.uuid4().hex}"
    yield {"JOBS_BACKEND": "rq", "REDIS_URL": REDIS_URL, "JOBS_QUEUE": name}
    from rq import Queue

    Queue(name, connection=connection).delete(delete_jobs=True)


@pytest.fixture
def rq_app(tmp_path: Any, redis_queue: dict[str, Any]) -> Iterator[Flask]:
    """The app with the RQ backend on the real Redis."""
    app = make_app(tmp_path, **redis_queue)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


from tests.browser.conftest import browser, browser_page, live_server  # noqa: E402,F401
