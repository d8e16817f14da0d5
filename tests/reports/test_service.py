"""The reports' figures on the hand-built course of conftest.py."""
from __future__ import annotations

import math

import pytest
from flask import Flask

from course.authoring.models import Course, Module
from course.extensions import db
from course.models import User
from course.reports import cohort, criteria, hours, item_analysis, lookups
from tests.reports.conftest import ReportCourse


@pytest.fixture
def ctx(app: Flask):
    with app.app_context():
        yield
        db.session.rollback()


def _course(rc: ReportCourse) -> Course:
    return db.session.get(Course, rc.course_id)


def _names(report: cohort.Progress) -> list[str]:
    return [r.name for r in report.rows]


def test_progress_rows_by_learner_and_module(report_course: ReportCourse, ctx: None) -> None:
    rc = report_course
    report = cohort.progress(_course(rc))
    assert report.learners == 4 and report.pages == 1
    assert _names(report) == ["Ann Archer", "Ben Brook", "Cat Cole", "Dan Dale"]
    ann, ben, cat, dan = report.rows
    # Ann: m1 passed with 3/3 in one attempt, 30 min of 60; m2 read to the end (20 min of 30).
    assert (ann.cells[rc.m1].status, ann.cells[rc.m1].best, ann.cells[rc.m1].attempts) == ("passed", 1.0, 1)
    assert (ann.cells[rc.m1].minutes, ann.cells[rc.m1].target_minutes) == (30, 60)
    assert (ann.cells[rc.m2].status, ann.cells[rc.m2].minutes) == ("completed", 20)
    # online 30 + 20 = 50 min, offline 90, total 140; 2 of 2 modules complete; TESTFW 50 + 90 = 140.
    assert (ann.online_minutes, ann.offline_minutes, ann.total_minutes, ann.complete) == (50, 90, 140, 2)
    unit = report.structure.units[0]
    assert (unit.code, unit.glh, unit.target_minutes, unit.module_ids) == ("TESTFW", 10, 600, [rc.m1, rc.m2])
    assert ann.unit_minutes(unit) == 140
    # Ben: passed at his first go (2/3 = 0.667 >= 0.6), best 3/3 at the second; 60 min online.
    assert (ben.cells[rc.m1].status, ben.cells[rc.m1].best, ben.cells[rc.m1].attempts) == ("passed", 1.0, 2)
    assert (ben.cells[rc.m2].status, ben.total_minutes, ben.complete) == ("not started", 60, 1)
    # Cat: 1/3 -> not passed; 10 minutes on m2 without reaching its end -> in progress.
    assert (cat.cells[rc.m1].status, round(cat.cells[rc.m1].best, 6)) == ("not passed", 0.333333)
    assert (cat.cells[rc.m2].status, cat.total_minutes, cat.complete) == ("in progress", 10, 0)
    # Dan: 30 offline minutes with no reference count toward the course, not toward TESTFW.
    assert (dan.offline_minutes, dan.total_minutes, dan.unit_minutes(unit)) == (30, 30, 0)
    # The cohort: 120 min online (30+20+60+10), 120 offline, TESTFW 120 online + 90 offline.
    assert (report.online_minutes, report.offline_minutes) == (120, 120)
    assert (report.unit_online, report.unit_offline) == ({"TESTFW": 120}, {"TESTFW": 90})
    assert report.mean_minutes == 60  # 240 / 4
    assert report.structure.glh == 10
    # Started: every learner made an attempt at m1 (Cat and Dan with no time logged on it); m2 was
    # read by Ann and Cat.
    assert [(m.complete, m.started, m.seconds) for m in report.modules] == [(2, 4, 5400), (1, 2, 1800)]
    assert report.cohorts == ["A", "B"]


@pytest.mark.parametrize(("sort", "direction", "expected"), [
    ("name", "desc", ["Dan Dale", "Cat Cole", "Ben Brook", "Ann Archer"]),
    ("complete", "desc", ["Ann Archer", "Ben Brook", "Cat Cole", "Dan Dale"]),  # 2, 1, 0, 0 (ties by name)
    ("total", "asc", ["Cat Cole", "Dan Dale", "Ben Brook", "Ann Archer"]),  # 10, 30, 60, 140 minutes
    ("online", "desc", ["Ben Brook", "Ann Archer", "Cat Cole", "Dan Dale"]),  # 60, 50, 10, 0
    ("offline", "desc", ["Ann Archer", "Dan Dale", "Ben Brook", "Cat Cole"]),  # 90, 30, 0, 0
    ("cohort", "desc", ["Cat Cole", "Dan Dale", "Ann Archer", "Ben Brook"]),
    ("email", "asc", ["Ann Archer", "Ben Brook", "Cat Cole", "Dan Dale"]),
    ("bogus", "asc", ["Ann Archer", "Ben Brook", "Cat Cole", "Dan Dale"]),  # unknown: by name
])
def test_progress_sorts_in_sql(report_course: ReportCourse, ctx: None, sort: str, direction: str,
                               expected: list[str]) -> None:
    report = cohort.progress(_course(report_course), sort=sort, direction=direction)
    assert _names(report) == expected
    assert report.sort == ("name" if sort == "bogus" else sort)


def test_progress_sorts_by_a_modules_best_mark(report_course: ReportCourse, ctx: None) -> None:
    rc = report_course
    # m1 best marks: Ann 1, Ben 1, Cat 1/3, Dan 1/3; ascending puts Cat and Dan first (ties by name).
    assert _names(cohort.progress(_course(rc), sort=f"m{rc.m1}", direction="asc")) == [
        "Cat Cole", "Dan Dale", "Ann Archer", "Ben Brook"]


def test_progress_filters_by_cohort_and_pages(report_course: ReportCourse, ctx: None) -> None:
    course = _course(report_course)
    report = cohort.progress(course, cohort="B")
    assert _names(report) == ["Cat Cole", "Dan Dale"]
    assert (report.learners, report.online_minutes, report.offline_minutes) == (2, 10, 30)
    page2 = cohort.progress(course, page=2, page_size=3)
    assert (page2.page, page2.pages, _names(page2)) == (2, 2, ["Dan Dale"])
    assert cohort.progress(course, page=99, page_size=3).page == 2


def test_progress_table_has_one_row_per_learner(report_course: ReportCourse, ctx: None) -> None:
    table = cohort.progress_table(_course(report_course), batch=3)  # two batches
    # Time by kind, each against its own figure: online self-study never counts toward GLH.
    assert table.headers[:16] == ["name", "email", "cohort", "modules complete", "self-study minutes",
                                  "guided session minutes", "assessment minutes", "GLH minutes", "off-the-job minutes",
                                  "TQT minutes", "course GLH", "course TQT hours", "TESTFW GLH minutes",
                                  "TESTFW TQT minutes", "TESTFW GLH", "TESTFW TQT hours"]
    assert table.headers[16:21] == ["m1 status", "m1 best %", "m1 attempts", "m1 self-study minutes",
                                    "m1 target minutes"]
    assert len(table.rows) == 4
    # Ann: 50 online, a 90-minute guided session (TESTFW/K.1): GLH 90 of 10 h, TQT 140 (TESTFW gives no TQT or credit).
    assert table.rows[0] == ["Ann Archer", "ann@a.test", "A", 2, 50.0, 90, 0, 90, 0, 140.0, 10, None, 90, 140.0, 10, None,
                             "passed", 100.0, 1, 30.0, 60, "completed", None, 0, 20.0, 30]
    # Dan: 30 guided minutes with no reference: the course's GLH minutes, not TESTFW's.
    assert table.rows[3][4:16] == [0.0, 30, 0, 30, 0, 30.0, 10, None, 0, 0.0, 10, None]
    assert table.rows[2][16:18] == ["not passed", 33.3]


def test_criteria_map_reads_the_status_function(report_course: ReportCourse, ctx: None) -> None:
    """The map's states are course.evidence.status's: a summative quiz rule met shows knowledge;
    workplace criteria need an assessor's decision; correct answers alone are not evidence."""
    rc = report_course
    course = _course(rc)
    ann = db.session.get(User, rc.users["ann"])
    record = criteria.criteria_map(course, ann)
    assert [(g.code, [o.code for o in g.outcomes]) for g in record.frameworks] == [("TESTFW", ["P.1", "K.1"])]
    rows = record.by_ref
    assert list(rows) == ["TESTFW/P1", "TESTFW/P2", "TESTFW/K1", "TESTFW/K2"]
    assert [rows[r].status.label for r in rows] == ["Not started", "Not started", "Knowledge shown", "Knowledge shown"]
    assert rows["TESTFW/P1"].status.reasons == ("Needs workplace evidence judged by an assessor.",)
    day = rc.today.isoformat()
    assert rows["TESTFW/K1"].status.reasons == (f"Quiz rule met in Choices, attempt 1 (100%, {day}).",)
    assert [q.attempt_id for q in rows["TESTFW/K2"].status.quiz] == [rc.attempts["ann"][0]]
    assert record.counts == {"not_started": 2, "knowledge_shown": 2, "evidence_submitted": 0, "referred": 0,
                             "met": 0, "iqa_returned": 0, "iqa_confirmed": 0}
    # Cat answered q2 (K2) right but K2's rule (60%) was not met (1 of 2): no criterion is shown.
    cat = db.session.get(User, rc.users["cat"])
    rows = criteria.criteria_map(course, cat).by_ref
    assert {r: line.status.state for r, line in rows.items()} == dict.fromkeys(rows, "not_started")
    assert rows["TESTFW/K2"].status.reasons == ("No summative quiz result or workplace evidence yet.",)
    table = criteria.criteria_table(course, cat)
    assert [r[2] for r in table.rows] == ["TESTFW/P1", "TESTFW/P2", "TESTFW/K1", "TESTFW/K2"]
    assert table.rows[2][6:10] == ["not_started", "Not started", False,
                                   "No summative quiz result or workplace evidence yet."]
    ben_table = criteria.criteria_table(course, db.session.get(User, rc.users["ben"]))
    assert ben_table.rows[3][6:9] == ["knowledge_shown", "Knowledge shown", True]
    assert ben_table.rows[3][15] == "Choices attempt 2"


def test_item_analysis_first_attempts(report_course: ReportCourse, ctx: None) -> None:
    module = db.session.get(Module, report_course.m1)
    report = item_analysis.item_analysis(module)
    assert (report.which, report.attempts) == ("first", 4)
    by_id = {i.question_id: i for i in report.items}
    assert list(by_id) == ["q1", "q2", "q3"]
    # Worked out in test_statistics.py: facility .5 / .75 / .5; discrimination 1/sqrt(3), 0, -.5/sqrt(2.75).
    assert by_id["q1"].stats.facility == 0.5
    assert by_id["q1"].stats.discrimination == pytest.approx(1 / math.sqrt(3))
    assert by_id["q2"].stats.facility == 0.75
    assert by_id["q2"].stats.discrimination == pytest.approx(0.0, abs=1e-9)
    assert by_id["q3"].stats.discrimination == pytest.approx(-0.5 / math.sqrt(2.75))
    assert by_id["q3"].stats.flags == ["negative discrimination"]
    # q1 options chosen: a by Ann and Ben, b by Cat, c by Dan.
    assert [(o.id, o.text, o.correct, o.count) for o in by_id["q1"].options] == [
        ("a", "The person", True, 2), ("b", "The family", False, 1), ("c", "The manager", False, 1)]
    assert [(o.id, o.count) for o in by_id["q2"].options] == [("true", 3), ("false", 1)]
    assert by_id["q1"].no_answer == 0


def test_item_analysis_all_attempts(report_course: ReportCourse, ctx: None) -> None:
    module = db.session.get(Module, report_course.m1)
    report = item_analysis.item_analysis(module, which="all")
    assert report.attempts == 5
    q1 = report.items[0]
    # Adding Ben's 1 1 1 (T=3): q1 x = 1 1 0 0 1 (mean .6), X = 2 1 1 1 2 (mean 1.4):
    #   dx = .4 .4 -.6 -.6 .4, dX = .6 -.4 -.4 -.4 .6; Sxy = .24 - .16 + .24 + .24 + .24 = .8;
    #   Sxx = 3 x .16 + 2 x .36 = 1.2; SXX = 2 x .36 + 3 x .16 = 1.2; r = .8 / 1.2 = 2/3.
    assert q1.stats.facility == pytest.approx(0.6)
    assert q1.stats.discrimination == pytest.approx(2 / 3)
    tables = item_analysis.items_tables(_course(report_course), which="all")
    assert tables[0].rows[0] == ["m1", "q1", "Who decides", "single_choice", 5, 0.6, 0.6667, "", 1.0, "all"]
    assert tables[1].rows[:4] == [["m1", "q1", "a", "The person", True, 3], ["m1", "q1", "b", "The family", False, 1],
                                  ["m1", "q1", "c", "The manager", False, 1], ["m1", "q1", "", "no answer", False, 0]]


def test_hours_log(report_course: ReportCourse, ctx: None) -> None:
    rc = report_course
    ann = db.session.get(User, rc.users["ann"])
    rows = hours.hours_log(_course(rc), ann)
    day = rc.today
    assert [(r.date, r.activity, r.minutes, r.outcome, r.covers) for r in rows] == [
        (day.fromordinal(day.toordinal() - 2), "Online study: Practice", 20.0, "", "TESTFW/P.1"),
        (day.fromordinal(day.toordinal() - 1), "Guided session (tutor-led): Shadowing a senior carer", 90.0,
         "recorded by a tutor", "TESTFW/K.1"),
        (day, "Online study: Choices", 30.0, "attempt 1: passed (100%)", "TESTFW/K.1"),
    ]
    assert [r.kind_label for r in rows] == ["Online self-study (TQT)", "Guided session (GLH)", "Online self-study (TQT)"]
    table = hours.hours_table(_course(rc), ann)
    assert table.headers == ["date", "kind", "activity", "minutes", "outcome", "covers"]
    assert table.rows[-3:] == [["total toward GLH", "", "", 90.0, "", ""], ["total off-the-job", "", "", 0, "", ""],
                               ["total toward TQT", "", "", 140.0, "", ""]]


def test_lookups(report_course: ReportCourse, ctx: None) -> None:
    rc = report_course
    course = lookups.course_by_slug("care-basics")
    assert course.id == rc.course_id
    with pytest.raises(lookups.ReportError, match="no course with slug 'nope'"):
        lookups.course_by_slug("nope")
    assert lookups.learner_by_email(course, "ANN@a.test").id == rc.users["ann"]
    with pytest.raises(lookups.ReportError, match="tutor@a.test is not enrolled on care-basics"):
        lookups.learner_by_email(course, "tutor@a.test")
    assert lookups.organisation_course(rc.org_id, rc.course_id) is course
    assert lookups.organisation_course(rc.org_id + 1, rc.course_id) is None
