"""Report pages and their CSV/XLSX exports, for tutors and admins of the course's organisation.

    /reports/                                              courses to report on
    /reports/courses/<id>/progress[.csv|.xlsx]             cohort progress (?cohort=&sort=&dir=&page=)
    /reports/courses/<id>/learners/<uid>                   one learner: modules, time against GLH
    /reports/courses/<id>/learners/<uid>/criteria[.csv|.xlsx]   the learner's criteria map
    /reports/courses/<id>/learners/<uid>/hours[.csv|.xlsx] hours log for funding evidence
    /reports/courses/<id>/items[.csv|.xlsx]                item analysis (?module=&attempts=first|all)
    /reports/attempts/<id>                                 one attempt's marked items

Another organisation's course, learner or attempt is a 404.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from markupsafe import Markup

from course.auth import roles_required
from course.authoring.models import Course, Module
from course.core.nav import nav_item
from course.evidence.display import counts_sentence
from course.extensions import db
from course.learning.models import Attempt
from course.models.users import User
from course.reports import cohort
from course.reports.criteria import criteria_map, criteria_table
from course.reports.export import Table, csv_chunks, file_chunks, xlsx_tempfile
from course.reports.hours import hours_log, hours_table
from course.reports.item_analysis import item_analysis, items_tables
from course.reports.lookups import enrolled_learner, organisation_course
from course.reports.rows import LearnerRow, learner_rows
from course.reports.structure import structure
from course.reports.svg import TimeBar, hours, progress_bar, time_chart

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")
nav_item("Reports", "reports.index", roles=("tutor", "admin"), order=50)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global("report_bar")
def _report_bar(value: float, maximum: float, label: str) -> Any:
    return progress_bar(value, maximum, label)


@bp.app_template_global("report_module_cells")
def module_cells(row: LearnerRow, modules: list[Module]) -> Markup:
    """A progress row's module cells as HTML, built in Python: 100 rows x 50 modules is 5,000 cells."""
    out = []
    for m in modules:
        c = row.cells[m.id]
        best = f"best {round(c.best * 100)}%, " if c.best is not None else ""
        plural = "" if c.attempts == 1 else "s"
        out.append(
            f'<td class="rp-col-module"><span class="rp-status-{c.status.replace(" ", "-")}">{c.status}</span><br>'
            f"{best}{c.attempts} attempt{plural}<br>{hours(c.minutes)} of {hours(c.target_minutes)} h</td>"
        )
    return Markup("".join(out))


@bp.app_template_filter("hours")
def _hours(minutes: float | None) -> str:
    return hours(minutes or 0)


def my_course(course_id: int) -> Course:
    """A course of the signed-in user's organisation, else 404."""
    course = organisation_course(current_user.organisation_id, course_id)
    if course is None:
        abort(404)
    return course


def my_learner(course: Course, user_id: int) -> User:
    """A learner enrolled on the course, else 404."""
    found = enrolled_learner(course, user_id)
    if found is None:
        abort(404)
    return found[0]


def export(tables: Table | list[Table], fmt: str, filename: str) -> Response:
    """The tables as a CSV (the first) or XLSX download, streamed: CSV rows are sent as they are
    made (a table's rows may be a generator reading learners in batches); the XLSX workbook is
    written row by row to a temporary file (openpyxl write-only) and sent from it in pieces."""
    if isinstance(tables, Table):
        tables = [tables]
    if fmt == "csv":
        body: Any = csv_chunks(tables[0])
        if not isinstance(tables[0].rows, list):  # rows still to be read from the database
            body = stream_with_context(body)
        mimetype = "text/csv"  # Werkzeug adds "; charset=utf-8" to text/* types itself
    else:
        body = file_chunks(xlsx_tempfile(tables))
        mimetype = XLSX
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _cohort_arg() -> str | None:
    """``cohort``: empty or missing for all, "-" for learners without a cohort, else its name."""
    value = request.args.get("cohort", "")
    if value == "":
        return None
    return "" if value == "-" else value


@bp.get("/")
@roles_required("tutor", "admin")
def index() -> Any:
    """The organisation's courses, each with links to its reports."""
    courses = db.session.scalars(
        db.select(Course).where(Course.organisation_id == current_user.organisation_id).order_by(Course.title)
    ).all() if current_user.organisation_id else []
    return render_template("reports/index.html", courses=courses, demo_error=None,
                           demo_limits=(WEB_DEMO_LEARNERS, WEB_DEMO_MODULES))


# From the web, demo data stays small enough to try the reports; larger runs: `carecourse demo-data`.
WEB_DEMO_LEARNERS = 5000
WEB_DEMO_MODULES = 50


def _bounded(name: str, label: str, most: int) -> int:
    raw = request.form.get(name, "").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise ValueError(f"{label}: a whole number from 1 to {most:,}, not {raw[:20]!r}")
    return int(raw)


@bp.post("/demo-data")
@roles_required("admin")
def demo_data() -> Any:
    """Start a demo-data job (a course with generated learners, attempts and time, in the
    organisation "Demo Data Provider") and go to its page; a bad number starts nothing."""
    from course.jobs.service import submit
    from course.reports.demo_jobs import DEMO_DATA

    try:
        params = {"learners": _bounded("learners", "Learners", WEB_DEMO_LEARNERS),
                  "modules": _bounded("modules", "Modules", WEB_DEMO_MODULES),
                  "attempts_per_learner": None, "seed": 1, "slug": None}
    except ValueError as exc:
        courses = db.session.scalars(db.select(Course).where(
            Course.organisation_id == current_user.organisation_id).order_by(Course.title)).all()
        return render_template("reports/index.html", courses=courses, demo_error=str(exc),
                               demo_limits=(WEB_DEMO_LEARNERS, WEB_DEMO_MODULES)), 400
    job = submit(DEMO_DATA, params=params, payload=None, organisation_id=current_user.organisation_id,
                 owner_id=current_user.id)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.get("/courses/<int:course_id>/progress")
@roles_required("tutor", "admin")
def progress(course_id: int) -> Any:
    """Cohort progress: a page of learners by module, sortable by any column, with cohort totals."""
    course = my_course(course_id)
    page = request.args.get("page", "1")
    report = cohort.progress(
        course, cohort=_cohort_arg(), sort=request.args.get("sort"), direction=request.args.get("dir", "asc"),
        page=int(page) if page.isdigit() else 1,
    )
    st = report.structure
    cohort_chart = _cohort_chart(report)
    return render_template("reports/progress.html", course=course, report=report, st=st,
                           cohort_chart=cohort_chart, cohort_value=request.args.get("cohort", ""))


def _minutes(hours_: int | None) -> int | None:
    return hours_ * 60 if hours_ else None


def _cohort_chart(report: cohort.Progress) -> Any:
    """Mean time per learner (online study, then offline of every kind) against TQT, per unit and
    for the course: every kind counts toward TQT, while only time with a tutor counts toward GLH."""
    n = report.learners or 1
    st = report.structure
    rows = [TimeBar(u.code, report.unit_online.get(u.code, 0) / n, report.unit_offline.get(u.code, 0) / n,
                    _minutes(u.figures.tqt)) for u in st.units]
    rows.append(TimeBar("Whole course", report.online_minutes / n, report.offline_minutes / n,
                        _minutes(st.figures.tqt)))
    return time_chart(rows, f"Mean learning time per learner ({report.learners} learners), online study and "
                            "offline, against total qualification time (TQT)")


@bp.app_template_global("report_sort_url")
def sort_url(report: cohort.Progress, key: str) -> str:
    """The progress page sorted by ``key`` (toggling the direction when it is the current sort)."""
    direction = "desc" if report.sort == key and report.direction == "asc" else "asc"
    args = {k: v for k, v in request.args.items() if k not in ("sort", "dir", "page")}
    return url_for("reports.progress", course_id=report.structure.course.id, sort=key, dir=direction, **args)


@bp.get("/courses/<int:course_id>/progress.<any(csv, xlsx):fmt>")
@roles_required("tutor", "admin")
def progress_export(course_id: int, fmt: str) -> Any:
    """Every learner's progress (filters and sort as on the page), one row per learner."""
    course = my_course(course_id)
    table = cohort.progress_stream(course, cohort=_cohort_arg(), sort=request.args.get("sort"),
                                   direction=request.args.get("dir", "asc"))
    return export(table, fmt, f"{course.slug}-progress")


@bp.get("/courses/<int:course_id>/learners/<int:user_id>")
@roles_required("tutor", "admin")
def learner(course_id: int, user_id: int) -> Any:
    """One learner: each module's status, mark, attempts and time; time against each unit's GLH."""
    course = my_course(course_id)
    user = my_learner(course, user_id)
    found = enrolled_learner(course, user.id)
    enrolment = found[1] if found else None
    st = structure(course)
    row = learner_rows(st, [(user.id, user.name, user.email, enrolment.cohort if enrolment else "")])[0]
    bars = [TimeBar(u.code, row.unit_time(u).self_study_minutes, row.unit_offline.get(u.code, 0),
                    _minutes(u.figures.tqt)) for u in st.units]
    unassigned = row.unassigned_time
    bars.append(TimeBar("Whole course", row.online_minutes, row.offline_minutes, _minutes(st.figures.tqt)))
    chart = time_chart(bars, f"{user.name}'s learning time, online study and offline, against total "
                             "qualification time (TQT)")
    return render_template("reports/learner.html", course=course, learner=user, st=st, row=row, chart=chart,
                           unassigned=unassigned, hours=hours_log(course, user))


@bp.get("/courses/<int:course_id>/learners/<int:user_id>/criteria")
@roles_required("tutor", "admin")
def criteria(course_id: int, user_id: int) -> Any:
    """The learner's criteria map: each criterion's state (course.evidence.status), its reasons and evidence."""
    course = my_course(course_id)
    user = my_learner(course, user_id)
    record = criteria_map(course, user)
    return render_template("reports/criteria.html", course=course, learner=user, record=record,
                           counts=counts_sentence(record.counts))


@bp.get("/courses/<int:course_id>/learners/<int:user_id>/criteria.<any(csv, xlsx):fmt>")
@roles_required("tutor", "admin")
def criteria_export(course_id: int, user_id: int, fmt: str) -> Any:
    """The criteria map as CSV or XLSX."""
    course = my_course(course_id)
    user = my_learner(course, user_id)
    return export(criteria_table(course, user), fmt, f"{course.slug}-{user.id}-criteria")


@bp.get("/courses/<int:course_id>/learners/<int:user_id>/hours.<any(csv, xlsx):fmt>")
@roles_required("tutor", "admin")
def hours_export(course_id: int, user_id: int, fmt: str) -> Any:
    """The learner's hours log (date, activity, minutes, outcome, covers) for funding evidence."""
    course = my_course(course_id)
    user = my_learner(course, user_id)
    return export(hours_table(course, user), fmt, f"{course.slug}-{user.id}-hours")


def _items_module(course: Course) -> Module | None:
    st_modules = db.session.scalars(
        db.select(Module).where(Module.course_id == course.id).order_by(Module.position)
    ).all()
    wanted = request.args.get("module", "")
    quizzed = [m for m in st_modules if m.quiz is not None]
    if wanted.isdigit():
        chosen = next((m for m in quizzed if m.id == int(wanted)), None)
        if chosen is None:
            abort(404)
        return chosen
    return quizzed[0] if quizzed else None


@bp.get("/courses/<int:course_id>/items")
@roles_required("tutor", "admin")
def items(course_id: int) -> Any:
    """Item analysis of one module's quiz: facility, discrimination, option frequencies, flags."""
    course = my_course(course_id)
    module = _items_module(course)
    which = "all" if request.args.get("attempts") == "all" else "first"
    report = item_analysis(module, which=which) if module is not None else None
    modules = db.session.scalars(
        db.select(Module).where(Module.course_id == course.id).order_by(Module.position)
    ).all()
    return render_template("reports/items.html", course=course, module=module, report=report, which=which,
                           modules=[m for m in modules if m.quiz is not None])


@bp.get("/courses/<int:course_id>/items.<any(csv, xlsx):fmt>")
@roles_required("tutor", "admin")
def items_export(course_id: int, fmt: str) -> Any:
    """Item analysis as CSV (statistics) or XLSX (statistics and option frequencies); every quiz
    unless ``module`` names one."""
    course = my_course(course_id)
    module = _items_module(course) if request.args.get("module") else None
    which = "all" if request.args.get("attempts") == "all" else "first"
    return export(items_tables(course, which=which, module=module), fmt, f"{course.slug}-items")


@bp.get("/attempts/<int:attempt_id>")
@roles_required("tutor", "admin")
def attempt(attempt_id: int) -> Any:
    """One submitted attempt as the server marked it (the evidence a criteria map links to)."""
    from course.learning.display import answer_text
    from course.learning.attempts import item_questions

    found = db.session.get(Attempt, attempt_id)
    if found is None or found.is_open or found.module.course.organisation_id != current_user.organisation_id:
        abort(404)
    by_key = item_questions(found)
    items = []
    for mark in found.marks:
        question = by_key.get((mark.question_id, mark.version))
        items.append({
            "mark": mark,
            "title": question.get("title", mark.question_id) if question else mark.question_id,
            "answer": answer_text(question, mark.response) if question else str(mark.response),
        })
    return render_template("reports/attempt.html", attempt=found, course=found.module.course, items=items)


from course.reports import job_views  # noqa: E402,F401  (its routes are on this blueprint)
