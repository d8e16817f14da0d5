"""Demo data started from the Reports page, as a job: admins only, bounded, followed on the job page."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from course.extensions import db
from course.jobs.models import Job
from course.learning.models import Enrolment


def test_an_admin_starts_demo_data_and_its_page_says_what_was_built(app, client, login_as):
    login_as("admin", org="Org A")
    assert 'action="/reports/demo-data"' in client.get("/reports/").get_data(as_text=True)
    response = client.post("/reports/demo-data", data={"learners": "12", "modules": "3"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/jobs/[0-9a-f]{32}", location)
    html = client.get(location).get_data(as_text=True)
    assert "Created demo course demo-data-1" in html
    assert "12 learners on 3 modules (12 questions)" in html
    status = client.get(location + "/status").json
    assert (status["kind"], status["status"], status["progress"]["total"]) == ("demo-data", "done", 5)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 12


def test_a_bad_number_is_named_and_starts_nothing(app, client, login_as):
    login_as("admin", org="Org A")
    response = client.post("/reports/demo-data", data={"learners": "5001", "modules": "3"})
    assert response.status_code == 400
    assert "Learners: a whole number from 1 to 5,000, not &#39;5001&#39;" in response.get_data(as_text=True)
    assert client.post("/reports/demo-data", data={"learners": "3", "modules": "x"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_tutors_may_not_start_demo_data(app, client, login_as):
    login_as("tutor", org="Org A")
    assert 'action="/reports/demo-data"' not in client.get("/reports/").get_data(as_text=True)
    assert client.post("/reports/demo-data", data={"learners": "3", "modules": "1"}).status_code == 403
