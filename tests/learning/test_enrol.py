"""Enrolling learners one by one and from CSV: per-row errors, nothing half-imported."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from course.authoring.models import Course
from course.extensions import db
from course.learning import enrolment as enrolments, errors
from course.learning.models import Enrolment
from course.models import User


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_enrol_creates_a_learner_account_in_the_course_organisation(make_course, ctx):
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    enrolment, created = enrolments.enrol_learner(course, name="Ada Lovelace", email=" Ada@Example.org ", cohort="May")
    assert created is True
    user = db.session.get(User, enrolment.user_id)
    assert (user.email, user.role, user.organisation_id, enrolment.cohort) == ("ada@example.org", "learner", c.org_id, "May")
    again, created = enrolments.enrol_learner(course, name="Ada Lovelace", email="ada@example.org", cohort="")
    assert created is False and again.id == enrolment.id and again.cohort == "May"


def cannot(email):
    return f"{email} cannot be enrolled with this email address; ask your administrator"


def test_enrol_refuses_staff_of_the_organisation_and_says_why(make_course, ctx, create_user):
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    with pytest.raises(errors.Invalid) as info:
        enrolments.enrol_learner(course, name="T", email=c.tutor.email)
    assert info.value.message == f"{c.tutor.email} is a tutor in your organisation; only learners can be enrolled"
    admin = create_user("admin", c.org_id)
    with pytest.raises(errors.Invalid) as info:
        enrolments.enrol_learner(course, name="A", email=admin.email.upper())
    assert info.value.message == f"{admin.email} is an admin in your organisation; only learners can be enrolled"
    with pytest.raises(errors.Invalid, match="not an email address"):
        enrolments.enrol_learner(course, name="N", email="not-an-email")


@pytest.mark.parametrize("role", ["learner", "tutor", "admin"])
def test_enrol_says_the_same_of_every_account_elsewhere(make_course, ctx, create_user, role):
    """Neither another organisation nor the role of an account there is revealed."""
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    outsider = create_user(role, "Elsewhere Ltd")
    with pytest.raises(errors.Invalid) as info:
        enrolments.enrol_learner(course, name="O", email=outsider.email)
    assert info.value.message == cannot(outsider.email)
    with pytest.raises(enrolments.CsvError) as info:
        enrolments.enrol_from_csv(course, f"name,email\nO,{outsider.email}\n".encode())
    assert info.value.problems == [f"row 2: {cannot(outsider.email)}"]
    db.session.rollback()
    assert count(Enrolment) == 0


@pytest.mark.parametrize("role", ["tutor", "admin"])
def test_enrol_says_the_same_of_staff_accounts_of_no_organisation(make_course, ctx, create_user, role):
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    unattached = create_user(role)
    with pytest.raises(errors.Invalid) as info:
        enrolments.enrol_learner(course, name="U", email=unattached.email)
    assert info.value.message == cannot(unattached.email)


def test_a_learner_of_no_organisation_can_be_enrolled(make_course, ctx, create_user):
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    unattached = create_user("learner")
    enrolment, created = enrolments.enrol_learner(course, name="U", email=unattached.email)
    assert created is False and enrolment.user_id == unattached.id


def test_csv_enrols_every_row(make_course, ctx):
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    data = ("\ufeffName,Email,Cohort\r\nAda Lovelace,ada@example.org,May\r\n\r\n"
            f"Existing,{c.learner.email},June\r\n").encode()
    result = enrolments.enrol_from_csv(course, data)
    assert (result.enrolled, result.created) == (2, 1)
    rows = db.session.execute(select(User.email, Enrolment.cohort).join(Enrolment, Enrolment.user_id == User.id)
                              .order_by(User.email)).all()
    assert rows == [("ada@example.org", "May"), (c.learner.email, "June")]


def test_csv_with_bad_rows_names_each_and_imports_nothing(make_course, ctx, create_user):
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    outsider = create_user("learner", "Elsewhere Ltd")
    users_before = count(User)
    data = "\n".join([
        "name,email,cohort",
        "Ada Lovelace,ada@example.org,May",       # row 2: fine
        ",bob@example.org,May",                   # row 3: no name
        "Cy,cy-at-example.org,May",               # row 4: bad email
        "Ada Again,ADA@example.org,May",          # row 5: duplicate of row 2
        f"Tutor,{c.tutor.email},May",             # row 6: a tutor
        f"Out,{outsider.email},May",              # row 7: another organisation
        "Di,di@example.org,May,extra",            # row 8: too many values
    ]).encode()
    with pytest.raises(enrolments.CsvError) as info:
        enrolments.enrol_from_csv(course, data)
    assert info.value.problems == [
        "row 3: name is empty",
        "row 4: email 'cy-at-example.org' is not an email address",
        "row 5: email ADA@example.org is also on row 2",
        f"row 6: {c.tutor.email} is a tutor in your organisation; only learners can be enrolled",
        f"row 7: {cannot(outsider.email)}",
        "row 8: 4 values, but the header has 3 columns",
    ]
    db.session.rollback()
    assert count(Enrolment) == 0 and count(User) == users_before


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "the file is empty"),
    (b"email,cohort\nx@example.org,May\n", "row 1: missing column(s) name"),
    (b"name,email,phone\nA,a@example.org,1\n", "row 1: unknown column(s) phone"),
    (b"name,email\n", "the file has a header but no learners"),
    ("name,email\nZo\xe9,z@example.org\n".encode("latin-1"), "the file is not UTF-8"),
])
def test_csv_file_level_problems(make_course, ctx, data, problem):
    c = make_course(enrol=False)
    course = db.session.get(Course, c.course_id)
    with pytest.raises(enrolments.CsvError) as info:
        enrolments.enrol_from_csv(course, data)
    assert info.value.problems[0].startswith(problem)


def test_csv_upload_page_shows_the_rows_and_keeps_nothing(client, login, make_course, app):
    c = make_course(enrol=False)
    login(client, c.tutor.email)
    data = b"name,email,cohort\nAda,ada@example.org,May\nBob,bob,May\n"
    response = client.post(f"/learn/tutor/courses/{c.course_id}/learners/csv",
                           data={"csv-file": (io.BytesIO(data), "learners.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The file was not imported" in page and "row 3: email &#39;bob&#39; is not an email address" in page
    with app.app_context():
        assert count(Enrolment) == 0
    good = b"name,email,cohort\nAda,ada@example.org,May\nBob,bob@example.org,May\n"
    response = client.post(f"/learn/tutor/courses/{c.course_id}/learners/csv",
                           data={"csv-file": (io.BytesIO(good), "learners.csv")}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 learners enrolled (2 new accounts)." in page and "bob@example.org" in page


def test_enrol_one_page(client, login, make_course, app):
    c = make_course(enrol=False)
    login(client, c.tutor.email)
    response = client.post(f"/learn/tutor/courses/{c.course_id}/learners",
                           data={"one-name": "Ada Lovelace", "one-email": "ada@example.org", "one-cohort": "May"},
                           follow_redirects=True)
    assert "Ada Lovelace (ada@example.org) is enrolled with a new account." in response.get_data(as_text=True)
    response = client.post(f"/learn/tutor/courses/{c.course_id}/learners",
                           data={"one-name": "T", "one-email": c.tutor.email})
    assert response.status_code == 422
    assert f"{c.tutor.email} is a tutor in your organisation; only learners can be enrolled" in response.get_data(as_text=True)


def test_enrol_pages_reveal_nothing_of_other_organisations(client, login, make_course, create_user, app):
    c = make_course(enrol=False)
    login(client, c.tutor.email)
    client.get(f"/learn/tutor/courses/{c.course_id}/learners")  # shows "Signed in as ..." once
    pages = {}
    for role in ("learner", "tutor", "admin"):
        outsider = create_user(role, "Elsewhere Ltd", email=f"someone-{role}@example.org", name="Olu Outsider")
        one = client.post(f"/learn/tutor/courses/{c.course_id}/learners",
                          data={"one-name": "O", "one-email": outsider.email})
        upload = client.post(f"/learn/tutor/courses/{c.course_id}/learners/csv",
                             data={"csv-file": (io.BytesIO(f"name,email\nO,{outsider.email}\n".encode()), "l.csv")},
                             content_type="multipart/form-data")
        for kind, response in (("one", one), ("csv", upload)):
            assert response.status_code == 422
            page = response.get_data(as_text=True)
            assert cannot(outsider.email) in page
            assert "Elsewhere" not in page and "another organisation" not in page and "Olu Outsider" not in page
            # a form's CSRF token is signed with the time: it changes from one second to the next
            page = re.sub(r'(csrf[_-]token"[^>]*?(?:value|content)=")[^"]*', r"\1", page)
            pages.setdefault(kind, set()).add(page.replace(outsider.email, "EMAIL"))
    # The same page, word for word, whatever the account's role.
    assert len(pages["one"]) == 1 and len(pages["csv"]) == 1
    with app.app_context():
        assert count(Enrolment) == 0
