"""``carecourse report ...`` and ``carecourse demo-data``."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from course.extensions import db
from tests.reports.conftest import ReportCourse


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_progress_csv_on_stdout_one_row_per_learner(runner: FlaskCliRunner, report_course: ReportCourse) -> None:
    result = runner.invoke(args=["report", "progress", "--course", "care-basics"])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert [r[0] for r in rows] == ["name", "Ann Archer", "Ben Brook", "Cat Cole", "Dan Dale"]
    # Dan: no online study; 30 guided-session minutes (toward GLH and TQT); course GLH 10, no TQT known.
    assert rows[4][:12] == ["Dan Dale", "dan@a.test", "B", "0", "0", "30", "0", "30", "0", "30", "10", ""]
    one = runner.invoke(args=["report", "progress", "--course", "care-basics", "--learner", "ben@a.test"])
    assert [r[0] for r in _rows(one.stdout)] == ["name", "Ben Brook"]
    cohort = runner.invoke(args=["report", "progress", "--course", "care-basics", "--cohort", "B"])
    assert [r[0] for r in _rows(cohort.stdout)] == ["name", "Cat Cole", "Dan Dale"]


def test_criteria_hours_items(runner: FlaskCliRunner, report_course: ReportCourse) -> None:
    crit = runner.invoke(args=["report", "criteria", "--course", "care-basics", "--learner", "cat@a.test"])
    assert crit.exit_code == 0, crit.output
    assert [(r[2], r[7]) for r in _rows(crit.stdout)[1:]] == [
        ("TESTFW/P1", "Not started"), ("TESTFW/P2", "Not started"), ("TESTFW/K1", "Not started"),
        ("TESTFW/K2", "Not started")]  # Cat met no criterion's rule (60%) in the summative quiz
    ann = runner.invoke(args=["report", "criteria", "--course", "care-basics", "--learner", "ann@a.test"])
    assert [(r[2], r[7]) for r in _rows(ann.stdout)[1:]] == [
        ("TESTFW/P1", "Not started"), ("TESTFW/P2", "Not started"), ("TESTFW/K1", "Knowledge shown"),
        ("TESTFW/K2", "Knowledge shown")]
    hours = runner.invoke(args=["report", "hours", "--course", "care-basics", "--learner", "ann@a.test"])
    assert _rows(hours.stdout)[-3:] == [["total toward GLH", "", "", "90", "", ""],
                                        ["total off-the-job", "", "", "0", "", ""],
                                        ["total toward TQT", "", "", "140", "", ""]]
    items = runner.invoke(args=["report", "items", "--course", "care-basics", "--attempts", "all"])
    assert _rows(items.stdout)[1][:7] == ["m1", "q1", "Who decides", "single_choice", "5", "0.6", "0.6667"]


def test_xlsx_needs_out(runner: FlaskCliRunner, report_course: ReportCourse, tmp_path: Path) -> None:
    result = runner.invoke(args=["report", "items", "--course", "care-basics", "--format", "xlsx"])
    assert result.exit_code == 1
    assert "error: --format xlsx needs --out FILE" in result.stderr
    out = tmp_path / "items.xlsx"
    result = runner.invoke(args=["report", "items", "--course", "care-basics", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Items", "Options"]
    assert list(book["Items"].values)[3][:7] == ("m1", "q3", "First step", "single_choice", 4, 0.5, -0.3015)
    csv_out = tmp_path / "progress.csv"
    result = runner.invoke(args=["report", "progress", "--course", "care-basics", "--out", str(csv_out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert _rows(csv_out.read_text(encoding="utf-8"))[1][0] == "Ann Archer"


def test_errors_name_the_problem(runner: FlaskCliRunner, report_course: ReportCourse) -> None:
    cases = [
        (["report", "progress", "--course", "nope"], "error: no course with slug 'nope'"),
        (["report", "hours", "--course", "care-basics"], "error: report hours needs --learner EMAIL"),
        (["report", "criteria", "--course", "care-basics", "--learner", "who@x.test"],
         "error: who@x.test is not enrolled on care-basics"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert message in result.stderr


def test_demo_data_builds_what_it_says(app: Flask, runner: FlaskCliRunner) -> None:
    from course.learning.models import AnswerMark, Attempt, Enrolment, OfflineLearning, TimeOnTask

    result = runner.invoke(args=["demo-data", "--learners", "12", "--modules", "3", "--attempts-per-learner", "5", "--wait",
                                 "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Built course demo-data-1" in result.stdout and "12 learners, 3 modules, 12 questions, 60 attempts" in result.stdout
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 12
        attempts = db.session.scalar(select(func.count()).select_from(Attempt))
        finished = db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.status == "finished"))
        assert attempts == 60
        # 4 marks per finished attempt; attempt numbers 1, 2 on modules 1, 2 and 1 on module 3.
        assert db.session.scalar(select(func.count()).select_from(AnswerMark)) == 4 * finished
        assert db.session.scalar(select(func.max(Attempt.number))) == 2
        assert db.session.scalar(select(func.count()).select_from(TimeOnTask)) == 36
        assert db.session.scalar(select(func.count()).select_from(OfflineLearning)) >= 1
    again = runner.invoke(args=["demo-data", "--learners", "2", "--modules", "3", "--course", "demo-data-1", "--wait"])
    assert again.exit_code == 1 and "already has a course 'demo-data-1'" in again.stderr
    report = runner.invoke(args=["report", "progress", "--course", "demo-data-1"])
    assert len(_rows(report.stdout)) == 13
