"""Report pages at scale: 10,000 learners, 50 modules, 500,000 attempts (by default).

Goal: each report page renders in under 1 s, on SQLite and on PostgreSQL. Run:
    .venv/bin/python -m pytest -q -s tests/benchmarks/test_report_scale.py
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python -m pytest -q -s tests/benchmarks/test_report_scale.py
Smaller: REPORT_BENCH_LEARNERS=2000 REPORT_BENCH_MODULES=50 REPORT_BENCH_ATTEMPTS=50 (attempts per learner).
The data set is built with ``carecourse demo-data``'s generator (4 questions per quiz, so about
four item marks per attempt; building 500,000 attempts takes about 10 minutes); what was built
and each page's best, median and CPU time of three are printed. The assertion uses the best of
three: the machine is shared, and a neighbour's load is not the page's time.

Measured 2026-11-23 on a quiet machine, 10,000 learners, 50 modules, 500,000 attempts,
1,959,892 item marks, with the covering index ix_attempt_module_report (best of three, seconds):

    page                              PostgreSQL   SQLite
    progress, by name, page 1             0.34      0.31
    progress, page 50                     0.35      0.27
    progress sorted by modules complete   0.63      0.45
    progress sorted by total time         0.40      0.33
    progress sorted by a module's mark    0.39      0.31
    progress, one cohort                  0.19      0.17
    learner / criteria map / hours CSV    0.01-0.02 0.00-0.01
    item analysis, first / all attempts   0.25/0.20 0.17/0.15
    (progress CSV of all 10,000 learners, an export: 8.7 s PostgreSQL, 8.5 s SQLite)

Before that index SQLite read every attempt row (wide: JSON snapshots) to count passes and the
progress pages took 0.9-2.2 s.
"""
from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from course.authoring.models import Module
from course.extensions import db
from course.learning.models import Enrolment
from course.models import User
from course.reports.demo import generate
from tests.helpers import DEFAULT_PASSWORD, database_url, login, make_app

LEARNERS = int(os.environ.get("REPORT_BENCH_LEARNERS", "10000"))
MODULES = int(os.environ.get("REPORT_BENCH_MODULES", "50"))
ATTEMPTS = int(os.environ.get("REPORT_BENCH_ATTEMPTS", "50"))
LIMIT_SECONDS = 1.0


@pytest.mark.benchmark
def test_report_pages_render_in_under_a_second(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    engine = "PostgreSQL" if database_url() else "SQLite"
    with app.app_context():
        summary = generate(learners=LEARNERS, modules=MODULES, attempts_per_learner=ATTEMPTS, seed=1, slug="bench",
                           progress=lambda m: print(f"  {m}", flush=True))
        org_id = db.session.scalar(select(User.organisation_id).where(User.email.like("bench-%")).limit(1))
        tutor = User(email="bench-tutor@example.test", name="Bench Tutor", role="tutor", organisation_id=org_id)
        tutor.set_password(DEFAULT_PASSWORD)
        db.session.add(tutor)
        db.session.commit()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        modules = db.session.scalars(select(Module.id).where(Module.course_id == summary.course_id)
                                     .order_by(Module.position)).all()
        learner = db.session.scalar(select(Enrolment.user_id).where(Enrolment.course_id == summary.course_id)
                                    .order_by(Enrolment.user_id).offset(LEARNERS // 2).limit(1))
    print(f"\n{engine}: built {summary}")
    client = app.test_client()
    assert login(client, "bench-tutor@example.test").status_code == 302
    base = f"/reports/courses/{summary.course_id}"
    pages = {
        "progress (by name, page 1)": f"{base}/progress",
        "progress (page 50)": f"{base}/progress?page=50",
        "progress sorted by modules complete": f"{base}/progress?sort=complete&dir=desc",
        "progress sorted by total time": f"{base}/progress?sort=total&dir=desc",
        "progress sorted by a module's mark": f"{base}/progress?sort=m{modules[MODULES // 2]}",
        "progress, one cohort": f"{base}/progress?cohort=Cohort+2",
        "learner": f"{base}/learners/{learner}",
        "criteria map": f"{base}/learners/{learner}/criteria",
        "hours log CSV": f"{base}/learners/{learner}/hours.csv",
        "item analysis (first attempts)": f"{base}/items?module={modules[0]}",
        "item analysis (all attempts)": f"{base}/items?module={modules[0]}&attempts=all",
    }
    client.get("/reports/")
    slow = []
    print(f"{'page':40} {'best s':>7} {'median s':>9} {'CPU s':>6}")
    for name, url in pages.items():
        times, cpu = [], []
        for _ in range(3):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            assert response.status_code == 200, url
        print(f"{name:40} {min(times):7.3f} {statistics.median(times):9.3f} {statistics.median(cpu):6.3f}", flush=True)
        if min(times) >= LIMIT_SECONDS:
            slow.append((name, round(min(times), 3)))
    # The full export is not a page: timed for information only.
    start = time.perf_counter()
    response = client.get(f"{base}/progress.csv")
    print(f"{'progress CSV, every learner (export)':40} {time.perf_counter() - start:9.3f}", flush=True)
    assert response.status_code == 200
    assert not slow, f"pages at or over {LIMIT_SECONDS} s: {slow}"
