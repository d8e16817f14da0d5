"""The number of SQL statements a report page runs does not grow with the number of learners."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from course.authoring.models import Module
from course.extensions import db
from course.learning.models import Enrolment
from course.models import User
from course.reports.demo import DEMO_DATA_ORGANISATION, generate


def _pages(course_id: int, module_id: int, learner_id: int) -> list[str]:
    base = f"/reports/courses/{course_id}"
    return [
        f"{base}/progress", f"{base}/progress?sort=complete&dir=desc", f"{base}/progress?sort=total",
        f"{base}/progress?sort=online", f"{base}/progress?sort=m{module_id}&cohort=Cohort+1",
        f"{base}/progress.csv", f"{base}/progress.xlsx",
        f"{base}/items", f"{base}/items?attempts=all", f"{base}/items.csv",
        f"{base}/learners/{learner_id}", f"{base}/learners/{learner_id}/criteria",
        f"{base}/learners/{learner_id}/hours.csv",
    ]


def test_query_counts_do_not_grow_with_learners(app: Flask, client: FlaskClient, login_as: Callable[..., User],
                                                count_queries: Callable) -> None:
    sizes = {}
    with app.app_context():
        for n in (5, 50):
            summary = generate(learners=n, modules=3, attempts_per_learner=5, seed=n, slug=f"size-{n}")
            db.session.commit()
            module_id = db.session.scalar(select(Module.id).where(Module.course_id == summary.course_id)
                                          .order_by(Module.position))
            learner_id = db.session.scalar(select(Enrolment.user_id).where(Enrolment.course_id == summary.course_id)
                                           .order_by(Enrolment.user_id))
            sizes[n] = (summary.course_id, module_id, learner_id)
    login_as("tutor", org=DEMO_DATA_ORGANISATION)
    client.get("/reports/")  # warm up: user loading, first-request work
    counts: dict[int, list[int]] = {}
    for n, ids in sizes.items():
        counts[n] = []
        for url in _pages(*ids):
            with count_queries() as q:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[n].append(q.count)
    assert counts[5] == counts[50], list(zip(_pages(*sizes[5]), counts[5], counts[50], strict=True))
    print("statements per page:", counts[50])
    # And they are few: none above 20 statements.
    assert max(counts[50]) <= 20, counts[50]
