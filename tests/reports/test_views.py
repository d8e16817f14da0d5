"""Report pages and downloads: who may see them, what they show, what the files hold."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from course.models import User
from tests.helpers import login
from tests.reports.conftest import ReportCourse


def urls(rc: ReportCourse) -> list[str]:
    ann = rc.users["ann"]
    base = f"/reports/courses/{rc.course_id}"
    return [
        f"{base}/progress", f"{base}/progress.csv", f"{base}/progress.xlsx",
        f"{base}/learners/{ann}", f"{base}/learners/{ann}/criteria", f"{base}/learners/{ann}/criteria.csv",
        f"{base}/learners/{ann}/criteria.xlsx", f"{base}/learners/{ann}/hours.csv", f"{base}/learners/{ann}/hours.xlsx",
        f"{base}/items", f"{base}/items.csv", f"{base}/items.xlsx", f"/reports/attempts/{rc.attempts['ann'][0]}",
    ]


def test_anonymous_is_sent_to_sign_in(client: FlaskClient, report_course: ReportCourse) -> None:
    for url in ["/reports/", *urls(report_course)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next=")


def test_learner_is_refused(client: FlaskClient, report_course: ReportCourse) -> None:
    from course.extensions import db

    with client.application.app_context():
        ann = db.session.get(User, report_course.users["ann"])
        ann.set_password("a long enough password")
        db.session.commit()
    assert login(client, "ann@a.test", "a long enough password").status_code == 302
    for url in ["/reports/", *urls(report_course)]:
        assert client.get(url).status_code == 403, url


def test_tutor_of_another_organisation_gets_404(client: FlaskClient, report_course: ReportCourse,
                                                login_as: Callable[..., User]) -> None:
    login_as("tutor", org="Provider B")
    index = client.get("/reports/")
    assert index.status_code == 200 and "Care basics" not in index.text
    for url in urls(report_course):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["tutor", "admin"])
def test_tutor_and_admin_of_the_organisation_see_every_report(client: FlaskClient, report_course: ReportCourse,
                                                              login_as: Callable[..., User], role: str) -> None:
    login_as(role, org="Provider A")
    assert "Care basics" in client.get("/reports/").text
    for url in urls(report_course):
        assert client.get(url).status_code == 200, url
    # A learner not on the course, an unknown module or attempt: 404.
    base = f"/reports/courses/{report_course.course_id}"
    assert client.get(f"{base}/learners/{report_course.tutor.id}").status_code == 404
    assert client.get(f"{base}/items?module=999999").status_code == 404
    assert client.get("/reports/attempts/999999").status_code == 404


@pytest.fixture
def tutor(client: FlaskClient, report_course: ReportCourse) -> ReportCourse:
    assert login(client, "tutor@a.test").status_code == 302
    return report_course


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_progress_page(client: FlaskClient, tutor: ReportCourse) -> None:
    rc = tutor
    html = client.get(f"/reports/courses/{rc.course_id}/progress?sort=total&dir=desc").text
    text = _text(html)
    order = [text.index(n) for n in ("Ann Archer", "Ben Brook", "Dan Dale", "Cat Cole")]
    assert order == sorted(order)  # 140, 60, 30, 10 minutes
    assert re.search(r'aria-sort="descending">\s*<a href="[^"]*sort=total&amp;dir=asc', html)
    assert html.count("aria-sort=") == 1
    # Ann: 2 of 2 modules complete; 0.8 h online study, a 1.5 h guided session: 1.5 of 10 GLH (online
    # study never counts toward GLH), 2.3 h in all toward TQT (TESTFW gives none); m1 passed, best 100%.
    assert "2 of 2" in text and "1.5 of 10" in text and "2.3 of 10" not in text
    assert 'role="img"' in html and "Ann Archer: 1.5 of 10 guided learning hours" in html
    assert ("Mean learning time per learner (4 learners), online study and offline, against total qualification "
            "time (TQT)") in html
    assert "Course TQT not known" in text and "Mean guided hours (GLH) per learner 0.5" in text
    assert "Online study counts toward total qualification time (TQT)" in text
    assert "passed" in text and "best 100%" in text
    # Cohort B only.
    text_b = _text(client.get(f"/reports/courses/{rc.course_id}/progress?cohort=B").text)
    assert "Cat Cole" in text_b and "Ann Archer" not in text_b


def test_progress_pages_a_hundred_learners_at_a_time(client: FlaskClient, tutor: ReportCourse) -> None:
    from course.extensions import db
    from course.learning.models import Enrolment

    with client.application.app_context():
        for i in range(100):
            user = User(email=f"extra{i:03d}@a.test", name=f"Zed {i:03d}", role="learner",
                        organisation_id=tutor.org_id)
            db.session.add(user)
            db.session.flush()
            db.session.add(Enrolment(user_id=user.id, course_id=tutor.course_id, cohort="C"))
        db.session.commit()
    first = client.get(f"/reports/courses/{tutor.course_id}/progress").text
    assert "Learners 1 to 100 of 104" in first and "Page 1 of 2" in first and "Zed 095" in first
    assert "Zed 096" not in first
    second = client.get(f"/reports/courses/{tutor.course_id}/progress?page=2").text
    assert "Learners 101 to 104 of 104" in second and "Zed 099" in second and "Zed 095" not in second


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not twice
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_progress_csv_and_xlsx(client: FlaskClient, tutor: ReportCourse) -> None:
    rc = tutor
    response = client.get(f"/reports/courses/{rc.course_id}/progress.csv?cohort=A")
    assert response.headers["Content-Disposition"] == 'attachment; filename="care-basics-progress.csv"'
    rows = _csv(response)
    assert rows[0][:4] == ["name", "email", "cohort", "modules complete"]
    # self-study, guided session, assessment, GLH, off-the-job, TQT minutes, course GLH, course TQT hours,
    # then TESTFW's GLH minutes, TQT minutes, GLH, TQT hours (none given: empty).
    assert rows[1] == ["Ann Archer", "ann@a.test", "A", "2", "50", "90", "0", "90", "0", "140", "10", "",
                       "90", "140", "10", "", "passed", "100", "1", "30", "60", "completed", "", "0", "20", "30"]
    assert rows[2][:12] == ["Ben Brook", "ben@a.test", "A", "1", "60", "0", "0", "0", "0", "60", "10", ""]
    assert len(rows) == 3
    book = load_workbook(io.BytesIO(client.get(f"/reports/courses/{rc.course_id}/progress.xlsx").data))
    sheet = book["Progress"]
    values = list(sheet.values)
    assert values[0][:3] == ("name", "email", "cohort")
    assert values[1][:12] == ("Ann Archer", "ann@a.test", "A", 2, 50, 90, 0, 90, 0, 140, 10, None)
    assert len(values) == 5


def test_criteria_page_and_exports(client: FlaskClient, tutor: ReportCourse) -> None:
    rc = tutor
    base = f"/reports/courses/{rc.course_id}/learners/{rc.users['cat']}"
    html = client.get(f"{base}/criteria").text
    text = _text(html)
    assert "4 Not started." in text  # Cat met no criterion's rule: a correct answer alone is not evidence
    assert "/reports/attempts/" not in html
    rows = _csv(client.get(f"{base}/criteria.csv"))
    assert rows[0] == ["framework", "outcome", "criterion", "kind", "workplace", "text", "state", "status", "achieved",
                       "reasons", "assessor", "decided on", "evidence", "IQA", "IQA reviewed on", "quiz attempts"]
    assert rows[1][2:10] == ["TESTFW/P1", "performance", "yes", "do the first thing", "not_started", "Not started",
                             "no", "Needs workplace evidence judged by an assessor."]
    assert rows[3][2] == "TESTFW/K1" and rows[3][6:10] == [
        "not_started", "Not started", "no", "No summative quiz result or workplace evidence yet."]
    ann = f"/reports/courses/{rc.course_id}/learners/{rc.users['ann']}"
    html = client.get(f"{ann}/criteria").text
    assert "2 Not started, 2 Knowledge shown." in _text(html)
    assert f'href="/reports/attempts/{rc.attempts["ann"][0]}"' in html
    rows = _csv(client.get(f"{ann}/criteria.csv"))
    assert rows[4][2] == "TESTFW/K2" and rows[4][6:10] == [
        "knowledge_shown", "Knowledge shown", "yes", f"Quiz rule met in Choices, attempt 1 (100%, {rc.today.isoformat()})."]
    assert rows[4][15] == "Choices attempt 1"
    book = load_workbook(io.BytesIO(client.get(f"{base}/criteria.xlsx").data))
    assert [r[2] for r in list(book["Criteria"].values)[1:]] == ["TESTFW/P1", "TESTFW/P2", "TESTFW/K1", "TESTFW/K2"]
    assert [r[7] for r in list(book["Criteria"].values)[1:]] == ["Not started"] * 4


def test_learner_page_and_hours(client: FlaskClient, tutor: ReportCourse) -> None:
    rc = tutor
    base = f"/reports/courses/{rc.course_id}/learners/{rc.users['ann']}"
    html = client.get(base).text
    assert ("Ann Archer&#39;s learning time, online study and offline, against total qualification time (TQT). "
            "TESTFW: 0.8 hours online and 1.5 hours offline (no target).") in html
    assert "TESTFW: 1.5 of 10 guided learning hours" in html
    assert (f'href="/record/courses/{rc.course_id}/learners/{rc.users["ann"]}/units/') in html
    assert "Choices: 30 of 60 minutes" in html
    rows = _csv(client.get(f"{base}/hours.csv"))
    assert rows == [
        ["date", "kind", "activity", "minutes", "outcome", "covers"],
        [rows[1][0], "Online self-study (TQT)", "Online study: Practice", "20", "", "TESTFW/P.1"],
        [rows[2][0], "Guided session (GLH)", "Guided session (tutor-led): Shadowing a senior carer", "90",
         "recorded by a tutor", "TESTFW/K.1"],
        [rc.today.isoformat(), "Online self-study (TQT)", "Online study: Choices", "30", "attempt 1: passed (100%)",
         "TESTFW/K.1"],
        ["total toward GLH", "", "", "90", "", ""],
        ["total off-the-job", "", "", "0", "", ""],
        ["total toward TQT", "", "", "140", "", ""],
    ]
    book = load_workbook(io.BytesIO(client.get(f"{base}/hours.xlsx").data))
    assert list(book["Hours"].values)[-1] == ("total toward TQT", None, None, 140, None, None)


def test_items_page_and_exports(client: FlaskClient, tutor: ReportCourse) -> None:
    rc = tutor
    html = client.get(f"/reports/courses/{rc.course_id}/items").text
    text = _text(html)
    assert "4 attempts analysed" in text
    # q1: facility 50.0%, discrimination 0.58; q3: 50.0%, -0.30, flagged.
    assert re.search(r"Who decides.*?50\.0%.*?0\.58", text)
    assert re.search(r"First step.*?50\.0%.*?-0\.30 negative discrimination", text)
    assert "The person: chosen 2 times in 4 attempts" in html
    all_text = _text(client.get(f"/reports/courses/{rc.course_id}/items?attempts=all").text)
    assert "5 attempts analysed" in all_text and re.search(r"Who decides.*?60\.0%.*?0\.67", all_text)
    rows = _csv(client.get(f"/reports/courses/{rc.course_id}/items.csv"))
    assert rows[1] == ["m1", "q1", "Who decides", "single_choice", "4", "0.5", "0.5774", "", "1", "first"]
    assert rows[3] == ["m1", "q3", "First step", "single_choice", "4", "0.5", "-0.3015", "negative discrimination",
                       "1", "first"]
    book = load_workbook(io.BytesIO(client.get(f"/reports/courses/{rc.course_id}/items.xlsx").data))
    assert book.sheetnames == ["Items", "Options"]
    assert list(book["Options"].values)[1] == ("m1", "q1", "a", "The person", "yes", 2)


def test_attempt_page(client: FlaskClient, tutor: ReportCourse) -> None:
    rc = tutor
    text = _text(client.get(f"/reports/attempts/{rc.attempts['dan'][0]}").text)
    assert "Dan Dale: attempt 1 of Choices" in text
    assert "1 of 3 (33%)" in text
    assert "The manager" in text and "not passed" in text
