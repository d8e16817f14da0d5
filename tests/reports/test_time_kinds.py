"""The reports keep time by kind (course.learning.hours): on the course of conftest.py, Ben also
had a 45-minute supervised assessment (TESTFW/P.1) and 120 minutes of off-the-job training
(TESTFW/K.1), and TESTFW gives credit 3 (TQT 30 hours by credit x 10).

Ben then has 60 online + 0 guided + 45 assessment + 120 off-the-job: 45 minutes toward GLH,
225 toward TQT. Ann keeps 50 online + 90 guided: 90 toward GLH, 140 toward TQT.
"""
from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from course.authoring.models import Course
from course.extensions import db
from course.learning.models import OfflineLearning
from course.models import Framework, User
from course.reports.cohort import progress, progress_table
from course.reports.hours import hours_table
from tests.helpers import login
from tests.reports.conftest import ReportCourse


@pytest.fixture
def kinds(app: Flask, report_course: ReportCourse) -> ReportCourse:
    rc = report_course
    with app.app_context():
        db.session.scalar(select(Framework).where(Framework.code == "TESTFW")).credit = 3
        for kind, minutes, refs in (("assessment", 45, ["TESTFW/P.1"]), ("off_the_job", 120, ["TESTFW/K.1"])):
            db.session.add(OfflineLearning(learner_id=rc.users["ben"], course_id=rc.course_id, date=rc.today,
                                           minutes=minutes, activity=f"Ben's {kind}", kind=kind, outcomes=refs,
                                           recorded_by_id=rc.tutor.id))
        db.session.commit()
    return rc


def test_rows_and_cohort_keep_kinds_apart(app: Flask, kinds: ReportCourse) -> None:
    with app.app_context():
        course = db.session.get(Course, kinds.course_id)
        report = progress(course)
        ann, ben, _cat, dan = report.rows
        unit = report.structure.units[0]
        assert (unit.figures.glh, unit.figures.tqt, unit.figures.tqt_source) == (10, 30, "credit")
        assert (ben.time.self_study_minutes, ben.time.guided_minutes, ben.time.assessment_minutes,
                ben.time.off_the_job_minutes, ben.time.glh_minutes, ben.time.tqt_minutes) == (60, 0, 45, 120, 45, 225)
        assert (ben.unit_time(unit).glh_minutes, ben.unit_time(unit).tqt_minutes) == (45, 225)
        assert (ann.time.glh_minutes, ann.time.tqt_minutes) == (90, 140)
        assert (dan.unassigned_time.glh_minutes, dan.unit_time(unit).tqt_minutes) == (30, 0)
        assert report.offline_kinds == {"guided_session": 120, "assessment": 45, "off_the_job": 120}
        assert (report.glh_minutes, report.unit_glh_minutes("TESTFW")) == (165, 135)
        names = lambda sort: [r.name for r in progress(course, sort=sort, direction="desc").rows]  # noqa: E731
        assert names("guided") == ["Ann Archer", "Ben Brook", "Dan Dale", "Cat Cole"]  # 90, 45, 30, 0
        assert names("off_the_job") == ["Ben Brook", "Ann Archer", "Cat Cole", "Dan Dale"]  # 120, then ties by name
        assert names("total") == ["Ben Brook", "Ann Archer", "Dan Dale", "Cat Cole"]  # 225, 140, 30, 10
        table = progress_table(course)
        assert table.rows[1][:16] == ["Ben Brook", "ben@a.test", "A", 1, 60.0, 0, 45, 45, 120, 225.0, 10, 30,
                                      45, 225.0, 10, 30]
        hours = hours_table(course, db.session.get(User, kinds.users["ben"]))
        assert [r[1:3] for r in hours.rows[:-3]] == [  # today's rows, by activity
            ["Off-the-job training (TQT)", "Off-the-job training: Ben's off_the_job"],
            ["Online self-study (TQT)", "Online study: Choices"],
            ["Supervised assessment (GLH)", "Supervised assessment or observation: Ben's assessment"]]
        assert hours.rows[-3:] == [["total toward GLH", "", "", 45.0, "", ""],
                                   ["total off-the-job", "", "", 120.0, "", ""],
                                   ["total toward TQT", "", "", 225.0, "", ""]]


def test_pages_show_each_kind_against_its_figure(client: FlaskClient, kinds: ReportCourse) -> None:
    login(client, "tutor@a.test")
    page = " ".join(client.get(f"/reports/courses/{kinds.course_id}/progress").get_data(as_text=True).split())
    assert "<dt>Course TQT</dt><dd>30 hours (credit × 10 hours)</dd>" in page
    assert "Ben Brook: 0.8 of 10 guided learning hours" in page
    assert "Ben Brook: 3.8 of 30 hours of total qualification time" in page
    learner = " ".join(client.get(f"/reports/courses/{kinds.course_id}/learners/{kinds.users['ben']}")
                       .get_data(as_text=True).split())
    # TESTFW: 1.0 h online study, 0.8 h GLH, 2.0 h off the job, 3.8 h in all, of GLH 10 and TQT 30.
    assert ('<th scope="row">TESTFW</th><td class="num">1.0</td><td class="num">0.8</td> <td class="num">2.0</td>'
            '<td class="num">3.8</td> <td class="num">10</td><td class="num">30</td>') in learner
    rows = list(csv.reader(io.StringIO(client.get(
        f"/reports/courses/{kinds.course_id}/learners/{kinds.users['ben']}/hours.csv").get_data(as_text=True))))
    assert rows[-3:] == [["total toward GLH", "", "", "45", "", ""], ["total off-the-job", "", "", "120", "", ""],
                         ["total toward TQT", "", "", "225", "", ""]]


def test_the_offline_form_shows_the_kind(client: FlaskClient, kinds: ReportCourse) -> None:
    login(client, "tutor@a.test")
    page = " ".join(client.get(f"/learn/tutor/courses/{kinds.course_id}/offline").get_data(as_text=True).split())
    assert '<option value="off_the_job">Off-the-job training</option>' in page
    assert "<td>Off-the-job training</td><td>2.0 hours</td><td>Ben&#39;s off_the_job</td>" in page
    assert "<td>Supervised assessment or observation</td><td>45 minutes</td>" in page
