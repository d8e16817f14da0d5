"""`carecourse init --demo` leaves the demo learner enrolled on the shipped course, once."""
from __future__ import annotations

from sqlalchemy import func, select

from course.extensions import db
from course.learning.models import Enrolment
from tests.helpers import login


def test_demo_learner_is_enrolled_once_and_sees_the_course(seeded_app):
    again = seeded_app.test_cli_runner().invoke(args=["init", "--demo"])
    assert again.exit_code == 0
    assert "Demo learner: already enrolled on relationships-and-carers" in again.stdout
    with seeded_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    client = seeded_app.test_client()
    login(client, "learner@example.org", "demo-learner-pass")
    page = client.get("/learn/").get_data(as_text=True)
    assert "Relationships and support for carers" in page
