"""The command line: an import prints its job id, or with --wait follows the job and prints what
it did (exit 1 naming file and position); `carecourse job` shows any job."""
from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from course.bank.models import QuestionVersion
from course.extensions import db
from course.models import Organisation
from tests.helpers import make_app

GIFT = b"// criterion: TESTFW/K1\n::Trust:: Listening builds trust. {TRUE}\n"
BROKEN = b"// criterion: TESTFW/K1\nGood? {T}\n\nBroken {=a ~b\n"


def with_org(app) -> None:
    with app.app_context():
        db.session.add(Organisation(name="Org A"))
        db.session.commit()


def test_without_wait_the_import_prints_its_job_id(app, runner, tmp_path):
    with_org(app)
    path = tmp_path / "trust.gift"
    path.write_bytes(GIFT)
    result = runner.invoke(args=["import-questions", str(path)])
    assert result.exit_code == 0, result.output
    found = re.fullmatch(r"Job ([0-9a-f]{32}): (\w+)\. `carecourse job \1 --wait` shows its result\.\n",
                         result.stdout)
    assert found, result.stdout
    assert found.group(2) == "done"  # the tests' inline backend has run it already
    shown = runner.invoke(args=["job", found.group(1), "--json"])
    assert shown.exit_code == 0
    document = json.loads(shown.stdout)
    assert (document["status"], document["kind"], document["errors"]) == ("done", "import-questions", [])
    assert document["result"]["questions"] == 1 and document["result"]["filename"] == "trust.gift"


def test_job_shows_a_failed_import_with_each_error_and_exits_1(app, runner, tmp_path):
    with_org(app)
    path = tmp_path / "bad.gift"
    path.write_bytes(BROKEN)
    queued = runner.invoke(args=["import-questions", str(path), "--json"])
    assert queued.exit_code == 0  # the job was accepted; its result is the job's
    job_id = json.loads(queued.stdout)["job"]
    shown = runner.invoke(args=["job", job_id])
    assert shown.exit_code == 1
    assert shown.stdout == f"Job {job_id} (import-questions): Failed: nothing was changed.\n"
    assert shown.stderr == "error: bad.gift: line 4: answer block '{' is not closed with '}'\n"


def test_job_with_an_unknown_id(app, runner):
    result = runner.invoke(args=["job", "0" * 32])
    assert result.exit_code == 1 and result.stderr == f"error: no job {'0' * 32}\n"


def test_wait_follows_a_job_run_by_a_thread(tmp_path):
    """With the thread backend (make run's), --wait reads the job's record until it is finished."""
    app = make_app(tmp_path, JOBS_BACKEND="thread")
    try:
        with_org(app)
        path = tmp_path / "bad.gift"
        path.write_bytes(BROKEN)
        failed = app.test_cli_runner().invoke(args=["import-questions", str(path), "--wait"])
        assert failed.exit_code == 1
        assert failed.stderr == "error: bad.gift: line 4: answer block '{' is not closed with '}'\n"
        path.write_bytes(GIFT)
        done = app.test_cli_runner().invoke(args=["import-questions", str(path), "--wait"])
        assert done.exit_code == 0, done.output
        assert done.stdout.splitlines()[0] == "Imported 1 question(s) from bad.gift (gift) into Org A"
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(QuestionVersion)) == 1
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_import_course_and_unit_without_wait_print_the_job(app, runner, tmp_path):
    with_org(app)
    document = tmp_path / "c.json"
    document.write_text("{}")
    result = runner.invoke(args=["import-course", str(document)])
    assert result.exit_code == 0
    job_id = re.match(r"Job ([0-9a-f]{32}): failed\.", result.stdout).group(1)
    shown = runner.invoke(args=["job", job_id])
    assert shown.exit_code == 1 and "error: format: " in shown.stderr
    waited = runner.invoke(args=["import-course", str(document), "--wait"])
    assert waited.exit_code == 1
    lines = waited.stderr.splitlines()
    assert lines[-1] == f"error: {document}: {len(lines) - 1} problem(s); nothing imported"
    unit = tmp_path / "unit.txt"
    unit.write_text("\n\n")
    result = runner.invoke(args=["import-unit", str(unit)])
    assert result.exit_code == 0 and re.match(r"Job [0-9a-f]{32}: failed\.", result.stdout)
    waited = runner.invoke(args=["import-unit", str(unit), "--wait"])
    assert waited.exit_code == 1 and waited.stderr == f"error: {unit}: empty document\n"
