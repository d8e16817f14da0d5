"""What ``/healthz`` reports: the database, the job queue and its workers.

The answer names no host, user or password: it is public (load balancers poll it), so it says
only whether each part answers and how much work waits.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select, text

from course.extensions import db

# A load balancer's check must answer quickly even when Redis is down or far away.
REDIS_TIMEOUT_SECONDS = 2


def _database() -> dict[str, Any]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"; never a 500 page here
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        return {"reachable": False}
    return {"reachable": True, "engine": db.engine.dialect.name}


def _queued_in_database() -> int:
    from course.jobs.models import Job

    return db.session.scalar(select(func.count()).select_from(Job).where(Job.status == "queued")) or 0


def _rq_queue(chosen: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue, Worker

    connection = Redis.from_url(chosen.url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                socket_timeout=REDIS_TIMEOUT_SECONDS)
    try:
        queue = Queue(chosen.queue_name, connection=connection)
        waiting = queue.count
        # Only the workers taking this queue: several carecourses may share one Redis.
        workers = len(Worker.all(connection=connection, queue=queue))
    except RedisError as exc:
        current_app.logger.warning("health check: job queue unreachable (%s)", type(exc).__name__)
        return {"backend": "rq", "reachable": False, "waiting": None}, {"count": None}
    finally:
        connection.close()
    return {"backend": "rq", "reachable": True, "waiting": waiting}, {"count": workers}


def health() -> tuple[dict[str, Any], int]:
    """The health document and its HTTP status: 503 ("fail") when the database does not answer
    or, with the RQ backend, Redis does not; 200 "degraded" when RQ has no worker to run jobs;
    else 200 "ok"."""
    from course.jobs.backends import backend

    database = _database()
    chosen = backend()
    if chosen.name == "rq":
        queue, workers = _rq_queue(chosen)
    else:  # jobs run inside the app process (a thread of it, or the request itself)
        waiting = _queued_in_database() if database["reachable"] and chosen.name == "thread" else 0
        queue = {"backend": chosen.name, "reachable": True, "waiting": waiting}
        workers = {"count": 0, "in_process": True}
    if not database["reachable"] or not queue["reachable"]:
        status, code = "fail", 503
    elif chosen.name == "rq" and not workers["count"]:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return {"status": status, "database": database, "queue": queue, "workers": workers}, code
