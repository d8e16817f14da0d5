"""Where jobs run, chosen by ``CARECOURSE_JOBS`` (config ``JOBS_BACKEND``):

* ``thread`` (the default, for ``make run``): a background thread of the app process that took
  the upload, one job at a time; needs no other service. A job whose process stops (a restart)
  is shown as stopped once its time limit has passed.
* ``rq``: the Redis queue ``JOBS_QUEUE`` at ``REDIS_URL``, run by ``carecourse worker``
  processes on any number of machines (production).
* ``inline``: at once, in the caller (the test suite, and scripts that want no thread).

Every backend calls ``course.jobs.runner.run_job(job_id)``; the job's record is in the database.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app

BACKENDS: tuple[str, ...] = ("inline", "thread", "rq")
RUN_JOB = "course.jobs.runner.run_job"


class QueueUnavailable(RuntimeError):
    """The job could not be handed to the queue (Redis down or unreachable)."""


class InlineBackend:
    """Runs each job at once, in the caller."""

    name = "inline"

    def __init__(self, app: Flask) -> None:
        self.app = app

    def enqueue(self, job_id: str, *, description: str = "") -> None:
        """Run the job now."""
        from course.jobs.runner import run_job

        run_job(job_id)


class ThreadBackend:
    """Runs jobs one at a time in a background thread of this process."""

    name = "thread"

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        # Made on first use, in the process that uses it (a thread does not survive a fork).
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="carecourse-job")
            return self._executor

    def enqueue(self, job_id: str, *, description: str = "") -> None:
        """Queue the job for the background thread."""
        self._pool().submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        from course.jobs.runner import run_job

        with self.app.app_context():
            try:
                run_job(job_id)
            except Exception:  # run_job records the job's own failures; this is the machinery's
                self.app.logger.exception("job %s could not be run", job_id)

    def wait(self) -> None:
        """Wait until every job handed to this process's thread has finished (tests, shutdown)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)


class RQBackend:
    """Hands jobs to workers through an RQ queue in Redis."""

    name = "rq"

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.url: str = app.config["REDIS_URL"]
        self.queue_name: str = app.config["JOBS_QUEUE"]
        self.timeout: int = app.config["JOB_TIMEOUT_SECONDS"]

    def connection(self) -> Any:
        """A Redis client for ``REDIS_URL`` (it connects on first use)."""
        from redis import Redis

        return Redis.from_url(self.url, socket_connect_timeout=5, socket_timeout=30)

    def queue(self, connection: Any = None) -> Any:
        """The RQ queue jobs go on."""
        from rq import Queue

        return Queue(self.queue_name, connection=connection or self.connection())

    def enqueue(self, job_id: str, *, description: str = "") -> None:
        """Put the job on the queue; QueueUnavailable if Redis cannot be reached."""
        from redis.exceptions import RedisError

        try:
            self.queue().enqueue_call(
                RUN_JOB, args=(job_id,), job_id=job_id, timeout=self.timeout,
                description=description or job_id,
                result_ttl=0,  # the result is kept in the database, not in Redis
                failure_ttl=7 * 24 * 3600,
            )
        except RedisError as exc:
            raise QueueUnavailable(f"the job queue at {self._safe_url()} could not be reached ({exc})") from None

    def _safe_url(self) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        host = parts.hostname or ""
        return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


_CLASSES = {"inline": InlineBackend, "thread": ThreadBackend, "rq": RQBackend}


def init_backend(app: Flask) -> None:
    """Create ``app``'s backend from its config (``JOBS_BACKEND``)."""
    name = app.config["JOBS_BACKEND"]
    if name not in _CLASSES:
        from course import ConfigError

        raise ConfigError(f"CARECOURSE_JOBS must be one of {', '.join(BACKENDS)}, not {name!r}")
    app.extensions["carecourse_jobs"] = _CLASSES[name](app)


def backend(app: Flask | None = None) -> Any:
    """The backend of ``app`` (default: the current app)."""
    return (app or current_app).extensions["carecourse_jobs"]
