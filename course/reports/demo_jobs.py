"""The demo-learners generator (``course.reports.demo``) as a job: ``carecourse demo-data``
submits it (``--wait`` follows it step by step), so a large run goes to a worker, not a request."""
from __future__ import annotations

import dataclasses
from typing import Any

from course.extensions import db
from course.jobs.registry import JobContext, JobFailed, job_kind, problem

DEMO_DATA = "demo-data"
STEPS = 5  # the course; then generate()'s four reports: learners, attempts, item marks, time


def describe(result: dict[str, Any]) -> str:
    """The one-line summary of a finished run, as ``carecourse demo-data`` prints it."""
    return (f"course {result['course_slug']} (id {result['course_id']}): {result['learners']} learners, "
            f"{result['modules']} modules, {result['questions']} questions, {result['attempts']} attempts, "
            f"{result['answer_marks']} item marks, {result['time_rows']} time rows, "
            f"{result['offline_rows']} offline records in {result['seconds']:.1f} s")


@job_kind(DEMO_DATA, label="Demo data", template="reports/demo_job_result.html")
def demo_data(job: JobContext) -> dict[str, Any]:
    """Generate a demo course with learners, attempts and time; all of it, or nothing.

    Params: learners, modules, attempts_per_learner (None: one per module), seed, slug (None:
    demo-data-N), as ``course.reports.demo.generate`` takes them.
    """
    from course.reports.demo import generate

    params = job.params
    # SQLite lets one connection write at a time: once the generator has written, progress
    # (saved on a connection of its own) would wait for the job's own commit, so it is shown
    # only on PostgreSQL after the first step.
    live = db.engine.dialect.name != "sqlite"
    step = 1
    job.progress(step, STEPS, "creating the course and its questions")

    def say(message: str) -> None:
        nonlocal step
        step += 1
        if live:
            job.progress(step, STEPS, message)

    try:
        summary = generate(learners=int(params["learners"]), modules=int(params.get("modules") or 10),
                           attempts_per_learner=params.get("attempts_per_learner"),
                           seed=int(params.get("seed") or 1), slug=params.get("slug"), progress=say)
    except ValueError as exc:
        raise JobFailed([problem(params.get("slug") or "demo-data", str(exc))]) from None
    return dataclasses.asdict(summary)
