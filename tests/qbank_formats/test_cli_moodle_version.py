"""`carecourse export-questions --format moodle --moodle-version X.Y` on the shipped bank."""

from __future__ import annotations

import pytest
from lxml import etree

from course.bank.service import save_questions
from course.extensions import db

from .conftest import make_bank
from .test_moodle_versions import MOODLE_43_CORE_QTYPES

ACCEPTED = "4.0, 4.1, 4.2, 4.3, 4.4, 4.5, 5.0, 5.1, 5.2, 5.3"


@pytest.fixture
def shipped_bank(app, org):
    """The shipped course's questions stored in the organisation's bank."""
    from course.shipped import load_shipped_document

    with app.app_context():
        save_questions(load_shipped_document()["questions"], organisation=org, user=None)
        db.session.commit()


def _types(path) -> list[str]:
    root = etree.fromstring(path.read_bytes())
    return [el.get("type") for el in root.findall("question") if el.get("type") != "category"]


def test_the_shipped_bank_for_moodle_43(app, cli_runner, org, shipped_bank, tmp_path):
    out = tmp_path / "bank-43.xml"
    res = cli_runner.invoke(
        args=["export-questions", "--format", "moodle", "--moodle-version", "4.3", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    types = _types(out)
    assert "ordering" not in types and set(types) <= MOODLE_43_CORE_QTYPES and len(types) == 286
    first, converted = res.stdout.splitlines()
    assert first == f"Exported 286 question(s) to {out} (moodle for Moodle 4.3)"
    assert converted.startswith(
        "Converted 9 question(s) to core question types (each reason is a warning): "
    )
    assert "relnet-o2-identify-steps" in converted and "core-hs-scn-kwame" in converted
    assert (
        "warning: relnet-o2-identify-steps: Moodle 4.3 has no ordering question type (core from "
        "4.4): exported as a matching question, each item matched to its place (1st, 2nd, ...), an "
        "equal share of the marks for each item placed right (converted)\n"
    ) in res.stderr
    assert "warning: core-hs-scn-kwame: step s2 (ordering) has no Moodle Cloze form" in res.stderr
    assert res.stderr.count("(not exported)\n") == 2


def test_the_default_is_the_lts_and_keeps_ordering(app, cli_runner, org, shipped_bank, tmp_path):
    out = tmp_path / "bank.xml"
    res = cli_runner.invoke(args=["export-questions", "--format", "moodle", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == f"Exported 286 question(s) to {out} (moodle for Moodle 5.3)"
    assert _types(out).count("ordering") == 3
    again = tmp_path / "bank-45.xml"
    res = cli_runner.invoke(
        args=["export-questions", "--format", "moodle", "--moodle-version", "4.5", "--out", str(again)]
    )
    assert res.exit_code == 0 and again.read_bytes() == out.read_bytes()


def test_an_unknown_moodle_version_is_refused_and_nothing_written(app, cli_runner, org, tmp_path):
    with app.app_context():
        save_questions(make_bank(), organisation=org, user=None)
        db.session.commit()
    out = tmp_path / "bank.xml"
    res = cli_runner.invoke(
        args=["export-questions", "--format", "moodle", "--moodle-version", "3.9", "--out", str(out)]
    )
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr == (
        "error: --moodle-version: Moodle version '3.9' is not one this export knows: use one of "
        f"{ACCEPTED} (default 5.3, the current LTS)\n"
    )
    res = cli_runner.invoke(
        args=["export-questions", "--format", "gift", "--moodle-version", "4.3", "--out", str(out)]
    )
    assert res.exit_code == 1
    assert res.stderr == "error: --moodle-version applies only to --format moodle, not gift\n"
    assert not out.exists()


def test_the_help_names_the_versions_and_the_default(cli_runner):
    res = cli_runner.invoke(args=["export-questions", "--help"])
    assert res.exit_code == 0
    text = " ".join(res.stdout.split())
    assert f"--moodle-version X.Y With --format moodle: the Moodle that will import the file ({ACCEPTED}; default 5.3, the current LTS)." in text
