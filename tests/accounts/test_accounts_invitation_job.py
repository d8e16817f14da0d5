"""More than 20 invitations from one enrolment are mailed by a job (course.accounts.jobs): its page
says how many went and lists, without their links, those that could not be mailed, with a button
that invites them again."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from course.accounts.jobs import INVITATIONS_IN_REQUEST
from course.accounts.models import AccountToken
from course.extensions import db
from course.jobs.models import Job
from course.models import User
from tests.accounts.conftest import LINK_RE, free_port
from tests.helpers import login


def _csv(count: int) -> bytes:
    rows = "".join(f"Learner {n:02d},learner{n:02d}@care.test,May\n" for n in range(1, count + 1))
    return ("name,email,cohort\n" + rows).encode()


def _enrol(client, course_id: int, count: int):
    return client.post(f"/learn/tutor/courses/{course_id}/learners/csv", data={
        "csv-file": (io.BytesIO(_csv(count)), "learners.csv"), "csv-invite": "y"},
        content_type="multipart/form-data")


def _setup(app, login_as, create_org):
    from course.authoring.models import Course

    org = create_org("Sunrise Care")
    tutor = login_as("tutor", org=org, name="Tia Tutor")
    with app.app_context():
        course = Course(title="Care at work", slug="care", organisation_id=org.id, created_by_id=tutor.id)
        db.session.add(course)
        db.session.commit()
        return org, tutor, course.id


def _unused_links(app) -> dict[str, int]:
    """Each learner's number of unused invitation links."""
    with app.app_context():
        rows = db.session.execute(select(User.email, func.count(AccountToken.id))
                                  .join(AccountToken, AccountToken.user_id == User.id)
                                  .where(AccountToken.used_at.is_(None)).group_by(User.email))
        return dict(rows.all())


def test_twenty_are_mailed_in_the_request(app, client, login_as, create_org, mailbox):
    _, _, course_id = _setup(app, login_as, create_org)
    response = _enrol(client, course_id, INVITATIONS_IN_REQUEST)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/courses/{course_id}/learners")
    assert len(mailbox.messages) == 20
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_more_are_mailed_by_a_job_whose_page_counts_them(app, client, login_as, create_org, mailbox):
    org, tutor, course_id = _setup(app, login_as, create_org)
    response = _enrol(client, course_id, 25)
    assert response.status_code == 303
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/jobs/[0-9a-f]{32}", job_url)
    assert sorted(m["To"] for m in mailbox.messages) == [f"learner{n:02d}@care.test" for n in range(1, 26)]
    page = client.get(job_url).get_data(as_text=True)
    assert "Mailing 25 invitations: this page follows them." in page
    assert "<h1>Invitations" in page
    assert "25 of 25 invitations sent by email" in page
    assert "could not be mailed" not in page
    assert f'<a href="/learn/tutor/courses/{course_id}/learners">Back to the learners</a>' in page
    with app.app_context():
        job = db.session.get(Job, job_url.rsplit("/", 1)[1])
        assert (job.kind, job.status, job.owner_id, job.organisation_id) == ("send-invitations", "done", tutor.id, org.id)
        assert (job.progress_done, job.progress_total, job.progress_note) == (25, 25, "25 of 25 invitations mailed")
        assert job.result == {"learners": 25, "sent": 25, "failed": [], "back": f"/learn/tutor/courses/{course_id}/learners"}
    # The links name the address the tutor used, and work.
    link = mailbox.link(mailbox.to("learner07@care.test")[0])
    assert link.startswith("http://localhost/account/set-password/")
    learner = app.test_client()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert learner.post(path, data={"password": "a long enough password",
                                    "confirm": "a long enough password"}).status_code == 302
    assert _unused_links(app) == {f"learner{n:02d}@care.test": 1 for n in range(1, 26) if n != 7}


def test_those_not_mailed_are_listed_without_links_and_can_be_invited_again(
        app, client, login_as, create_org, create_user, mailbox):
    _, _, course_id = _setup(app, login_as, create_org)
    working_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    job_url = _enrol(client, course_id, 22).headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "0 of 22 invitations sent by email" in page
    assert "22 could not be mailed. Their links were not kept here" in page
    assert page.count(f"the mail server 127.0.0.1:{app.config['SMTP_PORT']} could not be reached") == 22
    assert "<th scope=\"row\">Learner 22</th><td>learner22@care.test</td>" in page
    assert LINK_RE.findall(page) == [] and "set-password" not in page
    again = re.search(r'<form method="post" action="(/invitations/[0-9a-f]{32}/again)">', page).group(1)
    assert "Invite these 22 again</button>" in page
    assert mailbox.messages == []

    # Someone else's organisation cannot use the button.
    stranger = app.test_client()
    other = create_user("tutor", org=create_org("Elsewhere"), email="else@where.test")
    assert login(stranger, other.email).status_code == 302
    assert stranger.post(again).status_code == 404

    app.config["SMTP_PORT"] = working_port
    second = client.post(again)
    assert second.status_code == 303 and second.headers["Location"] != job_url
    assert "22 of 22 invitations sent by email" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert len(mailbox.messages) == 22
    # The first links were replaced: one working link each, the mailed one.
    assert _unused_links(app) == {f"learner{n:02d}@care.test": 1 for n in range(1, 23)}
